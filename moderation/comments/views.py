"""Public reading API for the article page's JavaScript (posting lives in ``submission``, reports in ``reports``)."""

from __future__ import annotations

from moderation.comments.schemas import CountQuerySchema, CountsSchema, ListQuerySchema, ThreadPageSchema
from moderation.comments.service import published_counts
from moderation.comments.threads import ThreadPage, ThreadQuery, list_threads
from moderation.extensions import current_session
from moderation.http import Blueprint
from moderation.state import current_settings

bp = Blueprint("comments", __name__, url_prefix="/api/v1", description="Reading the published comment threads.")


@bp.route("/articles/<article_id>/comments", methods=["GET"])
@bp.arguments(ListQuerySchema(), location="query")
@bp.response(200, ThreadPageSchema)
def list_comments(query: ThreadQuery, article_id: str) -> ThreadPage:
    settings = current_settings()
    return list_threads(
        session=current_session(),
        article_id=article_id,
        query=query,
        default_limit=settings.page_size_default,
        max_depth=settings.thread_max_depth,
    )


@bp.route("/comment-counts", methods=["GET"])
@bp.arguments(CountQuerySchema(), location="query")
@bp.response(200, CountsSchema)
def comment_counts(query: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """Published comments of many stories at once, for article lists ("12 Kommentare" under each teaser): kept
    counts, one indexed read whatever the stories' sizes."""
    return {"counts": published_counts(session=current_session(), article_ids=query["article"])}
