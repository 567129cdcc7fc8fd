"""Trust rules: what an author's record changes about a decision the pipeline made.

- New authors: until ``KOMMENTARE_TRUST_MIN_PUBLISHED`` of their comments are published, what the pipeline would
  publish is held with reason ``new_reader`` (Coral's "pre-moderate new commenters").
- A bad recent record: when more than ``KOMMENTARE_TRUST_MAX_REJECTION_RATE`` of the author's comments of the
  last ``KOMMENTARE_TRUST_WINDOW_DAYS`` were rejected (judged once they wrote at least
  ``KOMMENTARE_TRUST_MIN_RECENT``), it is held with reason ``rejection_rate`` (Coral uses 30 % over 7 days).
- Trusted readers: a signed-in reader with ``KOMMENTARE_TRUST_TRUSTED_MIN_PUBLISHED`` published comments and no
  rejection in the window is not held for model scores alone that stay below ``TRUST_TRUSTED_MAX_SCORE``: the
  comment is published with a flag (reason ``trusted_reader`` first), so moderators still see it. Guests are never
  trusted: their identity is a typed name and address anyone can type.
- Surge: while a story is in surge mode, authors without a published comment older than
  ``KOMMENTARE_SURGE_ESTABLISHED_HOURS`` are held with reason ``surge`` (a troll farm's fresh accounts, not the
  regulars).

A signed-in reader's record is their reader id's; a guest's is that of their account key (the keyed e-mail
address, else name, that campaign screening stores), so a new name with a known address is not new. Rejections
and holds from rules, links or campaigns always stay: only model-only holds are ever relieved.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, bindparam, case, func, select
from sqlalchemy.orm import Session

from moderation.articles.models import Article
from moderation.campaigns.accounts import account_key
from moderation.campaigns.models import Fingerprint
from moderation.comments.models import Comment, CommentStatus
from moderation.messages import Message
from moderation.submission.modes import held, with_article_mode
from moderation.submission.policy import SubmissionPolicy
from moderation.submission.trust_rules import TrustRules
from moderation.types import utcnow
from moderation.verdicts import Action, Reason, ReasonCode, Verdict


@dataclass(frozen=True)
class Record:
    published: int
    recent: int
    recent_rejected: int
    #: When the author's first published comment was written (None: nothing published yet).
    first_published_at: datetime | None = None


def record_of(
    session: Session, *, reader_id: int | None, email: str | None, name: str, secret: str, since: datetime
) -> Record:
    """The author's published comments, and their comments (and rejections) since ``since``: one query."""
    if reader_id is not None:
        statement, params = _READER_RECORD, {"reader_id": reader_id, "since": since}
    else:
        key = account_key(secret=secret, email=email, author_name=name)
        statement, params = _ACCOUNT_RECORD, {"account": key, "since": since}
    published, total, rejected, first = session.connection().execute(statement, params).one()
    return Record(int(published), int(total), int(rejected), first)


def _record(theirs: ColumnElement[bool]) -> Select[int, int, int, datetime | None]:
    """Built once per kind of author (every submission runs one): counts over the author's comments."""
    recent = Comment.created_at >= bindparam("since")
    is_published = Comment.status == CommentStatus.PUBLISHED
    return select(
        func.count(case((is_published, 1))),
        func.count(case((recent, 1))),
        func.count(case((recent & (Comment.status == CommentStatus.REJECTED), 1))),
        func.min(case((is_published, Comment.created_at))),
    ).where(theirs)


_READER_RECORD = _record(Comment.reader_id == bindparam("reader_id"))
_ACCOUNT_RECORD = _record(
    Comment.id.in_(select(Fingerprint.comment_id).where(Fingerprint.account_key == bindparam("account")))
)


def with_standing(
    verdict: Verdict,
    *,
    session: Session,
    article: Article,
    reader_id: int | None,
    email: str | None,
    name: str,
    policy: SubmissionPolicy,
) -> Verdict:
    """The verdict after the author's trust, the story's mode and the author's record (new submissions and the
    re-score job). Relief comes first, so a pre-moderated story still holds a trusted reader's comment."""
    now = utcnow()
    surge = article.in_surge(now)
    record = None
    if policy.trust.active or surge:
        since = window_start(policy.trust, now)
        record = record_of(session, reader_id=reader_id, email=email, name=name, secret=policy.secret_key, since=since)
        verdict = with_trusted_relief(verdict, record, policy.trust, signed_in=reader_id is not None)
    verdict = with_article_mode(verdict, article, guest=reader_id is None, guests_default=policy.guests)
    if record is None:
        return verdict
    verdict = with_trust(verdict, record, policy.trust)
    established_before = now - timedelta(hours=policy.surge.established_hours)
    if surge and verdict.action.value <= Action.FLAG.value and not _established(record, established_before):
        return held(verdict, ReasonCode.SURGE)
    return verdict


def window_start(rules: TrustRules, now: datetime) -> datetime:
    return now - timedelta(days=rules.window_days)


def with_trusted_relief(verdict: Verdict, record: Record, rules: TrustRules, *, signed_in: bool) -> Verdict:
    """A trusted reader's comment that only low-confidence model scores hold: published with a flag instead."""
    trusted = (
        signed_in
        and rules.trusted_min_published > 0
        and record.published >= rules.trusted_min_published
        and not record.recent_rejected
    )
    if not trusted or verdict.action is not Action.HOLD or not all(_low_model_score(r, rules) for r in verdict.reasons):
        return verdict
    flag = Reason.told(ReasonCode.TRUSTED_READER, Message.PUBLISHED)
    relieved = tuple(reason.saying(Message.PUBLISHED) for reason in verdict.reasons)
    return dataclasses.replace(verdict, action=Action.FLAG, reasons=(flag, *relieved))


def _low_model_score(reason: Reason, rules: TrustRules) -> bool:
    return reason.code is ReasonCode.TOXICITY and reason.score is not None and reason.score < rules.trusted_max_score


def with_trust(verdict: Verdict, record: Record, rules: TrustRules) -> Verdict:
    """Hold a would-be publish (or flag) when the author's record asks for it; anything stricter stays."""
    if verdict.action.value > Action.FLAG.value:
        return verdict
    code = None
    if rules.min_published > 0 and record.published < rules.min_published:
        code = ReasonCode.NEW_READER
    elif (
        rules.max_rejection_rate > 0 and record.recent >= rules.min_recent and _rate(record) > rules.max_rejection_rate
    ):
        code = ReasonCode.REJECTION_RATE
    return verdict if code is None else held(verdict, code)


def _established(record: Record, before: datetime) -> bool:
    return record.first_published_at is not None and record.first_published_at < before


def _rate(record: Record) -> float:
    return record.recent_rejected / record.recent if record.recent else 0.0
