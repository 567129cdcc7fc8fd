"""Article registration (idempotent upsert by the newsroom's own article id)."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from moderation.articles.models import ARTICLE_ID_PATTERN, Article, GuestMode, ModerationMode
from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.errors import InvalidInput, NotFound
from moderation.thresholds import Thresholds, check_order, merge, validate_overrides
from moderation.types import utcnow


class ArticleNotFound(NotFound):
    slug = "article-not-found"
    title = "Article not found"


def validate_article_id(article_id: str) -> None:
    if not re.fullmatch(ARTICLE_ID_PATTERN, article_id):
        raise InvalidInput(
            "Invalid article id.",
            errors={"article_id": ["1-128 characters: letters, digits, '.', '_', ':', '-'; starting alphanumeric."]},
        )


@dataclass(frozen=True)
class ArticleInput:
    url: str
    title: str
    comments_open: bool = True
    #: None keeps the story's mode (a new story is post-moderated).
    moderation_mode: ModerationMode | None = None
    #: The story's guests; None follows the site's setting. Only applied when ``guests_given``.
    guests: GuestMode | None = None
    guests_given: bool = False


class SurgeCause(enum.StrEnum):
    """What started a surge, as the audit log records it."""

    BURST = "new_account_burst"
    MODERATOR = "moderator"


@dataclass(frozen=True)
class ArticleThresholds:
    """A story's own overrides and the thresholds its comments are judged by (settings with the overrides)."""

    article_id: str
    overrides: Thresholds | None
    effective: Thresholds


def register_article(
    *, session: Session, article_id: str, article_input: ArticleInput, actor: str
) -> tuple[Article, bool]:
    """Create or update (audited); returns the article and whether it was created."""
    validate_article_id(article_id)
    url, title, comments_open = article_input.url, article_input.title, article_input.comments_open
    article = session.get(Article, article_id)
    created = article is None
    if article is None:
        article = Article(id=article_id)
        session.add(article)
    article.url, article.title, article.comments_open = url, title, comments_open
    article.moderation_mode = article_input.moderation_mode or article.moderation_mode or ModerationMode.POST
    if article_input.guests_given:
        article.guests = article_input.guests
    record_action(
        session,
        actor=actor,
        action=AuditAction.ARTICLE_REGISTERED if created else AuditAction.ARTICLE_UPDATED,
        article_id=article_id,
        details={
            "url": url,
            "title": title,
            "comments_open": comments_open,
            "moderation_mode": article.moderation_mode.value,
            "guests": article.guests.value if article.guests else None,
        },
    )
    session.commit()
    return article, created


def get_article(*, session: Session, article_id: str) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise ArticleNotFound(f"No article with id '{article_id}' is registered.")
    return article


def set_thresholds(
    *,
    session: Session,
    article_id: str,
    thresholds: dict[str, dict[str, float]] | None,
    actor: str,
    base: Mapping[str, Mapping[str, float]],
) -> ArticleThresholds:
    """Replace the article's threshold overrides (``None`` clears them); audited, commits; returns what
    ``article_thresholds`` shows."""
    article = get_article(session=session, article_id=article_id)
    before = article.thresholds
    try:
        overrides = validate_overrides(thresholds) if thresholds else None
        for label, levels in merge(base, overrides).items():
            check_order(label, levels)
    except ValueError as exc:  # out of range, or e.g. a hold above the model's own reject
        raise InvalidInput("Invalid thresholds.", errors={"thresholds": [str(exc)]}) from exc
    article.thresholds = overrides
    record_action(
        session,
        actor=actor,
        action=AuditAction.ARTICLE_THRESHOLDS_CHANGED,
        article_id=article_id,
        details={"from": before, "to": article.thresholds},
    )
    session.commit()
    return _thresholds_view(article, base)


def article_thresholds(
    *, session: Session, article_id: str, base: Mapping[str, Mapping[str, float]]
) -> ArticleThresholds:
    return _thresholds_view(get_article(session=session, article_id=article_id), base)


def _thresholds_view(article: Article, base: Mapping[str, Mapping[str, float]]) -> ArticleThresholds:
    return ArticleThresholds(article.id, article.thresholds, merge(base, article.thresholds))


def begin_surge(session: Session, article: Article, *, until: datetime, actor: str, cause: SurgeCause) -> bool:
    """Put the story into surge mode until ``until`` (a running surge is only ever extended); audited, no commit.
    False when a surge already runs at least that long."""
    if article.surge_until is not None and article.surge_until >= until:
        return False
    article.surge_until = until
    record_action(
        session,
        actor=actor,
        action=AuditAction.ARTICLE_SURGE_STARTED,
        article_id=article.id,
        details={"until": until.isoformat(), "cause": cause.value},
    )
    return True


def start_surge(*, session: Session, article_id: str, hours: float, actor: str) -> Article:
    """A moderator puts a story under attack into surge mode for ``hours``; commits."""
    article = get_article(session=session, article_id=article_id)
    begin_surge(session, article, until=utcnow() + timedelta(hours=hours), actor=actor, cause=SurgeCause.MODERATOR)
    session.commit()
    return article


def end_surge(*, session: Session, article_id: str, actor: str) -> Article:
    """End the story's surge now (audited when one was running); commits."""
    article = get_article(session=session, article_id=article_id)
    now = utcnow()
    if article.surge_until is not None and article.surge_until > now:
        record_action(
            session,
            actor=actor,
            action=AuditAction.ARTICLE_SURGE_ENDED,
            article_id=article.id,
            details={"was_until": article.surge_until.isoformat()},
        )
    article.surge_until = None
    session.commit()
    return article
