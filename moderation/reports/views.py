"""``POST /api/v1/comments/{id}/reports``: a reader flags a published comment."""

from __future__ import annotations

from moderation.extensions import current_session
from moderation.http import Blueprint
from moderation.reports.models import Report
from moderation.reports.schemas import ReportOutSchema, ReportSchema
from moderation.reports.service import ReportInput, report_comment
from moderation.state import current_settings

bp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Readers reporting published comments.")


@bp.route("/comments/<id:comment_id>/reports", methods=["POST"])
@bp.arguments(ReportSchema)
@bp.response(201, ReportOutSchema)
def post_report(report_input: ReportInput, comment_id: int) -> Report:
    return report_comment(
        session=current_session(),
        comment_id=comment_id,
        report_input=report_input,
        hold_threshold=current_settings().reports_hold_threshold,
    )
