"""``POST /api/v1/comments/{id}/reports``: a reader flags a published comment."""

from __future__ import annotations

from flask import request

from moderation.extensions import current_session, limiter
from moderation.http import Blueprint, ProblemSchema
from moderation.readers.runtime import current_sso
from moderation.reports.models import Report
from moderation.reports.schemas import ReportOutSchema, ReportSchema
from moderation.reports.service import ReportInput, report_comment, reporter_of
from moderation.state import current_settings

bp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Readers reporting published comments.")


@bp.route("/comments/<id:comment_id>/reports", methods=["POST"])
@limiter.limit(lambda: current_settings().ratelimit_report, methods=["POST"])
@bp.arguments(ReportSchema())
@bp.response(201, ReportOutSchema, description="Recorded (a repeat by the same reader returns the first report).")
@bp.alt_response(401, schema=ProblemSchema, description="A reader token that is not valid (expired, forged).")
@bp.doc(security=[{}, {"readerToken": []}])
def post_report(report_input: ReportInput, comment_id: int) -> Report:
    """One report per signed-in reader, or per guest address; weighed by the reporter's past accuracy."""
    settings, session = current_settings(), current_session()
    reporter = reporter_of(
        session=session,
        authorization=request.headers.get("Authorization"),
        client=request.remote_addr or "unknown",
        secret=settings.secret_key,
        sso=current_sso(),
    )
    return report_comment(
        session=session,
        comment_id=comment_id,
        report_input=report_input,
        reporter=reporter,
        hold_threshold=settings.reports_hold_threshold,
    )
