"""Webhooks reach public receivers only (issue 11, finding 2): refused at registration and again before each
delivery, after a fresh DNS lookup; moderators see no network detail."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from moderation.extensions import db
from moderation.state import current_settings
from moderation.webhooks.delivery import HttpResult, run_once
from moderation.webhooks.models import DeliveryAttempt
from moderation.webhooks.targets import Target, TargetRefused, check_target
from moderation.webhooks.transport import http_send
from tests.factories import auth
from tests.helpers import post_comment

PUBLIC = {"receiver.example": ["93.184.215.14"], "dual.example": ["93.184.215.14", "2606:2800:21f:cb07::1"]}


def fake_dns(host: str, port: int) -> list[str]:
    addresses = {
        "inward.example": ["10.0.0.5"],
        "cms.internal": ["10.0.0.7"],
        "rebind.example": ["93.184.215.14", "127.0.0.1"],
        **PUBLIC,
    }
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

    def send(target: Target, *_: Any) -> HttpResult:
        sent.append(target.url)
        return HttpResult(200, None, "", 1)

    try:
        with app.app_context():
            assert run_once(db.session, settings=current_settings(), send=send) == 1
            attempt = db.session.scalars(select(DeliveryAttempt)).one()
    finally:
        PUBLIC["receiver.example"] = ["93.184.215.14"]
    assert sent == []
    assert attempt.error == "refused: The host resolves to an internal address; only public receivers are allowed."


class HostRecorder(BaseHTTPRequestHandler):
    hosts: list[str] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        HostRecorder.hosts.append(self.headers["Host"])
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    HostRecorder.hosts = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), HostRecorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def pinned(host: str, port: int, scheme: str = "http") -> Target:
    """The target as the check saw it: the name resolved to loopback (allowed), as no real lookup of it would."""
    return check_target(f"{scheme}://{host}:{port}/hooks", allowed=("127.0.0.0/8",), resolver=lambda *_: ["127.0.0.1"])


def test_the_sender_connects_to_the_checked_address_not_a_new_lookup(server: ThreadingHTTPServer) -> None:
    """``receiver.example`` has no real DNS entry: only a sender that uses the checked address reaches the server."""
    port = server.server_address[1]
    result = http_send(pinned("receiver.example", port), b"{}", {"content-type": "application/json"}, 5.0)
    assert (result.status_code, result.error) == (204, None)
    assert HostRecorder.hosts == [f"receiver.example:{port}"]


def test_pinned_tls_still_checks_the_certificate_against_the_host_name(
    server: ThreadingHTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("receiver.example").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setattr("moderation.webhooks.transport.CA_BUNDLE", str(bundle))
    port = server.server_address[1]
    good = http_send(pinned("receiver.example", port, "https"), b"{}", {}, 5.0)
    wrong_name = http_send(pinned("other.example", port, "https"), b"{}", {}, 5.0)
    assert (good.status_code, good.error) == (204, None)
    assert (wrong_name.status_code, wrong_name.error) == (None, "TLS certificate or handshake refused")
