"""The moderators' queue: listing by state and deciding on comments, every action audited and announced."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from moderation.actors import moderator_actor
from moderation.audit.models import AuditAction
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import EVENT_FOR_STATUS, announce, audit_comment, get_comment
from moderation.errors import Conflict, Forbidden
from moderation.language import Language
from moderation.notifications.config import current_mail
from moderation.notifications.service import notify_decided
from moderation.pagination import Order, Page, fetch_page
from moderation.reports.models import Report, ReportResolution
from moderation.types import utcnow
from moderation.verdicts import ReasonCode
from moderation.webhooks.models import EventType

#: "A stage failed" reasons, filtered together as ``unavailable``.
UNAVAILABLE_CODES = tuple(code.value for code in ReasonCode if code.value.endswith(("_unavailable", "_timeout")))


class QueueState(enum.StrEnum):
    PENDING = "pending"
    REPORTED = "reported"
    #: Published with a flag (see ``Comment.flagged``), waiting for a moderator's look.
    FLAGGED = "flagged"
    REJECTED = "rejected"
    PUBLISHED = "published"


class ReasonFilter(enum.StrEnum):
    """What moderators filter the queue by: a stage's reason code, or open reader reports."""

    RULE = "rule"
    TOXICITY = "toxicity"
    CAMPAIGN = "campaign"
    REPORTS = "reports"
    UNAVAILABLE = "unavailable"


class DecisionAction(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"

    @property
    def audit_action(self) -> AuditAction:
        return AuditAction.COMMENT_APPROVED if self is DecisionAction.APPROVE else AuditAction.COMMENT_REJECTED

    @property
    def report_resolution(self) -> ReportResolution:
        return ReportResolution.DISMISSED if self is DecisionAction.APPROVE else ReportResolution.UPHELD


class CommentDeleted(Conflict):
    slug = "comment-deleted"
    title = "Comment deleted by its author"


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
    reason: ReasonFilter | None = None
    language: Language | None = None
    since: datetime | None = None
    until: datetime | None = None
    #: Case-insensitive substring of the body or the author's name.
    text: str | None = None
    #: Only comments with a larger id (the live update asks for what arrived after the newest it shows).
    newer_than: int | None = None


@dataclass(frozen=True)
class QueueItem:
    comment: Comment
    reports: list[Report]


#: Work queues are served oldest first so nothing starves; archives newest first.
_ORDERS = {
    QueueState.PENDING: Order("queue", (Comment.id,), descending=False),
    QueueState.REPORTED: Order("queue", (Comment.id,), descending=False),
    QueueState.FLAGGED: Order("queue", (Comment.id,), descending=False),
    QueueState.REJECTED: Order("archive", (Comment.id,), descending=True),
    QueueState.PUBLISHED: Order("archive", (Comment.id,), descending=True),
}


def queue_order(state: QueueState) -> Order:
    return _ORDERS[state]


def in_state(state: QueueState) -> ColumnElement[bool]:
    """The condition that puts a comment in a tab (the tab counts use the same ones)."""
    if state is QueueState.REPORTED:
        return (Comment.open_reports > 0) & Comment.status.in_((CommentStatus.PUBLISHED, CommentStatus.PENDING))
    if state is QueueState.FLAGGED:
        return (Comment.status == CommentStatus.PUBLISHED) & Comment.flagged.is_(True)
    return Comment.status == CommentStatus(state.value)


def _filters(query: QueueQuery) -> list[ColumnElement[bool]]:
    conditions = [in_state(query.state)]
    if query.article_id is not None:
        conditions.append(Comment.article_id == query.article_id)
    if query.reason is ReasonFilter.REPORTS:
        conditions.append(Comment.open_reports > 0)
    elif query.reason is not None:
        codes = UNAVAILABLE_CODES if query.reason is ReasonFilter.UNAVAILABLE else (query.reason.value,)
        conditions.append(or_(*(Comment.reason_codes.contains(f" {code} ", autoescape=True) for code in codes)))
    if query.language is not None:
        conditions.append(Comment.language == query.language.value)
    if query.since is not None:
        conditions.append(Comment.created_at >= query.since)
    if query.until is not None:
        conditions.append(Comment.created_at < query.until)
    if query.text:
        needle = query.text.lower()
        conditions.append(
            func.lower(Comment.body).contains(needle, autoescape=True)
            | func.lower(Comment.author_name).contains(needle, autoescape=True)
        )
    if query.newer_than is not None:
        conditions.append(Comment.id > query.newer_than)
    return conditions


def list_queue(*, session: Session, query: QueueQuery) -> Page[QueueItem]:
    """One page of the queue with each comment's reader reports (two queries)."""
    page = fetch_page(
        session,
        select(Comment).where(*_filters(query)),
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


def decide_many(*, session: Session, comment_ids: list[int], decision: Decision, moderator_name: str) -> list[Comment]:
    """One decision for several comments in one transaction (the queue's bulk select); each is audited and
    announced exactly like a single decision. An unknown id refuses the whole batch: nothing is half done."""
    comments = [get_comment(session, comment_id) for comment_id in dict.fromkeys(comment_ids)]
    for comment in comments:
        apply_decision(session, comment=comment, decision=decision, moderator_name=moderator_name)
    session.commit()
    return comments


class SameModerator(Forbidden):
    slug = "appeal-needs-another-moderator"
    title = "An appeal is decided by another moderator"


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
    if comment.status is CommentStatus.DELETED:
        raise CommentDeleted(f"Comment {comment.id} was deleted by its author; there is nothing to decide.")
    if comment.appeal_excluded is not None and comment.appeal_excluded == moderator_name:
        raise SameModerator(f"Comment {comment.id} appeals your decision; another moderator decides it.")
    comment.appeal_excluded = None
    before = comment.status
    after = CommentStatus.PUBLISHED if action is DecisionAction.APPROVE else CommentStatus.REJECTED
    comment.status = after
    comment.moderated_at = utcnow()
    comment.moderated_by = moderator_name
    comment.needs_rescore = False
    comment.flagged = False
    comment.claimed_by = comment.claimed_until = None
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
    notify_decided(session, comment=comment, before=before, config=current_mail())


def _resolve_reports(session: Session, comment: Comment, resolution: ReportResolution) -> int:
    result = session.execute(
        update(Report)
        .where(Report.comment_id == comment.id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolution=resolution)
    )
    comment.open_reports, comment.report_weight = 0, 0.0
    return int(result.rowcount)  # type: ignore[attr-defined]


def _reports_for(session: Session, comment_ids: list[int]) -> dict[int, list[Report]]:
    if not comment_ids:
        return {}
    grouped: dict[int, list[Report]] = {}
    for report in session.scalars(select(Report).where(Report.comment_id.in_(comment_ids)).order_by(Report.id)):
        grouped.setdefault(report.comment_id, []).append(report)
    return grouped
