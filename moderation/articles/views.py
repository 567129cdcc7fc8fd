"""``/api/v1/articles/{id}``: registration by the CMS (moderator token), public read."""

from __future__ import annotations

from typing import Any

from moderation.articles.schemas import ArticleInSchema, ArticleOutSchema
from moderation.articles.service import get_article, register_article
from moderation.extensions import current_session
from moderation.http import Blueprint
from moderation.moderators.auth import current_actor, moderator_required

bp = Blueprint("articles", __name__, url_prefix="/api/v1/articles", description="Articles that carry comments.")


@bp.route("/<article_id>", methods=["PUT"])
@moderator_required
@bp.arguments(ArticleInSchema)
@bp.response(200, ArticleOutSchema, description="Updated.")
@bp.alt_response(201, schema=ArticleOutSchema, description="Registered.")
@bp.doc(security=[{"bearerAuth": []}])
def put_article(data: dict[str, Any], article_id: str) -> tuple[Any, int]:
    article, created = register_article(session=current_session(), article_id=article_id, actor=current_actor(), **data)
    return article, 201 if created else 200


@bp.route("/<article_id>", methods=["GET"])
@bp.response(200, ArticleOutSchema)
def read_article(article_id: str) -> Any:
    return get_article(session=current_session(), article_id=article_id)
