"""Reader reports: recorded, audited, announced; enough distinct, credible reporters hide a comment until a
moderator decides.

One reporter counts once per comment: a signed-in reader as their reader id (``reader:<id>``), a guest as an
HMAC of the client address with the site's secret (no address is stored), so three reports from one client are
one report. Each report weighs by its reporter's record, ``2 * (upheld + 1) / (resolved + 2)``: a new reporter
weighs 1, one whose reports moderators kept upholding approaches 2, one whose reports were dismissed approaches
0. A comment is hidden when its open reports weigh ``hold_threshold`` or more *and* come from at least two
reporters (one reporter alone never hides anything, however accurate). The counters are incremented in the
database (``open_reports + 1``, ``report_weight + w``), so simultaneous reports are all counted, and only one of
them hides the comment.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moderation.actors import Actor
from moderation.audit.models import AuditAction
from moderation.comments.counters import count_transition
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import CommentNotFound, announce, audit_comment, get_comment
from moderation.messages import Message
from moderation.readers.service import signed_in_reader
from moderation.readers.sso import SsoConfig
from moderation.reports.models import Report, ReportReason, ReportResolution
from moderation.verdicts import Reason, ReasonCode
from moderation.webhooks.models import EventType


@dataclass(frozen=True)
class ReportInput:
    reason: ReportReason
    text: str | None = None


def reporter_key(*, secret: str, client: str) -> str:
    """A stable pseudonym for the reporting client (its address), not reversible without the site's secret."""
    return hmac.new(secret.encode(), f"report:{client}".encode(), hashlib.sha256).hexdigest()[:32]


#: However credible its reporters, a comment needs reports from this many of them to be hidden.
MIN_REPORTERS_TO_HIDE = 2


def reporter_of(*, session: Session, authorization: str | None, client: str, secret: str, sso: SsoConfig) -> str:
    """The reader the newsroom's token names (401 if it is not valid), else the guest at ``client``'s address."""
    reader = signed_in_reader(session=session, authorization=authorization, config=sso)
    return f"reader:{reader.id}" if reader is not None else reporter_key(secret=secret, client=client)


def reporter_weight(session: Session, reporter: str) -> float:
    """The reporter's accuracy so far, from moderators' decisions on what they reported (Laplace-smoothed)."""
    upheld, resolved = session.execute(
        select(
            func.count(case((Report.resolution == ReportResolution.UPHELD, 1))), func.count(Report.resolution)
        ).where(Report.reporter_key == reporter)
    ).one()
    return round(2 * (int(upheld) + 1) / (int(resolved) + 2), 3)


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
    weight = reporter_weight(session, reporter)
    report = Report(
        comment_id=comment.id, reason=report_input.reason, text=report_input.text, reporter_key=reporter, weight=weight
    )
    try:
        with session.begin_nested():
            session.add(report)
    except IntegrityError:  # the same reporter, a moment earlier, in another request: its savepoint is undone
        return _earlier_report(session, comment_id, reporter) or report
    open_reports, total_weight = _count_report(session, comment, weight)
    reason = report_input.reason.value
    audit_comment(
        session,
        comment=comment,
        actor=Actor.READER,
        action=AuditAction.COMMENT_REPORTED,
        details={"reason": reason, "open_reports": open_reports, "weight": weight, "report_weight": total_weight},
    )
    announce(session, comment=comment, event_types=(EventType.REPORTED,), extra={"report": {"reason": reason}})
    enough_reporters = open_reports >= min(MIN_REPORTERS_TO_HIDE, hold_threshold)
    if hold_threshold and total_weight >= hold_threshold and enough_reporters:
        _hold_for_reports(session, comment, open_reports)
    session.commit()
    return report


def _earlier_report(session: Session, comment_id: int, reporter: str) -> Report | None:
    query = select(Report).where(Report.comment_id == comment_id, Report.reporter_key == reporter)
    earlier: Report | None = session.scalar(query)
    return earlier


def _count_report(session: Session, comment: Comment, weight: float) -> tuple[int, float]:
    """``open_reports + 1`` and ``report_weight + weight`` in the database, returning both new values (no lost
    update between requests)."""
    count, total = session.execute(
        update(Comment)
        .where(Comment.id == comment.id)
        .values(open_reports=Comment.open_reports + 1, report_weight=Comment.report_weight + weight)
        .returning(Comment.open_reports, Comment.report_weight)
        .execution_options(synchronize_session=False)
    ).one()
    session.expire(comment, ["open_reports", "report_weight"])
    return int(count), round(float(total), 3)


def _hold_for_reports(session: Session, comment: Comment, open_reports: int) -> None:
    """Hide the comment, once: only the request whose update finds it still published holds and announces it."""
    reasons = [*comment.reasons, Reason.told(ReasonCode.READER_REPORTS, Message.HELD).as_json()]
    held = session.execute(
        update(Comment)
        .where(Comment.id == comment.id, Comment.status == CommentStatus.PUBLISHED)
        .values(status=CommentStatus.PENDING, reasons=reasons)
        .execution_options(synchronize_session=False)
    )
    session.expire(comment, ["status", "reasons"])
    if not held.rowcount:  # type: ignore[attr-defined]
        return
    count_transition(session, comment, CommentStatus.PUBLISHED, CommentStatus.PENDING)
    audit_comment(
        session,
        comment=comment,
        actor=Actor.REPORTS,
        action=AuditAction.COMMENT_HELD,
        details={"reason": ReasonCode.READER_REPORTS.value, "open_reports": open_reports},
    )
    announce(session, comment=comment, event_types=(EventType.HELD,))
