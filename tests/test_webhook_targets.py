"""Webhooks reach public receivers only (issue 11, finding 2): refused at registration and again before each
delivery, after a fresh DNS lookup; moderators see no network detail."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from moderation.extensions import db
from moderation.state import current_settings
from moderation.webhooks.delivery import HttpResult, run_once
from moderation.webhooks.models import DeliveryAttempt
from moderation.webhooks.targets import TargetRefused, check_target
from tests.factories import auth
from tests.helpers import post_comment

PUBLIC = {"receiver.example": ["93.184.215.14"], "dual.example": ["93.184.215.14", "2606:2800:21f:cb07::1"]}


def fake_dns(host: str, port: int) -> list[str]:
    addresses = {"inward.example": ["10.0.0.5"], "rebind.example": ["93.184.215.14", "127.0.0.1"], **PUBLIC}
    if host in addresses:
        return addresses[host]
    import ipaddress

    return [str(ipaddress.ip_address(int(host, 0)))] if host.startswith("0x") or host.isdigit() else [host]


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://10.1.2.3/hook",
        "http://192.168.1.10/hook",
        "http://[::1]:8080/hook",
        "http://0x7f000001/hook",
        "http://0.0.0.0/hook",
        "http://user:pass@127.0.0.1:5432/",
        "http://100.64.0.1/hook",
        "http://224.0.0.1/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://localhost:5000/hook",
        "http://inward.example/hook",
        "http://rebind.example/hook",
        "ftp://receiver.example/hook",
        "gopher://receiver.example/",
    ],
)
def test_internal_or_odd_targets_are_refused(url: str) -> None:
    with pytest.raises(TargetRefused):
        check_target(url, resolver=fake_dns)


@pytest.mark.parametrize("url", ["https://receiver.example/hooks", "http://dual.example:8443/x"])
def test_public_receivers_are_accepted(url: str) -> None:
    check_target(url, resolver=fake_dns)


def test_the_allow_list_admits_named_internal_receivers() -> None:
    check_target("http://cms.internal:8080/hook", allowed=("cms.internal",), resolver=fake_dns)
    check_target("http://10.1.2.3/hook", allowed=("10.0.0.0/8",), resolver=fake_dns)
    with pytest.raises(TargetRefused):
        check_target("http://10.1.2.3/hook", allowed=("192.168.0.0/16",), resolver=fake_dns)


def test_registration_refuses_internal_targets_with_a_field_error(client: FlaskClient, token: str) -> None:
    payload = {"url": "http://169.254.169.254/latest", "event_types": ["comment.created"]}
    response = client.post("/api/v1/moderation/webhooks", json=payload, headers=auth(token))
    assert (response.status_code, response.mimetype) == (400, "application/problem+json")
    assert "internal" in response.json["errors"]["url"][0]


def test_a_receiver_that_resolves_inward_later_is_not_sent_to(
    app: Flask, client: FlaskClient, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("moderation.webhooks.targets.resolve", fake_dns)
    payload = {"url": "http://receiver.example/hooks", "event_types": ["comment.created"]}
    assert client.post("/api/v1/moderation/webhooks", json=payload, headers=auth(token)).status_code == 201
    post_comment(client)
    PUBLIC["receiver.example"] = ["127.0.0.1"]  # the name now points inward (DNS rebinding)
    sent: list[str] = []

    def send(url: str, *_: Any) -> HttpResult:
        sent.append(url)
        return HttpResult(200, None, "", 1)

    try:
        with app.app_context():
            assert run_once(db.session, settings=current_settings(), send=send) == 1
            attempt = db.session.scalars(select(DeliveryAttempt)).one()
    finally:
        PUBLIC["receiver.example"] = ["93.184.215.14"]
    assert sent == []
    assert attempt.error == "refused: The host resolves to an internal address; only public receivers are allowed."
