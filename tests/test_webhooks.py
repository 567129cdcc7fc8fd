"""Webhook delivery to a real local HTTP receiver: Standard Webhooks signatures, retries, nothing lost."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from moderation.extensions import db
from moderation.state import current_settings
from moderation.types import utcnow
from moderation.webhooks.delivery import HttpResult, backoff, lease_batch, run_once
from moderation.webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus
from moderation.webhooks.targets import Target
from tests.factories import auth
from tests.helpers import post_comment
from tests.webhook_receiver import Receiver


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """The receivers here listen on loopback: allowed by name, as a newsroom allows its internal CMS."""
    return {"webhook_allowed_hosts": ("127.0.0.1",)}


def register(client: FlaskClient, token: str, port: int, events: list[str]) -> dict[str, Any]:
    response = client.post(
        "/api/v1/moderation/webhooks",
        json={"url": f"http://127.0.0.1:{port}/hooks", "event_types": events, "description": "CMS"},
        headers=auth(token),
    )
    assert response.status_code == 201, response.json
    return dict(response.json)


def deliver(app: Any, now: Any = None) -> int:
    with app.app_context():
        return run_once(db.session, settings=current_settings(), now=now)


def test_delivery_is_signed_per_standard_webhooks(
    app: Any, client: FlaskClient, token: str, receiver: Receiver
) -> None:
    endpoint = register(client, token, receiver.port, ["comment.published"])
    comment = post_comment(client).json
    assert deliver(app) == 1
    [(headers, body)] = receiver.received
    payload = Webhook(endpoint["secret"]).verify(body, headers)
    assert payload["type"] == "comment.published"
    assert payload["data"]["comment"]["id"] == comment["id"]
    assert "email" not in payload["data"]["comment"]
    with pytest.raises(Exception, match=r"(?i)signature"):
        Webhook(endpoint["secret"]).verify(body + b" ", headers)


def test_only_subscribed_event_types_are_delivered(
    app: Any, client: FlaskClient, token: str, receiver: Receiver
) -> None:
    register(client, token, receiver.port, ["comment.held"])
    post_comment(client)
    post_comment(client, "Das ist dumm.")
    deliver(app)
    assert [json.loads(body)["type"] for _, body in receiver.received] == ["comment.held"]


def test_event_survives_receiver_being_down(app: Any, client: FlaskClient, token: str, port: int) -> None:
    endpoint = register(client, token, port, ["comment.created"])
    post_comment(client)
    start = utcnow()
    assert deliver(app, now=start) == 1  # nothing listens on the port: connection refused
    assert deliver(app, now=start + timedelta(seconds=5)) == 0  # backing off, not due yet
    server = Receiver(port)
    try:
        server.fail_next = 1
        second = start + backoff(1, 10.0)
        assert deliver(app, now=second) == 1  # up, but answers 503
        assert deliver(app, now=second + backoff(2, 10.0)) == 1
        assert len(server.received) == 1
    finally:
        server.close()
    headers, body = server.received[0]
    assert Webhook(endpoint["secret"]).verify(body, headers)["type"] == "comment.created"
    with app.app_context():
        delivery = db.session.scalars(select(Delivery)).one()
        assert delivery.status is DeliveryStatus.DELIVERED
        attempts = db.session.scalars(select(DeliveryAttempt).order_by(DeliveryAttempt.id)).all()
        assert [a.status_code for a in attempts] == [None, 503, 204]
        assert (attempts[0].error or "") == "could not connect"


@pytest.mark.parametrize("settings_overrides", [{"webhook_max_attempts": 2, "webhook_allowed_hosts": ("127.0.0.1",)}])
def test_delivery_gives_up_after_max_attempts_and_keeps_the_record(
    app: Any, client: FlaskClient, token: str, port: int
) -> None:
    endpoint = register(client, token, port, ["comment.created"])
    post_comment(client)
    now = utcnow()
    deliver(app, now=now)
    deliver(app, now=now + timedelta(hours=1))
    deliveries = client.get(f"/api/v1/moderation/webhooks/{endpoint['id']}/deliveries", headers=auth(token)).json
    assert deliveries[0]["status"] == "failed"
    assert deliveries[0]["attempts"] == 2
    assert deliver(app, now=now + timedelta(days=1)) == 0


def test_events_written_while_no_worker_runs_are_delivered_later(
    app: Any, client: FlaskClient, token: str, receiver: Receiver
) -> None:
    register(client, token, receiver.port, ["comment.created", "comment.published"])
    for index in range(3):
        post_comment(client, f"Kommentar {index}")
    assert deliver(app) == 6
    assert len(receiver.received) == 6
    assert len({headers["webhook-id"] for headers, _ in receiver.received}) == 6


def test_disabled_endpoint_gets_nothing(app: Any, client: FlaskClient, token: str, receiver: Receiver) -> None:
    endpoint = register(client, token, receiver.port, ["comment.created"])
    post_comment(client)
    assert client.delete(f"/api/v1/moderation/webhooks/{endpoint['id']}", headers=auth(token)).status_code == 204
    post_comment(client)
    deliver(app)
    assert receiver.received == []
    listed = client.get("/api/v1/moderation/webhooks", headers=auth(token)).json
    assert listed[0]["active"] is False
    assert "secret" not in listed[0]
    audit = client.get("/api/v1/moderation/audit", headers=auth(token)).json["entries"]
    webhook_actions = [(e["actor"], e["action"]) for e in audit if e["action"].startswith("webhook.")]
    assert webhook_actions == [("moderator:mod", "webhook.disabled"), ("moderator:mod", "webhook.created")]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "http://127.0.0.1:9/h", "event_types": ["comment.exploded"]}, "event_types.0"),
        ({"url": "http://127.0.0.1:9/h", "event_types": []}, "event_types"),
        ({"url": "not a url", "event_types": ["comment.created"]}, "url"),
        ({"url": "http://127.0.0.1:9/h", "event_types": ["comment.created"], "secret": "plain"}, "secret"),
    ],
)
def test_bad_endpoint_registration_is_400(client: FlaskClient, token: str, payload: dict, field: str) -> None:
    response = client.post("/api/v1/moderation/webhooks", json=payload, headers=auth(token))
    assert response.status_code == 400
    assert field in response.json["errors"], response.json


@pytest.mark.parametrize(
    "settings_overrides", [{"webhook_timeout_seconds": 30.0, "webhook_allowed_hosts": ("127.0.0.1",)}]
)
def test_a_round_claims_only_what_fits_in_its_lease(app: Any, client: FlaskClient, token: str, port: int) -> None:
    """50 deliveries of 30 s each outlive a 2-minute lease: another worker would send them again (issue 11, 6)."""
    register(client, token, port, ["comment.created"])
    for index in range(10):
        post_comment(client, f"Kommentar {index}")
    sent: list[str] = []

    def send(target: Target, *_: Any) -> HttpResult:
        sent.append(target.url)
        return HttpResult(200, None, "", 1)

    with app.app_context():
        assert lease_batch(50, 30.0) == 3
        assert run_once(db.session, settings=current_settings(), send=send) == 3
    assert len(sent) == 3


def test_each_attempt_is_signed_with_its_own_timestamp(app: Any, client: FlaskClient, token: str, port: int) -> None:
    register(client, token, port, ["comment.created"])
    post_comment(client, "Erster.")
    post_comment(client, "Zweiter.")
    stamps: list[int] = []

    def slow_send(target: Target, body: bytes, headers: dict[str, str], timeout: float) -> HttpResult:
        stamps.append(int(headers["webhook-timestamp"]))
        time.sleep(1.1)
        return HttpResult(200, None, "", 1100)

    with app.app_context():
        assert run_once(db.session, settings=current_settings(), send=slow_send) == 2
    assert stamps[1] > stamps[0]
