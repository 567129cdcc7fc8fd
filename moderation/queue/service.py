"""The moderators' queue: listing by state and deciding on comments, every action audited and announced."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from moderation.actors import moderator_actor
from moderation.audit.models import AuditAction
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import EVENT_FOR_STATUS, announce, audit_comment, get_comment
from moderation.pagination import Order, Page, fetch_page
from moderation.reports.models import Report, ReportResolution
from moderation.types import utcnow
from moderation.webhooks.models import EventType


class QueueState(enum.StrEnum):
    PENDING = "pending"
    REPORTED = "reported"
    REJECTED = "rejected"
    PUBLISHED = "published"


class DecisionAction(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"

    @property
    def audit_action(self) -> AuditAction:
        return AuditAction.COMMENT_APPROVED if self is DecisionAction.APPROVE else AuditAction.COMMENT_REJECTED

    @property
    def report_resolution(self) -> ReportResolution:
        return ReportResolution.DISMISSED if self is DecisionAction.APPROVE else ReportResolution.UPHELD


@dataclass(frozen=True)
class Decision:
    action: DecisionAction
    reason: str


@dataclass(frozen=True)
class QueueQuery:
    state: QueueState = QueueState.PENDING
    article_id: str | None = None
    cursor: str | None = None
    limit: int = 50


@dataclass(frozen=True)
class QueueItem:
    comment: Comment
    reports: list[Report]


#: Work queues are served oldest first so nothing starves; archives newest first.
_ORDERS = {
    QueueState.PENDING: Order("queue", (Comment.id,), descending=False),
    QueueState.REPORTED: Order("queue", (Comment.id,), descending=False),
    QueueState.REJECTED: Order("archive", (Comment.id,), descending=True),
    QueueState.PUBLISHED: Order("archive", (Comment.id,), descending=True),
}


def queue_order(state: QueueState) -> Order:
    return _ORDERS[state]


def list_queue(*, session: Session, query: QueueQuery) -> Page[QueueItem]:
    """One page of the queue with each comment's reader reports (two queries)."""
    comments = select(Comment)
    if query.state is QueueState.REPORTED:
        comments = comments.where(Comment.open_reports > 0, Comment.status != CommentStatus.REJECTED)
    else:
        comments = comments.where(Comment.status == CommentStatus(query.state.value))
    if query.article_id is not None:
        comments = comments.where(Comment.article_id == query.article_id)
    page = fetch_page(
        session,
        comments,
        order=_ORDERS[query.state],
        cursor=query.cursor,
        limit=query.limit,
        key_of=lambda comment: (comment.id,),
    )
    reports = _reports_for(session, [c.id for c in page.items])
    return Page([QueueItem(c, reports.get(c.id, [])) for c in page.items], page.next_cursor)


def decide(*, session: Session, comment_id: int, decision: Decision, moderator_name: str) -> Comment:
    """Apply a moderator's decision: resolve open reports, audit the change, emit events, commit."""
    comment = get_comment(session, comment_id)
    apply_decision(session, comment=comment, decision=decision, moderator_name=moderator_name)
    session.commit()
    return comment


def apply_decision(
    session: Session,
    *,
    comment: Comment,
    decision: Decision,
    moderator_name: str,
    context: dict[str, Any] | None = None,
) -> None:
    """One comment's decision inside the caller's unit of work, so bulk decisions (a whole campaign) audit and
    announce each comment exactly like a single decision; ``context`` (e.g. the campaign id) goes into both."""
    action, reason = decision.action, decision.reason
    before = comment.status
    after = CommentStatus.PUBLISHED if action is DecisionAction.APPROVE else CommentStatus.REJECTED
    comment.status = after
    comment.moderated_at = utcnow()
    comment.moderated_by = moderator_name
    comment.needs_rescore = False
    resolved = _resolve_reports(session, comment, action.report_resolution)
    audit_comment(
        session,
        actor=moderator_actor(moderator_name),
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
    announce(session, comment=comment, event_types=(EventType.MODERATED, *changed), extra=extra)


def _resolve_reports(session: Session, comment: Comment, resolution: ReportResolution) -> int:
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
