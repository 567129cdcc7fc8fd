"""``POST /api/v1/comments/{id}/reports``: a reader flags a published comment."""

from __future__ import annotations

from flask import request

from moderation.extensions import current_session, limiter
from moderation.http import Blueprint
from moderation.reports.models import Report
from moderation.reports.schemas import ReportOutSchema, ReportSchema
from moderation.reports.service import ReportInput, report_comment, reporter_key
from moderation.state import current_settings

bp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Readers reporting published comments.")


@bp.route("/comments/<id:comment_id>/reports", methods=["POST"])
@limiter.limit(lambda: current_settings().ratelimit_report, methods=["POST"])
@bp.arguments(ReportSchema)
@bp.response(201, ReportOutSchema, description="Recorded (a repeat by the same reader returns the first report).")
def post_report(report_input: ReportInput, comment_id: int) -> Report:
    settings = current_settings()
    return report_comment(
        session=current_session(),
        comment_id=comment_id,
        report_input=report_input,
        reporter=reporter_key(secret=settings.secret_key, client=request.remote_addr or "unknown"),
        hold_threshold=settings.reports_hold_threshold,
    )
