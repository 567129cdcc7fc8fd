"""Webhooks integrations can rely on: secret rotation with an overlap, redelivery with the same webhook-id,
endpoints disabled after failing in a row (backlog kept) and enabled again, no outbox rows without a subscriber,
and delivered rows pruned after the retention period."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook

from moderation.extensions import db
from moderation.types import utcnow
from moderation.webhooks.delivery import prune
from moderation.webhooks.models import Delivery, DeliveryAttempt, OutboxEvent
from tests.factories import auth
from tests.helpers import post_comment
from tests.test_webhooks import deliver, register
from tests.webhook_receiver import Receiver

HOOKS = "/api/v1/moderation/webhooks"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"webhook_allowed_hosts": ("127.0.0.1",)}


def count(session: Any, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)))


def test_no_outbox_rows_are_written_when_nobody_subscribes(client: FlaskClient, session: Any, token: str) -> None:
    post_comment(client)
    assert count(session, OutboxEvent) == 0 and count(session, Delivery) == 0


def test_a_rotated_secret_signs_beside_the_old_one_until_the_overlap_ends(
    app: Any, client: FlaskClient, token: str, receiver: Receiver
) -> None:
    endpoint = register(client, token, receiver.port, ["comment.created"])
    rotated = client.post(f"{HOOKS}/{endpoint['id']}/rotate-secret", json={"overlap_hours": 1}, headers=auth(token))
    assert rotated.status_code == 200 and rotated.json["secret"] != endpoint["secret"]
    assert rotated.json["previous_secret_until"] is not None
    post_comment(client)
    deliver(app)
    [(headers, body)] = receiver.received
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (endpoint["secret"], rotated.json["secret"]):  # receivers on either secret accept it
        assert Webhook(secret).verify(body, headers)["type"] == "comment.created"
    post_comment(client, "Nach der Überlappung.")
    deliver(app, now=utcnow() + timedelta(hours=2))
    headers, body = receiver.received[1]
    assert len(headers["webhook-signature"].split(" ")) == 1
    assert Webhook(rotated.json["secret"]).verify(body, headers)
    with pytest.raises(Exception, match=r"(?i)signature"):
        Webhook(endpoint["secret"]).verify(body, headers)
    audit = client.get("/api/v1/moderation/audit", headers=auth(token)).json["entries"]
    [entry] = [e for e in audit if e["action"] == "webhook.secret_rotated"]
    assert endpoint["secret"] not in json.dumps(entry) and rotated.json["secret"] not in json.dumps(entry)


def test_a_bad_rotation_secret_is_a_field_error(client: FlaskClient, token: str, port: int) -> None:
    endpoint = register(client, token, port, ["comment.created"])
    refused = client.post(f"{HOOKS}/{endpoint['id']}/rotate-secret", json={"secret": "plain"}, headers=auth(token))
    assert refused.status_code == 400 and "secret" in refused.json["errors"]


@pytest.mark.parametrize("settings_overrides", [{"webhook_allowed_hosts": ("127.0.0.1",), "webhook_max_attempts": 1}])
def test_failed_deliveries_are_replayed_with_the_same_webhook_id(
    app: Any, client: FlaskClient, session: Any, token: str, receiver: Receiver
) -> None:
    endpoint = register(client, token, receiver.port, ["comment.created"])
    receiver.fail_next = 1
    post_comment(client)
    deliver(app)
    failed = client.get(f"{HOOKS}/{endpoint['id']}/deliveries?status=failed", headers=auth(token)).json
    assert [d["status"] for d in failed] == ["failed"]
    replay = client.post(f"{HOOKS}/{endpoint['id']}/redeliver", json={"failed": True}, headers=auth(token))
    assert replay.status_code == 200 and replay.json == {"requeued": 1}
    deliver(app)
    [(headers, _)] = receiver.received
    assert headers["webhook-id"] == failed[0]["event_id"]
    assert client.get(f"{HOOKS}/{endpoint['id']}/deliveries?status=failed", headers=auth(token)).json == []


def test_everything_since_a_time_is_sent_again_in_order(
    app: Any, client: FlaskClient, token: str, receiver: Receiver
) -> None:
    endpoint = register(client, token, receiver.port, ["comment.created"])
    for i in range(3):
        post_comment(client, f"Kommentar {i}")
    deliver(app)
    first = [headers["webhook-id"] for headers, _ in receiver.received]
    since = (utcnow() - timedelta(minutes=5)).isoformat()
    replay = client.post(f"{HOOKS}/{endpoint['id']}/redeliver", json={"since": since}, headers=auth(token))
    assert replay.json == {"requeued": 3}
    deliver(app)
    assert [headers["webhook-id"] for headers, _ in receiver.received[3:]] == first
    [newest, *_] = client.get(f"{HOOKS}/{endpoint['id']}/deliveries", headers=auth(token)).json
    one = client.post(f"{HOOKS}/{endpoint['id']}/redeliver", json={"delivery_ids": [newest["id"]]}, headers=auth(token))
    assert one.json == {"requeued": 1}
    deliver(app)
    assert receiver.received[-1][0]["webhook-id"] == newest["event_id"]


@pytest.mark.parametrize(
    "body",
    [{}, {"failed": True, "since": "2026-01-01T00:00:00+00:00"}, {"since": "2026-01-01T00:00:00"}, {"failed": False}],
)
def test_a_redelivery_must_say_exactly_what(client: FlaskClient, token: str, port: int, body: dict) -> None:
    endpoint = register(client, token, port, ["comment.created"])
    refused = client.post(f"{HOOKS}/{endpoint['id']}/redeliver", json=body, headers=auth(token))
    assert refused.status_code == 400 and refused.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "settings_overrides", [{"webhook_allowed_hosts": ("127.0.0.1",), "webhook_disable_after_failures": 3}]
)
def test_an_endpoint_failing_in_a_row_is_disabled_and_keeps_its_backlog(
    app: Any, client: FlaskClient, session: Any, token: str, receiver: Receiver
) -> None:
    endpoint = register(client, token, receiver.port, ["comment.created"])
    receiver.fail_next = 100
    post_comment(client)
    now = utcnow()
    for hours in (0, 1, 2):
        deliver(app, now=now + timedelta(hours=hours))
    listed = client.get(HOOKS, headers=auth(token)).json[0]
    assert (listed["active"], listed["disabled_reason"], listed["consecutive_failures"]) == (False, "failures", 3)
    audit = client.get("/api/v1/moderation/audit", headers=auth(token)).json["entries"]
    assert ("system:webhooks", "webhook.auto_disabled") in [(e["actor"], e["action"]) for e in audit]
    post_comment(client, "Während der Störung.")  # still collected for the disabled endpoint
    assert deliver(app, now=now + timedelta(hours=3)) == 0
    receiver.fail_next = 0
    enabled = client.post(f"{HOOKS}/{endpoint['id']}/enable", json={}, headers=auth(token))
    assert enabled.status_code == 200 and enabled.json["active"] is True
    deliver(app, now=now + timedelta(hours=4))
    assert len(receiver.received) == 2  # the backlog, in order
    assert [json.loads(b)["data"]["comment"]["body"] for _, b in receiver.received][1] == "Während der Störung."


def test_an_admin_disabled_endpoint_collects_nothing_new(
    app: Any, client: FlaskClient, session: Any, token: str, receiver: Receiver
) -> None:
    endpoint = register(client, token, receiver.port, ["comment.created"])
    client.delete(f"{HOOKS}/{endpoint['id']}", headers=auth(token))
    post_comment(client)
    assert count(session, Delivery) == 0
    assert client.get(HOOKS, headers=auth(token)).json[0]["disabled_reason"] == "admin"


def test_delivered_rows_are_pruned_after_the_retention_period(
    app: Any, client: FlaskClient, session: Any, token: str, receiver: Receiver
) -> None:
    register(client, token, receiver.port, ["comment.created", "comment.held"])
    receiver.fail_next = 1
    post_comment(client)  # delivered on the second attempt
    post_comment(client, "Das ist dumm.")
    now = utcnow()
    deliver(app, now=now)
    deliver(app, now=now + timedelta(hours=1))
    assert count(session, DeliveryAttempt) >= 3
    with app.app_context():
        assert prune(db.session, now=now + timedelta(days=29), retention=timedelta(days=30)) == 0
        gone = prune(db.session, now=now + timedelta(days=31), retention=timedelta(days=30))
    assert gone == 3  # created, created, held: all delivered
    assert count(session, Delivery) == count(session, OutboxEvent) == count(session, DeliveryAttempt) == 0
