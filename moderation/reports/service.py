"""Reader reports: recorded, audited, announced; enough open reports hide a comment until a moderator decides."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from moderation.actors import Actor
from moderation.audit.models import AuditAction
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import CommentNotFound, announce, audit_comment, get_comment
from moderation.messages import Message, text
from moderation.reports.models import Report, ReportReason
from moderation.verdicts import ReasonCode
from moderation.webhooks.models import EventType


@dataclass(frozen=True)
class ReportInput:
    reason: ReportReason
    text: str | None = None


def report_comment(*, session: Session, comment_id: int, report_input: ReportInput, hold_threshold: int) -> Report:
    comment = get_comment(session, comment_id)
    if comment.status is not CommentStatus.PUBLISHED:
        raise CommentNotFound(f"No published comment with id {comment_id}.")
    reason = report_input.reason
    report = Report(comment_id=comment.id, reason=reason, text=report_input.text)
    session.add(report)
    comment.open_reports += 1
    audit_comment(
        session,
        comment=comment,
        actor=Actor.READER,
        action=AuditAction.COMMENT_REPORTED,
        details={"reason": reason.value, "open_reports": comment.open_reports},
    )
    announce(session, comment=comment, event_types=(EventType.REPORTED,), extra={"report": {"reason": reason.value}})
    if hold_threshold and comment.open_reports >= hold_threshold:
        _hold_for_reports(session, comment)
    session.commit()
    return report


def _hold_for_reports(session: Session, comment: Comment) -> None:
    comment.status = CommentStatus.PENDING
    comment.reasons = [*comment.reasons, {"code": ReasonCode.READER_REPORTS.value, "message": text(Message.HELD)}]
    audit_comment(
        session,
        comment=comment,
        actor=Actor.REPORTS,
        action=AuditAction.COMMENT_HELD,
        details={"reason": ReasonCode.READER_REPORTS.value, "open_reports": comment.open_reports},
    )
    announce(session, comment=comment, event_types=(EventType.HELD,))
