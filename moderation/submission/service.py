"""Submitting a comment, top to bottom: reads, the pipeline, the nudge, campaign screening, one write phase.

Every outcome comes back as one ``SubmissionResult``; nothing is signalled by an exception except bad input and
missing or closed articles (domain errors, raised before anything is decided). The view maps the outcome to the
HTTP status in one table: 201 published, 202 held, 422 rejected (stored) or nudged (nothing stored).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from moderation import metrics
from moderation.actors import Actor
from moderation.articles.models import Article
from moderation.articles.service import SurgeCause, begin_surge
from moderation.bans.service import refuse_if_banned
from moderation.campaigns.detection import Posting, Screening
from moderation.campaigns.indexing import screen_submission
from moderation.campaigns.models import CampaignKind
from moderation.comments.models import Comment, CommentStatus
from moderation.submission.identity import Author, author_of, with_edit_token
from moderation.submission.modes import refuse_guest
from moderation.submission.nudge import Nudge, nudge_for
from moderation.submission.policy import SubmissionPolicy
from moderation.submission.runtime import SubmissionRuntime, wordlist_for
from moderation.submission.store import (
    StoredComment,
    apply_campaign_hits,
    article_for,
    check_notify,
    new_comment,
    parent_for,
    register_article,
    store,
    tell_readers,
)
from moderation.submission.trust import with_standing
from moderation.thresholds import merge
from moderation.types import utcnow
from moderation.verdicts import Verdict
from moderation.webhooks.events import subscriptions
from moderation.writes import serialized_writes


class Outcome(enum.StrEnum):
    PUBLISHED = "published"
    HELD = "held"
    REJECTED = "rejected"
    #: Nudge mode: the reader is shown the sentence first; nothing is stored.
    NUDGED = "nudged"


OUTCOME_FOR_STATUS = {
    CommentStatus.PUBLISHED: Outcome.PUBLISHED,
    CommentStatus.PENDING: Outcome.HELD,
    CommentStatus.REJECTED: Outcome.REJECTED,
}


@dataclass(frozen=True)
class SubmissionInput:
    """A reader's comment as the public API accepts it (the article comes from the URL)."""

    #: A guest's name; None for a reader signed in through the newsroom (the token names them).
    author_name: str | None
    body: str
    parent_id: int | None = None
    email: str | None = None
    #: The reader saw a nudge for this text and sends it anyway (only meaningful with nudge mode on).
    nudge_acknowledged: bool = False
    #: Mail the author when a reply to this comment is published (double opt-in; needs an address).
    notify_replies: bool = False


@dataclass(frozen=True)
class SubmissionResult:
    outcome: Outcome
    comment: StoredComment | None = None
    nudge: Nudge | None = None


def submit(
    *,
    session: Session,
    runtime: SubmissionRuntime,
    article_id: str,
    submission: SubmissionInput,
    authorization: str | None = None,
) -> SubmissionResult:
    """Validate, moderate, screen for campaigns, then write comment + campaign index + audit entry + outbox events
    in one transaction and commit.

    With nudge mode on, a first submission the model alone would hold or reject is answered with the nudge and
    nothing is stored; a resubmission with ``nudge_acknowledged`` goes through as usual.
    """
    admitted = _admit(session, runtime, article_id, submission, authorization)
    verdict = _moderate(session, runtime, admitted, submission)
    nudged = _nudged(session, runtime, submission, verdict)
    if nudged is not None:
        return nudged
    screening = _screen(session, runtime, article_id, submission, admitted.author)
    comment = new_comment(
        article_id=article_id,
        author_name=admitted.author.name,
        email=admitted.author.email,
        body=submission.body,
        parent=admitted.parent,
        verdict=verdict,
    )
    comment.reader_id = admitted.author.reader_id
    apply_campaign_hits(comment, verdict, screening, failed=screening is None)
    stored = _write(session, runtime, admitted, comment, verdict, screening, notify_replies=submission.notify_replies)
    stored = with_edit_token(stored, runtime.policy)
    outcome = OUTCOME_FOR_STATUS[stored.status]
    metrics.count_decision(outcome=outcome.value, reasons=(str(r["code"]) for r in stored.reasons))
    return SubmissionResult(outcome, comment=stored)


@dataclass(frozen=True)
class _Admitted:
    """What the checks before moderation found: the story (``new``: registered in the write phase), the parent
    replied to, and who writes."""

    article: Article
    new: bool
    parent: Comment | None
    author: Author


