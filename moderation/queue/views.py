"""``/api/v1/moderation``: the queue and decisions (moderator token required)."""

from __future__ import annotations

from moderation.auth import current_moderator, moderator_required
from moderation.comments.models import Comment
from moderation.extensions import current_session
from moderation.http import Blueprint, ProblemSchema
from moderation.pagination import Page
from moderation.queue.schemas import DecisionSchema, ModeratorCommentSchema, QueuePageSchema, QueueQuerySchema
from moderation.queue.service import Decision, QueueItem, QueueQuery, decide, list_queue

bp = Blueprint("moderation", __name__, url_prefix="/api/v1/moderation", description="Moderator queue and decisions.")


@bp.route("/queue", methods=["GET"])
@moderator_required
@bp.arguments(QueueQuerySchema(), location="query")
@bp.response(200, QueuePageSchema)
@bp.doc(security=[{"bearerAuth": []}])
def queue(query: QueueQuery) -> Page[QueueItem]:
    return list_queue(session=current_session(), query=query)


@bp.route("/comments/<id:comment_id>/decision", methods=["POST"])
@moderator_required
@bp.arguments(DecisionSchema())
@bp.response(200, ModeratorCommentSchema)
@bp.alt_response(409, schema=ProblemSchema, description="Deleted by its author: nothing to decide.")
@bp.doc(security=[{"bearerAuth": []}])
def decision(decision: Decision, comment_id: int) -> Comment:
    return decide(
        session=current_session(), comment_id=comment_id, decision=decision, moderator_name=current_moderator().name
    )
