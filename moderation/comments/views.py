"""Public comment API for the article page's JavaScript.

The status code carries the outcome of moderation: 201 published, 202 held for review, 422 rejected.
"""

from __future__ import annotations

from typing import Any

from moderation.campaigns.detection import CampaignConfig
from moderation.comments.models import CommentStatus
from moderation.comments.schemas import (
    ListQuerySchema,
    SubmissionSchema,
    SubmittedCommentSchema,
    ThreadPageSchema,
)
from moderation.comments.service import Submission, submit_comment
from moderation.comments.threads import list_threads
from moderation.errors import DomainError
from moderation.extensions import current_session, limiter
from moderation.http import Blueprint, ProblemSchema
from moderation.reports.schemas import ReportOutSchema, ReportSchema
from moderation.reports.service import report_comment
from moderation.state import current_settings, current_state

bp = Blueprint("comments", __name__, url_prefix="/api/v1", description="Reading, posting and reporting comments.")


class CommentRejected(DomainError):
    """Raised after the rejected comment is stored, so the 422 answer and the stored decision agree."""

    status = 422
    slug = "comment-rejected"
    title = "Comment rejected"


@bp.route("/articles/<article_id>/comments", methods=["GET"])
@bp.arguments(ListQuerySchema, location="query")
@bp.response(200, ThreadPageSchema)
def list_comments(query: dict[str, Any], article_id: str) -> Any:
    settings = current_settings()
    return list_threads(
        session=current_session(),
        article_id=article_id,
        sort=query["sort"],
        limit=query["limit"] or settings.page_size_default,
        cursor=query["cursor"],
        max_depth=settings.thread_max_depth,
    )


@bp.route("/articles/<article_id>/comments", methods=["POST"])
@limiter.limit(lambda: current_settings().ratelimit_post_comment, methods=["POST"])
@bp.arguments(SubmissionSchema)
@bp.response(201, SubmittedCommentSchema, description="Published.")
@bp.alt_response(202, schema=SubmittedCommentSchema, description="Stored and held for review; not public yet.")
@bp.alt_response(
    422,
    schema=ProblemSchema,
    description="Rejected by the moderation policy (stored for audit), or, with nudge mode on, a first submission "
    "the model would hold or reject (type ...:comment-nudge, nothing stored): resend with nudge_acknowledged.",
)
def post_comment(data: dict[str, Any], article_id: str) -> tuple[Any, int]:
    state = current_state()
    comment = submit_comment(
        session=current_session(),
        pipeline=state.pipeline,
        submission=Submission(article_id=article_id, **data),
        thresholds=state.settings.thresholds,
        auto_create_articles=state.settings.auto_create_articles,
        nudge=state.settings.nudge_enabled,
        campaigns=CampaignConfig.from_settings(state.settings),
    )
    if comment.status is CommentStatus.REJECTED:
        raise CommentRejected(
            comment.reasons[0]["message"],
            extra={"comment_id": comment.id, "reasons": comment.reasons},
        )
    return comment, 201 if comment.status is CommentStatus.PUBLISHED else 202


@bp.route("/comments/<id:comment_id>/reports", methods=["POST"])
@bp.arguments(ReportSchema)
@bp.response(201, ReportOutSchema)
def post_report(data: dict[str, Any], comment_id: int) -> Any:
    return report_comment(
        session=current_session(),
        comment_id=comment_id,
        reason=data["reason"],
        text=data["text"],
        hold_threshold=current_settings().reports_hold_threshold,
    )
