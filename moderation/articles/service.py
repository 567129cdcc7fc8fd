"""Article registration (idempotent upsert by the newsroom's own article id)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy.orm import Session

from moderation.articles.models import ARTICLE_ID_PATTERN, Article
from moderation.audit.service import record_action
from moderation.errors import InvalidInput, NotFound
from moderation.toxicity.thresholds import merge, validate_overrides


class ArticleNotFound(NotFound):
    slug = "article-not-found"
    title = "Article not found"


def validate_article_id(article_id: str) -> None:
    if not re.fullmatch(ARTICLE_ID_PATTERN, article_id):
        raise InvalidInput(
            "Invalid article id.",
            errors={"article_id": ["1-128 characters: letters, digits, '.', '_', ':', '-'; starting alphanumeric."]},
        )


def register_article(
    *, session: Session, article_id: str, url: str, title: str, comments_open: bool, actor: str
) -> tuple[Article, bool]:
    """Create or update (audited); returns the article and whether it was created."""
    validate_article_id(article_id)
    article = session.get(Article, article_id)
    created = article is None
    if article is None:
        article = Article(id=article_id)
        session.add(article)
    article.url, article.title, article.comments_open = url, title, comments_open
    record_action(
        session,
        actor=actor,
        action="article.registered" if created else "article.updated",
        article_id=article_id,
        details={"url": url, "title": title, "comments_open": comments_open},
    )
    session.commit()
    return article, created


def get_article(*, session: Session, article_id: str) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise ArticleNotFound(f"No article with id '{article_id}' is registered.")
    return article


def set_thresholds(
    *, session: Session, article_id: str, thresholds: dict[str, dict[str, float]] | None, actor: str
) -> Article:
    """Replace the article's threshold overrides (``None`` clears them); audited, commits."""
    article = get_article(session=session, article_id=article_id)
    before = article.thresholds
    article.thresholds = validate_overrides(thresholds) if thresholds else None
    record_action(
        session,
        actor=actor,
        action="article.thresholds_changed",
        article_id=article_id,
        details={"from": before, "to": article.thresholds},
    )
    session.commit()
    return article


def article_thresholds(
    *, session: Session, article_id: str, base: Mapping[str, Mapping[str, float]]
) -> dict[str, object]:
    article = get_article(session=session, article_id=article_id)
    return {"article_id": article.id, "overrides": article.thresholds, "effective": merge(base, article.thresholds)}
