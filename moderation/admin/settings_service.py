"""What the settings pages read: articles with their thresholds, webhook endpoints with their delivery health,
the model in force with its card and how its scores agreed with moderators, and the rule files.

Changes go through the features' own use cases (``register_article``, ``set_thresholds``, ``add_word``,
``create_endpoint``, ...), so a change made on a page is validated and audited exactly like one made by API.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.articles.models import Article
from moderation.articles.service import ArticleThresholds, article_thresholds
from moderation.comments.models import Comment
from moderation.filters.backtest import Report, backtest, stored
from moderation.filters.rulefile import RulesetError
from moderation.filters.ruleset import Ruleset, load_ruleset
from moderation.settings import Settings
from moderation.thresholds import Thresholds
from moderation.toxicity.activation import Activation, read_activation
from moderation.toxicity.calibrate import Confusion, confusion
from moderation.toxicity.runtime import configured_files
from moderation.toxicity.service import calibration_samples
from moderation.types import utcnow
from moderation.webhooks.models import Delivery, DeliveryStatus, WebhookEndpoint
from moderation.webhooks.service import list_endpoints

#: The article list shows the most recently changed stories; older ones are found by id.
ARTICLE_PAGE = 200
#: A backtest from the page replays at most this many of the newest comments (the CLI has no cap).
BACKTEST_CAP = 5000
#: A pasted rule file larger than this is refused before parsing.
MAX_RULE_FILE = 512 * 1024


@dataclass(frozen=True)
class ArticleRow:
    article: Article
    comments: int


def list_articles(*, session: Session, text: str | None) -> list[ArticleRow]:
    """The newest-changed stories (``ARTICLE_PAGE``), optionally those whose id or title contains ``text``."""
    query = select(Article).order_by(Article.updated_at.desc(), Article.id).limit(ARTICLE_PAGE)
    if text:
        needle = text.lower()
        query = query.where(
            func.lower(Article.id).contains(needle, autoescape=True)
            | func.lower(Article.title).contains(needle, autoescape=True)
        )
    articles = list(session.scalars(query))
    counts = dict(
        session.execute(
            select(Comment.article_id, func.count())
            .where(Comment.article_id.in_([a.id for a in articles]))
            .group_by(Comment.article_id)
        ).all()
    )
    return [ArticleRow(article, int(counts.get(article.id, 0))) for article in articles]


@dataclass(frozen=True)
class ArticlePage:
    article: Article
    thresholds: ArticleThresholds
    #: The site's guest setting (what "as the site" means) and the surge length a moderator starts with.
    site_guests: str = "allowed"
    surge_hours: float = 6.0
    #: The end of a running surge, else None.
    surge_until: datetime | None = None


def article_page(
    *, session: Session, article_id: str, base: Mapping[str, Mapping[str, float]], settings: Settings
) -> ArticlePage:
    view = article_thresholds(session=session, article_id=article_id, base=base)
    article = session.get_one(Article, article_id)
    surge_until = article.surge_until if article.in_surge(utcnow()) else None
    return ArticlePage(article, view, settings.guests, settings.surge_hours or 6.0, surge_until)


@dataclass(frozen=True)
class EndpointHealth:
    endpoint: WebhookEndpoint
    counts: dict[str, int]
    recent: list[Delivery]


def webhook_overview(*, session: Session, recent: int = 5) -> list[EndpointHealth]:
    """Every endpoint with its deliveries counted by status and its latest few (newest first)."""
    endpoints = list_endpoints(session=session)
    grouped: dict[int, dict[str, int]] = {}
    rows = session.execute(
        select(Delivery.endpoint_id, Delivery.status, func.count()).group_by(Delivery.endpoint_id, Delivery.status)
    )
    for endpoint_id, status, count in rows:
        grouped.setdefault(endpoint_id, dict.fromkeys((s.value for s in DeliveryStatus), 0))[status.value] = count
    latest = {
        endpoint.id: list(
            session.scalars(
                select(Delivery).where(Delivery.endpoint_id == endpoint.id).order_by(Delivery.id.desc()).limit(recent)
            )
        )
        for endpoint in endpoints
    }
    return [EndpointHealth(e, grouped.get(e.id, {}), latest[e.id]) for e in endpoints]


@dataclass(frozen=True)
class Calibration:
    """How one label's scores agreed with moderators' decisions at the thresholds in force."""

    label: str
    decided: int
    rejected: int
    at_hold: Confusion | None
    at_reject: Confusion | None


@dataclass(frozen=True)
class ModelOverview:
    model_id: str
    card: dict[str, Any] | None
    thresholds: Thresholds
    activation: Activation
    calibration: list[Calibration]


def model_overview(*, session: Session, settings: Settings, model_id: str, thresholds: Thresholds) -> ModelOverview:
    """The model in force, its card (how it was trained and evaluated), the active site head, and per label the
    precision and recall its scores would have had against moderators' decisions at the current thresholds."""
    files = configured_files(settings)
    card = json.loads(files.card.read_text(encoding="utf-8")) if files and files.card.is_file() else None
    samples = calibration_samples(session=session, model_id=model_id)
    rows = []
    for label in sorted(set(samples) | set(thresholds)):
        found = samples.get(label, [])
        levels = thresholds.get(label, {})
        rows.append(
            Calibration(
                label,
                len(found),
                sum(1 for _, rejected in found if rejected),
                confusion(found, levels["hold"]) if found and "hold" in levels else None,
                confusion(found, levels["reject"]) if found and "reject" in levels else None,
            )
        )
    return ModelOverview(model_id, card, thresholds, read_activation(Path(settings.model_dir)), rows)


@dataclass(frozen=True)
class RuleCheck:
    """A pasted rule file: the compiled rule set, or every problem found (``line: reason``)."""

    ruleset: Ruleset | None
    problems: list[str]


def check_rule_text(text: str) -> RuleCheck:
    """Validate a rule file's text exactly as ``flask rules check`` validates a file."""
    if len(text.encode()) > MAX_RULE_FILE:
        return RuleCheck(None, [f"larger than {MAX_RULE_FILE // 1024} KiB"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pasted.toml"
        path.write_text(text, encoding="utf-8")
        try:
            return RuleCheck(load_ruleset(path), [])
        except RulesetError as exc:
            lines = [line.replace(str(path), "pasted") for line in str(exc).splitlines() if line.strip()]
            return RuleCheck(None, lines)


def web_backtest(*, session: Session, enforced: Ruleset, candidate: Ruleset, since: datetime) -> Report:
    """Replay the newest ``BACKTEST_CAP`` comments since ``since`` through both rule sets."""
    rows = session.execute(
        select(Comment.id, Comment.body, Comment.toxicity_scores, Comment.thresholds)
        .where(Comment.created_at >= since)
        .order_by(Comment.id.desc())
        .limit(BACKTEST_CAP)
    ).all()
    return backtest(map(stored, reversed(rows)), enforced, candidate, keep=50)
