"""Structured logs: JSON lines with the request id, one access line per request, and no personal data."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from moderation.logs import JsonFormatter
from tests.helpers import comments_url, post_comment


def test_the_request_id_from_the_proxy_is_echoed_and_logged(client: FlaskClient, caplog: Any) -> None:
    caplog.set_level(logging.INFO, logger="moderation.access")
    response = client.get(comments_url() + "?sort=newest&q=geheim", headers={"X-Request-ID": "proxy-42"})
    assert response.headers["X-Request-ID"] == "proxy-42"
    [line] = [r for r in caplog.records if r.name == "moderation.access"]
    assert (line.status, line.method, line.route) == (404, "GET", "/api/v1/articles/<article_id>/comments")
    assert "geheim" not in line.getMessage() and line.path == comments_url() and line.duration_ms >= 0


@pytest.mark.parametrize("given", ["", "a b", "x" * 65, "<script>"])
def test_a_missing_or_odd_request_id_is_replaced(client: FlaskClient, given: str) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": given} if given else {})
    assert response.headers["X-Request-ID"] != given and len(response.headers["X-Request-ID"]) == 32


def test_a_json_line_carries_the_request_id_and_extra_fields(app: Flask) -> None:
    record = logging.LogRecord("moderation.access", logging.INFO, __file__, 1, "GET %s", ("/x",), None)
    record.status = 200
    with app.test_request_context("/x", headers={"X-Request-ID": "req-7"}):
        from flask import g

        g.request_id = "req-7"
        entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "GET /x" and entry["request_id"] == "req-7" and entry["status"] == 200
    assert entry["level"] == "INFO" and entry["logger"] == "moderation.access" and entry["time"].endswith("+00:00")


def test_no_body_or_email_reaches_the_logs(client: FlaskClient, token: str, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    body, email = "Ein ganz persönlicher Satz über Nordkorea.", "leserin@example.org"
    post_comment(client, body, email=email)
    post_comment(client, "Du Giftzwerg, persönlich.", email=email)
    formatter = JsonFormatter()
    for record in caplog.records:
        line = formatter.format(record)
        assert email not in line and body not in line and "Giftzwerg" not in line, line
    assert any(r.name == "moderation.access" and r.status == 201 for r in caplog.records)
