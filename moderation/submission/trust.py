"""Trust rules: what an author's record changes about a decision the pipeline would publish.

- New authors: until ``KOMMENTARE_TRUST_MIN_PUBLISHED`` of their comments are published, what the pipeline would
  publish is held with reason ``new_reader`` (Coral's "pre-moderate new commenters").
- A bad recent record: when more than ``KOMMENTARE_TRUST_MAX_REJECTION_RATE`` of the author's comments of the
  last ``KOMMENTARE_TRUST_WINDOW_DAYS`` were rejected (judged once they wrote at least
  ``KOMMENTARE_TRUST_MIN_RECENT``), it is held with reason ``rejection_rate`` (Coral uses 30 % over 7 days).

A signed-in reader's record is their reader id's; a guest's is that of their account key (the keyed e-mail
address, else name, that campaign screening stores), so a new name with a known address is not new. Rejections
always stay rejections: the rules only ever hold.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from moderation.articles.models import Article
from moderation.campaigns.accounts import account_key
from moderation.campaigns.models import Fingerprint
from moderation.comments.models import Comment, CommentStatus
from moderation.messages import Message, text
from moderation.submission.modes import with_article_mode
from moderation.submission.policy import SubmissionPolicy
from moderation.submission.trust_rules import TrustRules
from moderation.types import utcnow
from moderation.verdicts import Action, Reason, ReasonCode, Verdict


@dataclass(frozen=True)
class Record:
    published: int
    recent: int
    recent_rejected: int


def record_of(
    session: Session, *, reader_id: int | None, email: str | None, name: str, secret: str, since: datetime
) -> Record:
    """The author's published comments, and their comments (and rejections) since ``since``: one query."""
    theirs: ColumnElement[bool]
    if reader_id is not None:
        theirs = Comment.reader_id == reader_id
    else:
        key = account_key(secret=secret, email=email, author_name=name)
        theirs = Comment.id.in_(select(Fingerprint.comment_id).where(Fingerprint.account_key == key))
    recent = Comment.created_at >= since
    published, total, rejected = session.execute(
        select(
            func.count(case((Comment.status == CommentStatus.PUBLISHED, 1))),
            func.count(case((recent, 1))),
            func.count(case((recent & (Comment.status == CommentStatus.REJECTED), 1))),
        ).where(theirs)
    ).one()
    return Record(int(published), int(total), int(rejected))


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
    """The verdict after the story's mode and the author's record (new submissions and the re-score job)."""
    verdict = with_article_mode(verdict, article)
    if not policy.trust.active:
        return verdict
    since = window_start(policy.trust, utcnow())
    record = record_of(session, reader_id=reader_id, email=email, name=name, secret=policy.secret_key, since=since)
    return with_trust(verdict, record, policy.trust)


def window_start(rules: TrustRules, now: datetime) -> datetime:
    return now - timedelta(days=rules.window_days)


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
    if code is None:
        return verdict
    return dataclasses.replace(verdict, action=Action.HOLD, reasons=(Reason(code, text(Message.HELD)),))


def _rate(record: Record) -> float:
    return record.recent_rejected / record.recent if record.recent else 0.0
