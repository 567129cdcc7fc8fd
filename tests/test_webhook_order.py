"""Each endpoint receives its events in the order they were written, across failures, crashes and several
workers (issue 11, finding 6): a worker that died mid-round leaves its claims leased, and later events wait behind
them instead of overtaking; a failing delivery holds back its own endpoint only."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from moderation.extensions import db
from moderation.state import current_settings
from moderation.types import utcnow
from moderation.webhooks.delivery import LEASE, HttpResult, claim_due, run_once
from moderation.webhooks.targets import Target
from tests.factories import auth
from tests.helpers import post_comment


class Recorder:
    """A fake sender: records (port, comment body) per call; ports in ``failing`` answer 503."""

    def __init__(self, failing: frozenset[int] = frozenset(), delay: float = 0.0) -> None:
        self.sent: list[tuple[int, str]] = []
        self.failing = failing
        self.delay = delay
        self.lock = threading.Lock()

    def __call__(self, target: Target, body: bytes, headers: dict[str, str], timeout: float) -> HttpResult:
        time.sleep(self.delay)
        if target.port in self.failing:
            return HttpResult(503, "HTTP 503", "", 1)
        with self.lock:
            self.sent.append((target.port, json.loads(body)["data"]["comment"]["body"]))
        return HttpResult(204, None, "", 1)

    def bodies(self, port: int) -> list[str]:
        return [body for sent_to, body in self.sent if sent_to == port]


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"webhook_allowed_hosts": ("127.0.0.1",)}


def register(client: FlaskClient, token: str, port: int) -> None:
    payload = {"url": f"http://127.0.0.1:{port}/hooks", "event_types": ["comment.created"]}
    assert client.post("/api/v1/moderation/webhooks", json=payload, headers=auth(token)).status_code == 201


def post_many(client: FlaskClient, first: int, last: int) -> list[str]:
    bodies = [f"Kommentar Nummer {index}." for index in range(first, last + 1)]
    for body in bodies:
        post_comment(client, body)
    return bodies


def rounds(app: Flask, send: Recorder, *, at: Any = None) -> int:
    with app.app_context():
        return run_once(db.session, settings=current_settings(), send=send, now=at)


def test_later_events_wait_behind_a_crashed_workers_claims(app: Flask, client: FlaskClient, token: str) -> None:
    register(client, token, 9001)
    early = post_many(client, 1, 3)
    crashed_at = utcnow()
    with app.app_context():
        assert len(claim_due(db.session, now=crashed_at, batch=50)) == 3  # claimed, then kill -9: never sent
    late = post_many(client, 4, 5)
    send = Recorder()
    assert rounds(app, send, at=crashed_at + timedelta(seconds=10)) == 0  # 4 and 5 must not overtake 1-3
    assert rounds(app, send, at=crashed_at + LEASE + timedelta(seconds=1)) == 5
    assert send.bodies(9001) == early + late


def test_a_failed_delivery_holds_back_its_own_endpoint_only(app: Flask, client: FlaskClient, token: str) -> None:
    register(client, token, 9001)
    register(client, token, 9002)
    bodies = post_many(client, 1, 3)
    now = utcnow()
    failing = Recorder(failing=frozenset({9001}))
    assert rounds(app, failing, at=now) == 4  # 9001's first fails, its other two wait; 9002 gets all three
    assert failing.bodies(9001) == [] and failing.bodies(9002) == bodies
    healthy = Recorder()
    assert rounds(app, healthy, at=now + timedelta(seconds=5)) == 0  # still backing off: nothing overtakes it
    assert rounds(app, healthy, at=now + timedelta(minutes=1)) == 3
    assert healthy.bodies(9001) == bodies


def test_concurrent_workers_keep_each_endpoints_order_and_send_once(
    app: Flask, client: FlaskClient, token: str
) -> None:
    ports = (9001, 9002, 9003)
    for port in ports:
        register(client, token, port)
    bodies = post_many(client, 1, 12)
    send = Recorder(delay=0.01)

    def worker() -> None:
        with app.app_context():
            for _ in range(40):
                run_once(db.session, settings=current_settings(), send=send, batch=4)
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for port in ports:
        assert send.bodies(port) == bodies, port
