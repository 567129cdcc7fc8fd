"""``/api/v1/articles/{id}``: registration and settings by the CMS (an admin token), public read."""

from __future__ import annotations

from moderation.articles.models import Article
from moderation.articles.schemas import (
    ArticleInSchema,
    ArticleOutSchema,
    SurgeInSchema,
    ThresholdsInSchema,
    ThresholdsOutSchema,
)
from moderation.articles.service import (
    ArticleInput,
    ArticleThresholds,
    article_thresholds,
    end_surge,
    get_article,
    register_article,
    set_thresholds,
    start_surge,
)
from moderation.auth import admin_required, current_actor, moderator_required
from moderation.extensions import current_session
from moderation.http import Blueprint
from moderation.state import current_settings, current_thresholds
from moderation.thresholds import Thresholds

#: A moderator's surge when neither the request nor the settings name a length.
DEFAULT_SURGE_HOURS = 6.0

bp = Blueprint("articles", __name__, url_prefix="/api/v1/articles", description="Articles that carry comments.")


@bp.route("/<article_id>", methods=["PUT"])
@admin_required
@bp.arguments(ArticleInSchema())
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
@bp.arguments(ThresholdsInSchema())
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


@bp.route("/<article_id>/surge", methods=["POST"])
@moderator_required
@bp.arguments(SurgeInSchema())
@bp.response(200, ArticleOutSchema)
@bp.doc(security=[{"bearerAuth": []}])
def post_surge(surge: dict[str, float | None], article_id: str) -> Article:
    """Surge mode for a story under attack: its new readers are pre-moderated for ``hours`` (default
    KOMMENTARE_SURGE_HOURS, else 6); established readers are not affected. Audited."""
    return start_surge(
        session=current_session(),
        article_id=article_id,
        hours=surge["hours"] or current_settings().surge_hours or DEFAULT_SURGE_HOURS,
        actor=current_actor(),
    )


@bp.route("/<article_id>/surge", methods=["DELETE"])
@moderator_required
@bp.response(200, ArticleOutSchema)
@bp.doc(security=[{"bearerAuth": []}])
def delete_surge(article_id: str) -> Article:
    """End the story's surge now. Audited."""
    return end_surge(session=current_session(), article_id=article_id, actor=current_actor())
