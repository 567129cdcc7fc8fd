"""Reader reports: recorded, audited, announced; enough distinct reporters hide a comment until a moderator decides.

One reporter counts once per comment (``reporter_key``, an HMAC of the client address with the site's secret, so no
address is stored): three reports from one client are one report, and it takes ``hold_threshold`` different
readers to hide a comment. The open-report counter is incremented in the database (``open_reports + 1``), so
simultaneous reports are all counted, and only one of them hides the comment.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
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


def reporter_key(*, secret: str, client: str) -> str:
    """A stable pseudonym for the reporting client (its address), not reversible without the site's secret."""
    return hmac.new(secret.encode(), f"report:{client}".encode(), hashlib.sha256).hexdigest()[:32]


def report_comment(
    *, session: Session, comment_id: int, report_input: ReportInput, reporter: str, hold_threshold: int
) -> Report:
    """Record the report once per reporter (a repeat returns the first report and counts nothing); commits."""
    comment = get_comment(session, comment_id)
    if comment.status is not CommentStatus.PUBLISHED:
        raise CommentNotFound(f"No published comment with id {comment_id}.")
    earlier = _earlier_report(session, comment.id, reporter)
    if earlier is not None:
        return earlier
    report = Report(comment_id=comment.id, reason=report_input.reason, text=report_input.text, reporter_key=reporter)
    try:
        with session.begin_nested():
            session.add(report)
    except IntegrityError:  # the same reporter, a moment earlier, in another request: its savepoint is undone
        return _earlier_report(session, comment_id, reporter) or report
    open_reports = _count_report(session, comment)
    reason = report_input.reason.value
    audit_comment(
        session,
        comment=comment,
        actor=Actor.READER,
        action=AuditAction.COMMENT_REPORTED,
        details={"reason": reason, "open_reports": open_reports},
    )
    announce(session, comment=comment, event_types=(EventType.REPORTED,), extra={"report": {"reason": reason}})
    if hold_threshold and open_reports >= hold_threshold:
        _hold_for_reports(session, comment, open_reports)
    session.commit()
    return report


def _earlier_report(session: Session, comment_id: int, reporter: str) -> Report | None:
    query = select(Report).where(Report.comment_id == comment_id, Report.reporter_key == reporter)
    earlier: Report | None = session.scalar(query)
    return earlier


def _count_report(session: Session, comment: Comment) -> int:
    """``open_reports + 1`` in the database, returning the new count (no lost update between requests)."""
    count = session.execute(
        update(Comment)
        .where(Comment.id == comment.id)
        .values(open_reports=Comment.open_reports + 1)
        .returning(Comment.open_reports)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    session.expire(comment, ["open_reports"])
    return int(count)


def _hold_for_reports(session: Session, comment: Comment, open_reports: int) -> None:
    """Hide the comment, once: only the request whose update finds it still published holds and announces it."""
    reasons = [*comment.reasons, {"code": ReasonCode.READER_REPORTS.value, "message": text(Message.HELD)}]
    held = session.execute(
        update(Comment)
        .where(Comment.id == comment.id, Comment.status == CommentStatus.PUBLISHED)
        .values(status=CommentStatus.PENDING, reasons=reasons)
        .execution_options(synchronize_session=False)
    )
    session.expire(comment, ["status", "reasons"])
    if not held.rowcount:  # type: ignore[attr-defined]
        return
    audit_comment(
        session,
        comment=comment,
        actor=Actor.REPORTS,
        action=AuditAction.COMMENT_HELD,
        details={"reason": ReasonCode.READER_REPORTS.value, "open_reports": open_reports},
    )
    announce(session, comment=comment, event_types=(EventType.HELD,))
