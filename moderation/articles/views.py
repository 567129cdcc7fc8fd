"""``/api/v1/articles/{id}``: registration and settings by the CMS (an admin token), public read."""

from __future__ import annotations

from moderation.articles.models import Article
from moderation.articles.schemas import ArticleInSchema, ArticleOutSchema, ThresholdsInSchema, ThresholdsOutSchema
from moderation.articles.service import (
    ArticleInput,
    ArticleThresholds,
    article_thresholds,
    get_article,
    register_article,
    set_thresholds,
)
from moderation.auth import admin_required, current_actor, moderator_required
from moderation.extensions import current_session
from moderation.http import Blueprint
from moderation.state import current_thresholds
from moderation.thresholds import Thresholds

bp = Blueprint("articles", __name__, url_prefix="/api/v1/articles", description="Articles that carry comments.")


@bp.route("/<article_id>", methods=["PUT"])
@admin_required
@bp.arguments(ArticleInSchema)
@bp.response(200, ArticleOutSchema, description="Updated.")
@bp.alt_response(201, schema=ArticleOutSchema, description="Registered.")
@bp.doc(security=[{"bearerAuth": []}])
def put_article(article_input: ArticleInput, article_id: str) -> tuple[Article, int]:
    article, created = register_article(
        session=current_session(), article_id=article_id, article_input=article_input, actor=current_actor()
    )
    return article, 201 if created else 200


@bp.route("/<article_id>", methods=["GET"])
@bp.response(200, ArticleOutSchema)
def read_article(article_id: str) -> Article:
    return get_article(session=current_session(), article_id=article_id)


@bp.route("/<article_id>/thresholds", methods=["GET"])
@moderator_required
@bp.response(200, ThresholdsOutSchema)
@bp.doc(security=[{"bearerAuth": []}])
def read_thresholds(article_id: str) -> ArticleThresholds:
    """This story's overrides and the thresholds its comments are judged by."""
    return article_thresholds(session=current_session(), article_id=article_id, base=current_thresholds())


@bp.route("/<article_id>/thresholds", methods=["PUT"])
@admin_required
@bp.arguments(ThresholdsInSchema)
@bp.response(200, ThresholdsOutSchema)
@bp.doc(security=[{"bearerAuth": []}])
def put_thresholds(overrides: Thresholds, article_id: str) -> ArticleThresholds:
    """Replace this story's overrides (a story under attack can be stricter); ``{}`` clears them. Audited."""
    return set_thresholds(
        session=current_session(),
        article_id=article_id,
        thresholds=overrides,
        actor=current_actor(),
        base=current_thresholds(),
    )
