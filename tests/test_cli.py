"""CLI commands run through Flask's test runner against the real database."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskCliRunner
from sqlalchemy import select

from moderation.articles.models import Article
from moderation.demo.content import DEMO_ARTICLE_ID
from moderation.webhooks.models import Delivery, DeliveryStatus, WebhookEndpoint
from moderation.webhooks.signing import new_secret
from tests.factories import ARTICLE_ID, make_article


def test_demo_seed_registers_the_reference_article_idempotently(runner: FlaskCliRunner, session: Any) -> None:
    first = runner.invoke(args=["demo", "seed", "--base-url", "http://localhost:8000"])
    assert first.exit_code == 0, first.output
    assert "Registered" in first.output
    assert "Updated" in runner.invoke(args=["demo", "seed"]).output
    article = session.get(Article, DEMO_ARTICLE_ID)
    assert article.title == "Nordkorea behandelt verwundete russische Soldaten"


def test_webhooks_worker_once_attempts_due_deliveries(runner: FlaskCliRunner, client: Any, session: Any) -> None:
    make_article(session)
    endpoint = WebhookEndpoint(
        url="http://127.0.0.1:9/unreachable", secret=new_secret(), event_types=["comment.created"]
    )
    session.add(endpoint)
    session.commit()
    client.post(f"/api/v1/articles/{ARTICLE_ID}/comments", json={"author_name": "A", "body": "Hallo"})
    result = runner.invoke(args=["webhooks", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "attempted 1 deliveries" in result.output
    session.expire_all()
    delivery = session.scalars(select(Delivery)).one()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)


def test_moderators_list_shows_state(runner: FlaskCliRunner) -> None:
    runner.invoke(args=["moderators", "create", "anna", "--token"])
    runner.invoke(args=["moderators", "create", "ben", "--token"])
    runner.invoke(args=["moderators", "revoke", "ben"])
    lines = runner.invoke(args=["moderators", "list"]).output.splitlines()
    assert [line.split("\t")[:3] for line in lines] == [
        ["anna", "moderator", "active"],
        ["ben", "moderator", "revoked"],
    ]
    assert runner.invoke(args=["moderators", "revoke", "nobody"]).exit_code != 0
