"""Reader reports: recorded, audited, announced; enough open reports hide a comment until a moderator decides."""

from __future__ import annotations

from sqlalchemy.orm import Session

from moderation.audit.service import record
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import CommentNotFound, get_comment
from moderation.filters.policy import HOLD_MESSAGE
from moderation.reports.models import Report, ReportReason
from moderation.webhooks.events import emit
from moderation.webhooks.models import EventType

READER_ACTOR = "reader"


def report_comment(
    *, session: Session, comment_id: int, reason: ReportReason, text: str | None, hold_threshold: int
) -> Report:
    comment = get_comment(session, comment_id)
    if comment.status is not CommentStatus.PUBLISHED:
        raise CommentNotFound(f"No published comment with id {comment_id}.")
    report = Report(comment_id=comment.id, reason=reason, text=text)
    session.add(report)
    comment.open_reports += 1
    record(
        session,
        actor=READER_ACTOR,
        action="comment.reported",
        comment=comment,
        details={"reason": reason.value, "open_reports": comment.open_reports},
    )
    emit(session, event_types=(EventType.REPORTED,), comment=comment, extra={"report": {"reason": reason.value}})
    if hold_threshold and comment.open_reports >= hold_threshold:
        _hold_for_reports(session, comment)
    session.commit()
    return report


def _hold_for_reports(session: Session, comment: Comment) -> None:
    comment.status = CommentStatus.PENDING
    comment.reasons = [*comment.reasons, {"code": "reader_reports", "message": HOLD_MESSAGE}]
    record(
        session,
        actor="system:reports",
        action="comment.held",
        comment=comment,
        details={"reason": "reader_reports", "open_reports": comment.open_reports},
    )
    emit(session, event_types=(EventType.HELD,), comment=comment)