def _admit(
    session: Session,
    runtime: SubmissionRuntime,
    article_id: str,
    submission: SubmissionInput,
    authorization: str | None,
) -> _Admitted:
    """Everything that refuses a submission outright (domain errors, nothing decided or stored yet)."""
    policy = runtime.policy
    article, new = article_for(
        session, article_id, auto_create=policy.auto_create_articles, auto_close_days=policy.auto_close_days
    )
    parent = parent_for(session, submission.parent_id, article.id)
    author = author_of(
        session, runtime, name=submission.author_name, email=submission.email, authorization=authorization
    )
    refuse_if_banned(session, author.ban_subjects(policy.secret_key), utcnow())
    refuse_guest(article, guest=author.reader is None, default=policy.guests)
    check_notify(submission.notify_replies, email=author.email, mail=runtime.mail)
    return _Admitted(article, new, parent, author)


def _moderate(
    session: Session, runtime: SubmissionRuntime, admitted: _Admitted, submission: SubmissionInput
) -> Verdict:
    """The pipeline's verdict, then what the author's standing and the story's mode make of it."""
    policy, article, author = runtime.policy, admitted.article, admitted.author
    verdict = runtime.pipeline.moderate(
        submission.body,
        thresholds=merge(policy.thresholds, article.thresholds),
        wordlist=wordlist_for(session, runtime),
    )
    return with_standing(
        verdict,
        session=session,
        article=article,
        reader_id=author.reader_id,
        email=author.account,
        name=author.name,
        policy=policy,
    )


def _nudged(
    session: Session, runtime: SubmissionRuntime, submission: SubmissionInput, verdict: Verdict
) -> SubmissionResult | None:
    """Nudge mode: the answer for a first submission the model alone would hold or reject, else None."""
    if not runtime.policy.nudge_enabled or submission.nudge_acknowledged:
        return None
    nudge = nudge_for(pipeline=runtime.pipeline, body=submission.body, verdict=verdict)
    if nudge is None:
        return None
    session.rollback()  # only reads happened: end them, store nothing
    metrics.count_decision(outcome=Outcome.NUDGED.value, reasons=(str(r.code) for r in verdict.reasons))
    return SubmissionResult(Outcome.NUDGED, nudge=nudge)


def _write(
    session: Session,
    runtime: SubmissionRuntime,
    admitted: _Admitted,
    comment: Comment,
    verdict: Verdict,
    screening: Screening | None,
    *,
    notify_replies: bool,
) -> StoredComment:
    """The write phase under the write lock: the story if new, a surge, the comment with its index, audit and
    events, the mails it causes; one commit."""
    endpoints = subscriptions(session)  # read before the lock
    with serialized_writes(session):
        if admitted.new:
            register_article(session, admitted.article)
        _surge_on_burst(session, admitted.article, screening, runtime.policy)
        stored = store(session, comment=comment, verdict=verdict, screening=screening, endpoints=endpoints)
        tell_readers(session, comment=comment, notify_replies=notify_replies, mail=runtime.mail)
        session.commit()
    return stored


def _surge_on_burst(session: Session, article: Article, screening: Screening | None, policy: SubmissionPolicy) -> None:
    """A burst of new accounts puts the story into surge mode: from now on its new readers are pre-moderated."""
    burst = screening is not None and any(s.kind is CampaignKind.NEW_ACCOUNT_BURST for s in screening.signals)
    if burst and policy.surge.hours > 0:
        until = utcnow() + timedelta(hours=policy.surge.hours)
        begin_surge(session, article, until=until, actor=Actor.PIPELINE, cause=SurgeCause.BURST)


def _screen(
    session: Session, runtime: SubmissionRuntime, article_id: str, submission: SubmissionInput, author: Author
) -> Screening | None:
    """Campaign signals against the stored comments; None if the stage failed, after ending the failed reads (on
    PostgreSQL a failed statement leaves the transaction unusable; nothing was written yet). A signed-in reader's
    account is their newsroom id, which no other poster can type."""
    posting = Posting(article_id=article_id, body=submission.body, author_name=author.name, email=author.account)
    screening = screen_submission(session=session, config=runtime.policy.campaigns, posting=posting, now=utcnow())
    if screening is None:
        session.rollback()
    for signal in screening.signals if screening is not None else ():
        metrics.CAMPAIGN_SIGNALS.labels(kind=signal.kind.value).inc()
    return screening
