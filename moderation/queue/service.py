"""The moderators' queue: listing by state and deciding on comments, every action audited and announced."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from moderation.audit.service import record
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import EVENT_FOR_STATUS, get_comment
from moderation.reports.models import Report
from moderation.types import utcnow
from moderation.webhooks.events import emit
from moderation.webhooks.models import EventType


class QueueState(enum.Enum):
    PENDING = "pending"
    REPORTED = "reported"
    REJECTED = "rejected"
    PUBLISHED = "published"


class DecisionAction(enum.Enum):
    APPROVE = "approve"
    REJECT = "reject"

    @property
    def audit_action(self) -> str:
        return "comment.approved" if self is DecisionAction.APPROVE else "comment.rejected"


@dataclass(frozen=True)
class QueueItem:
    comment: Comment
    reports: list[Report]


#: Work queues are served oldest first so nothing starves; archives newest first.
_OLDEST_FIRST = {QueueState.PENDING, QueueState.REPORTED}


def list_queue(
    *, session: Session, state: QueueState, article_id: str | None, after: int | None, limit: int
) -> list[QueueItem]:
    """One page of the queue with each comment's reader reports (two queries)."""
    query = select(Comment)
    if state is QueueState.REPORTED:
        query = query.where(Comment.open_reports > 0, Comment.status != CommentStatus.REJECTED)
    else:
        query = query.where(Comment.status == CommentStatus(state.value))
    if article_id is not None:
        query = query.where(Comment.article_id == article_id)
    if state in _OLDEST_FIRST:
        query = query.order_by(Comment.id.asc()).where(Comment.id > after) if after else query.order_by(Comment.id)
    else:
        query = query.order_by(Comment.id.desc())
        query = query.where(Comment.id < after) if after else query
    comments = list(session.scalars(query.limit(limit)))
    reports = _reports_for(session, [c.id for c in comments])
    return [QueueItem(c, reports.get(c.id, [])) for c in comments]


def decide(*, session: Session, comment_id: int, action: DecisionAction, reason: str, moderator_name: str) -> Comment:
    """Apply a moderator's decision: resolve open reports, audit the change, emit events, commit."""
    comment = get_comment(session, comment_id)
    apply_decision(session, comment=comment, action=action, reason=reason, moderator_name=moderator_name)
    session.commit()
    return comment


def apply_decision(
    session: Session,
    *,
    comment: Comment,
    action: DecisionAction,
    reason: str,
    moderator_name: str,
    context: dict[str, Any] | None = None,
) -> None:
    """One comment's decision inside the caller's unit of work, so bulk decisions (a whole campaign) audit and
    announce each comment exactly like a single decision; ``context`` (e.g. the campaign id) goes into both."""
    before = comment.status
    after = CommentStatus.PUBLISHED if action is DecisionAction.APPROVE else CommentStatus.REJECTED
    comment.status = after
    comment.moderated_at = utcnow()
    comment.moderated_by = moderator_name
    comment.needs_rescore = False
    resolved = _resolve_reports(session, comment, "dismissed" if action is DecisionAction.APPROVE else "upheld")
    record(
        session,
        actor=f"moderator:{moderator_name}",
        action=action.audit_action,
        comment=comment,
        details={
            "from": before.value,
            "to": after.value,
            "reason": reason,
            "reports_resolved": resolved,
            **(context or {}),
        },
    )
    extra = {"decision": {"action": action.value, "reason": reason, "moderator": moderator_name, **(context or {})}}
    changed = (EVENT_FOR_STATUS[after],) if before is not after else ()
    emit(session, event_types=(EventType.MODERATED, *changed), comment=comment, extra=extra)


def _resolve_reports(session: Session, comment: Comment, resolution: str) -> int:
    result = session.execute(
        update(Report)
        .where(Report.comment_id == comment.id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolution=resolution)
    )
    comment.open_reports = 0
    return int(result.rowcount)  # type: ignore[attr-defined]


def _reports_for(session: Session, comment_ids: list[int]) -> dict[int, list[Report]]:
    if not comment_ids:
        return {}
    grouped: dict[int, list[Report]] = {}
    for report in session.scalars(select(Report).where(Report.comment_id.in_(comment_ids)).order_by(Report.id)):
        grouped.setdefault(report.comment_id, []).append(report)
    return grouped
