"""The comment store's own operations: look up, store a verdict, count, and tell the audit log and the outbox.

Submitting a comment is a use case of the ``submission`` package (it orchestrates rules, model and campaigns
above this one); everything that changes a comment (moderators, reports, re-scoring) records it through
``audit_comment`` and ``announce`` here, so what receivers and the log learn about a comment is decided in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.articles.models import Article
from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.comments.models import Comment, CommentStatus
from moderation.errors import NotFound
from moderation.language import guess_language
from moderation.verdicts import Action, Verdict
from moderation.webhooks.events import Subscription, emit
from moderation.webhooks.models import EventType

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


def get_comment(session: Session, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise CommentNotFound(f"No comment with id {comment_id}.")
    return comment


class ThreadMember(Protocol):
    """What a comment's replies take their place from: a stored comment, or an archive's record of one."""

    @property
    def id(self) -> int: ...
    @property
    def thread_id(self) -> int | None: ...
    @property
    def depth(self) -> int: ...


def reply_position(parent: ThreadMember | None) -> dict[str, int | None]:
    """``parent_id``, ``thread_id`` (the thread's top-level comment) and ``depth`` of a comment below ``parent``
    (top level for None). Depth is stored unlimited; the thread listing caps what it shows."""
    if parent is None:
        return {"parent_id": None, "thread_id": None, "depth": 0}
    return {"parent_id": parent.id, "thread_id": parent.thread_id or parent.id, "depth": parent.depth + 1}


@dataclass(frozen=True)
class Waiting:
    """What waits for moderators: held comments and since when, and published ones readers reported."""

    pending: int
    oldest: datetime | None
    reported: int


def waiting(session: Session) -> Waiting:
    """Two indexed aggregates (the metrics' gauges and the moderators' digest read them)."""
    pending, oldest = session.execute(
        select(func.count(), func.min(Comment.created_at)).where(Comment.status == CommentStatus.PENDING)
    ).one()
    reported = session.scalar(
        select(func.count()).where(Comment.open_reports > 0, Comment.status == CommentStatus.PUBLISHED)
    )
    return Waiting(int(pending), oldest, int(reported or 0))


def published_counts(*, session: Session, article_ids: Sequence[str]) -> dict[str, int]:
    """The kept published counts (``counters.py``) of the registered ones among ``article_ids``; reads only."""
    rows = session.execute(select(Article.id, Article.published_count).where(Article.id.in_(set(article_ids))))
    counts = {row.id: row.published_count for row in rows}
    session.rollback()
    return counts


def apply_verdict(comment: Comment, verdict: Verdict) -> None:
    """Store the decision with everything that explains it (on submission and when a held comment is re-scored)."""
    comment.status = STATUS_FOR_ACTION[verdict.action]
    comment.reasons = [r.as_json() for r in verdict.reasons]
    comment.toxicity_scores = verdict.scores
    comment.rule_hits = [h.as_json() for h in verdict.hits]
    comment.model_id = verdict.model_id
    comment.ruleset_version = verdict.ruleset_version
    comment.wordlist_version = verdict.wordlist_version
    comment.thresholds = verdict.thresholds
    comment.needs_rescore = verdict.needs_rescore
    comment.flagged = verdict.action is Action.FLAG
    comment.reason_codes = reason_codes(comment.reasons)
    comment.language = guess_language(comment.body).value


def reason_codes(reasons: Sequence[dict[str, Any]]) -> str:
    """The codes of ``reasons`` in the form ``Comment.reason_codes`` stores (see there)."""
    codes = sorted({str(reason.get("code", "")) for reason in reasons} - {""})
    return f" {' '.join(codes)} " if codes else " "


def comment_payload(comment: Comment) -> dict[str, Any]:
    """What webhook receivers learn about a comment: no e-mail address ever leaves through a webhook."""
    return {
        "id": comment.id,
        "article_id": comment.article_id,
        "parent_id": comment.parent_id,
        "author_name": comment.author_name,
        "body": comment.body,
        "status": comment.status.value,
        "reasons": comment.reasons,
        "created_at": comment.created_at.isoformat(),
    }


def announce(
    session: Session,
    *,
    comment: Comment,
    event_types: Sequence[EventType],
    extra: dict[str, Any] | None = None,
    endpoints: Sequence[Subscription] | None = None,
) -> None:
    """Outbox events about ``comment`` in the caller's transaction (``extra`` rides beside the comment)."""
    data = {"comment": comment_payload(comment), **(extra or {})}
    emit(session, event_types=event_types, data=data, endpoints=endpoints)


def audit_comment(
    session: Session, *, comment: Comment, actor: str, action: AuditAction, details: dict[str, Any]
) -> None:
    """An audit entry about ``comment`` in the caller's transaction."""
    record_action(
        session, actor=actor, action=action, comment_id=comment.id, article_id=comment.article_id, details=details
    )
