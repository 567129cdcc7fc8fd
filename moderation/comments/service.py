"""Comment use cases: submit through the moderation pipeline and campaign screening, list published threads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moderation.articles.models import Article
from moderation.articles.service import ArticleNotFound, validate_article_id
from moderation.audit.models import PIPELINE_ACTOR
from moderation.audit.service import record
from moderation.campaigns.detection import CampaignConfig, Posting, Screening
from moderation.campaigns.indexing import record_screening, screen_submission
from moderation.campaigns.reasons import merge_campaign
from moderation.comments.models import Comment, CommentStatus
from moderation.errors import Conflict, InvalidInput, NotFound
from moderation.filters.pipeline import ModerationPipeline
from moderation.filters.verdicts import Action, Verdict
from moderation.toxicity.nudge import offer_nudge
from moderation.toxicity.thresholds import merge
from moderation.types import utcnow
from moderation.webhooks.events import Subscription, emit, subscriptions
from moderation.webhooks.models import EventType
from moderation.writes import commit_keeping_state, serialized_writes

STATUS_FOR_ACTION = {
    Action.PUBLISH: CommentStatus.PUBLISHED,
    Action.FLAG: CommentStatus.PUBLISHED,
    Action.HOLD: CommentStatus.PENDING,
    Action.REJECT: CommentStatus.REJECTED,
}
EVENT_FOR_STATUS = {
    CommentStatus.PUBLISHED: EventType.PUBLISHED,
    CommentStatus.PENDING: EventType.HELD,
    CommentStatus.REJECTED: EventType.REJECTED,
}


class CommentNotFound(NotFound):
    slug = "comment-not-found"
    title = "Comment not found"


class CommentsClosed(Conflict):
    slug = "comments-closed"
    title = "Comments are closed"


@dataclass(frozen=True)
class Submission:
    article_id: str
    author_name: str
    body: str
    parent_id: int | None = None
    email: str | None = None
    nudge_acknowledged: bool = False


def submit_comment(
    *,
    session: Session,
    pipeline: ModerationPipeline,
    submission: Submission,
    thresholds: Mapping[str, Mapping[str, float]],
    auto_create_articles: bool,
    campaigns: CampaignConfig,
    nudge: bool = False,
) -> Comment:
    """Validate, moderate, screen for campaigns, then write comment + campaign index + audit entry + outbox events
    in one transaction.

    With ``nudge`` on, a first submission the model would hold or reject raises ``NudgeOffered`` (nothing stored)
    so the reader can revise; a resubmission with ``nudge_acknowledged`` goes through as usual. ``campaigns``
    defaults to the app's ``KOMMENTARE_CAMPAIGN_*`` settings (read from the app context, so the comment view needs
    no change; callers outside a request pass it).
    """
    article, new = _article_for(session, submission.article_id, auto_create=auto_create_articles)
    parent = _parent_for(session, submission.parent_id, article.id)
    verdict = pipeline.moderate(submission.body, thresholds=merge(thresholds, article.thresholds))
    if nudge and not submission.nudge_acknowledged:
        offer_nudge(pipeline=pipeline, text=submission.body, verdict=verdict)
    screening = _screen(session, submission, campaigns)
    comment = _comment_from(submission, parent, verdict)
    _apply_campaign_hits(comment, verdict, screening, failed=screening is None)
    endpoints = subscriptions(session)
    with serialized_writes(session):
        if new:
            _register_article(session, article)
        _store(session, comment, verdict, screening, endpoints)
    return comment


def _store(
    session: Session,
    comment: Comment,
    verdict: Verdict,
    screening: Screening | None,
    endpoints: Sequence[Subscription],
) -> None:
    """The write phase, kept short (everything is decided before it); the caller holds the write lock."""
    session.add(comment)
    session.flush()
    if screening is not None and not record_screening(session=session, comment=comment, screening=screening):
        _apply_campaign_hits(comment, verdict, screening, failed=True)
    _audit_created(session, comment, verdict)
    events = (EventType.CREATED, EVENT_FOR_STATUS[comment.status])
    emit(session, event_types=events, comment=comment, endpoints=endpoints)
    commit_keeping_state(session)


def _audit_created(session: Session, comment: Comment, verdict: Verdict) -> None:
    """The pipeline's decision; a shadow rule set's decision rides along here, recorded but never enforced."""
    details: dict[str, object] = {
        "status": comment.status.value,
        "reasons": comment.reasons,
        "model_id": comment.model_id,
        "ruleset_version": comment.ruleset_version,
        "campaign_id": comment.campaign_id,
    }
    if verdict.shadow is not None:
        details["shadow"] = verdict.shadow.as_json()
    record(session, actor=PIPELINE_ACTOR, action="comment.created", comment=comment, details=details)


def _screen(session: Session, submission: Submission, config: CampaignConfig) -> Screening | None:
    """Campaign signals for this submission against the stored comments; None if the stage failed."""
    posting = Posting(
        article_id=submission.article_id,
        body=submission.body,
        author_name=submission.author_name,
        email=submission.email,
    )
    return screen_submission(session=session, config=config, posting=posting, now=utcnow())


def _apply_campaign_hits(comment: Comment, verdict: Verdict, screening: Screening | None, *, failed: bool) -> None:
    """Fold campaign hits (or the stage's failure, a hold) into the stored decision.

    Such a comment is never left to the re-score job: it re-runs only the pipeline, which knows nothing of
    campaigns and could publish what a campaign signal held; a moderator decides instead.
    """
    hits = screening.hits if screening is not None else ()
    if hits or failed:
        apply_verdict(comment, merge_campaign(verdict, hits, failed=failed))
        comment.needs_rescore = False


def _article_for(session: Session, article_id: str, *, auto_create: bool) -> tuple[Article, bool]:
    """The article commented on, and whether it is new (auto-created articles are registered in the write phase)."""
    article = session.get(Article, article_id)
    if article is None and auto_create:
        validate_article_id(article_id)
        return Article(id=article_id, comments_open=True), True
    if article is None:
        raise ArticleNotFound(f"No article with id '{article_id}' is registered.")
    if not article.comments_open:
        raise CommentsClosed(f"Comments on article '{article_id}' are closed.")
    return article, False


def _register_article(session: Session, article: Article) -> None:
    """Insert an article on its first comment.

    The first comments on a new story often arrive together: when another submission inserted the row since we
    looked, our insert fails inside its savepoint and the comment goes to that row instead of answering 500.
    """
    try:
        with session.begin_nested():
            session.add(article)
    except IntegrityError:
        if session.get(Article, article.id) is None:
            raise


def _parent_for(session: Session, parent_id: int | None, article_id: str) -> Comment | None:
    """Replies go to published comments of the same article; anything else is a field error on ``parent_id``."""
    if parent_id is None:
        return None
    parent = session.get(Comment, parent_id)
    if parent is None or parent.status is not CommentStatus.PUBLISHED:
        raise InvalidInput("The comment you reply to does not exist.", errors={"parent_id": ["Unknown comment."]})
    if parent.article_id != article_id:
        raise InvalidInput(
            "The comment you reply to belongs to another article.",
            errors={"parent_id": ["Comment belongs to another article."]},
        )
    return parent


def _comment_from(submission: Submission, parent: Comment | None, verdict: Verdict) -> Comment:
    comment = Comment(
        article_id=submission.article_id,
        parent_id=parent.id if parent else None,
        thread_id=(parent.thread_id or parent.id) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        author_name=submission.author_name.strip(),
        email=submission.email,
        body=submission.body,
    )
    apply_verdict(comment, verdict)
    return comment


def apply_verdict(comment: Comment, verdict: Verdict) -> None:
    """Store the decision with everything that explains it (also used when a held comment is re-scored)."""
    comment.status = STATUS_FOR_ACTION[verdict.action]
    comment.reasons = [r.as_json() for r in verdict.reasons]
    comment.toxicity_scores = verdict.scores
    comment.rule_hits = [h.as_json() for h in verdict.hits]
    comment.model_id = verdict.model_id
    comment.ruleset_version = verdict.ruleset_version
    comment.thresholds = verdict.thresholds
    comment.needs_rescore = verdict.needs_rescore


def get_comment(session: Session, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise CommentNotFound(f"No comment with id {comment_id}.")
    return comment


def count_published(session: Session, article_id: str) -> int:
    query = select(func.count()).where(Comment.article_id == article_id, Comment.status == CommentStatus.PUBLISHED)
    return session.scalar(query) or 0
