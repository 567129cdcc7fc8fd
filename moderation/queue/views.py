"""``/api/v1/moderation``: the queue, decisions and the audit log (moderator token required)."""

from __future__ import annotations

from typing import Any

from moderation.audit.service import list_entries
from moderation.extensions import current_session
from moderation.http import Blueprint
from moderation.moderators.auth import current_moderator, moderator_required
from moderation.queue.schemas import (
    AuditPageSchema,
    AuditQuerySchema,
    DecisionSchema,
    ModeratorCommentSchema,
    QueuePageSchema,
    QueueQuerySchema,
)
from moderation.queue.service import decide, list_queue

bp = Blueprint("moderation", __name__, url_prefix="/api/v1/moderation", description="Moderator queue and audit.")


@bp.route("/queue", methods=["GET"])
@moderator_required
@bp.arguments(QueueQuerySchema, location="query")
@bp.response(200, QueuePageSchema)
@bp.doc(security=[{"bearerAuth": []}])
def queue(query: dict[str, Any]) -> dict[str, Any]:
    items = list_queue(session=current_session(), **query)
    next_cursor = items[-1].comment.id if len(items) == query["limit"] else None
    return {"items": items, "next_cursor": next_cursor}


@bp.route("/comments/<id:comment_id>/decision", methods=["POST"])
@moderator_required
@bp.arguments(DecisionSchema)
@bp.response(200, ModeratorCommentSchema)
@bp.doc(security=[{"bearerAuth": []}])
def decision(data: dict[str, Any], comment_id: int) -> Any:
    return decide(session=current_session(), comment_id=comment_id, moderator_name=current_moderator().name, **data)


@bp.route("/audit", methods=["GET"])
@moderator_required
@bp.arguments(AuditQuerySchema, location="query")
@bp.response(200, AuditPageSchema)
@bp.doc(security=[{"bearerAuth": []}])
def audit(query: dict[str, Any]) -> dict[str, Any]:
    entries = list_entries(
        session=current_session(),
        comment_id=query["comment_id"],
        article_id=query["article_id"],
        before_id=query["before"],
        limit=query["limit"],
    )
    next_cursor = entries[-1].id if len(entries) == query["limit"] else None
    return {"entries": entries, "next_cursor": next_cursor}
