"""Regression tests for the findings of probing the running service (issue 11): deep JSON, database outages,
threshold bounds, CORS on the public API only, and the secret key."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from app import create_app
from moderation.extensions import db
from tests.factories import ARTICLE_ID, auth, make_article
from tests.helpers import comments_url


def test_deeply_nested_json_is_refused_with_400_before_parsing(client: FlaskClient, session: Any) -> None:
    make_article(session)
    body = '{"author_name": "A", "body": ' + "[" * 1000 + "]" * 1000 + "}"
    response = client.post(comments_url(), data=body, content_type="application/json")
    assert (response.status_code, response.mimetype) == (400, "application/problem+json")
    assert "nested deeper than 32" in response.json["detail"]
    assert len(response.data) < 500  # no traceback


def test_brackets_inside_strings_do_not_count(client: FlaskClient, session: Any) -> None:
    make_article(session)
    response = client.post(comments_url(), json={"author_name": "A", "body": "[[[[" * 50 + " Danke!"})
    assert response.status_code == 201


@pytest.fixture
def outage_app(tmp_path: Path) -> Any:
    """An app whose database cannot be opened (its directory does not exist): an outage from the first request."""
    app = create_app({"database_url": f"sqlite:///{tmp_path}/gone/kommentare.db", "ratelimit_enabled": False})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_database_outage_answers_503_with_retry_after_and_one_log_line(
    outage_app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = outage_app.test_client()
    with caplog.at_level(logging.ERROR):
        response = client.get(comments_url(), headers={"X-Request-ID": "req-42"})
    assert (response.status_code, response.mimetype) == (503, "application/problem+json")
    assert response.headers["Retry-After"] == "5"
    assert response.json["type"].endswith(":database-unavailable")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == ["database unavailable (request req-42): OperationalError"]
    assert all(r.exc_info is None for r in errors)


def test_health_and_readiness(outage_app: Any, client: FlaskClient) -> None:
    assert outage_app.test_client().get("/healthz").json == {"status": "ok"}
    down = outage_app.test_client().get("/readyz")
    assert (down.status_code, down.json["checks"]["database"]) == (503, "unavailable")
    up = client.get("/readyz")
    assert up.status_code == 200, up.json
    assert up.json["checks"] == {"database": "ok", "rules": "ok", "model": "ok", "watchwords": "ok"}


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        ({f"label{i}": {"hold": 0.5} for i in range(50)}, "unknown"),
        ({"toxicity": {"hold": 0.9, "reject": 0.5}}, "must not be above reject"),
        ({"toxicity": {"hold": 0.99}}, "must not be above reject"),  # above the model's own reject (0.95)
        ({"insult": {"hold": 1.5}}, "from 0 to 1"),
    ],
)
def test_threshold_overrides_are_bounded(
    client: FlaskClient, token: str, thresholds: dict[str, Any], message: str
) -> None:
    url = f"/api/v1/articles/{ARTICLE_ID}/thresholds"
    response = client.put(url, json={"thresholds": thresholds}, headers=auth(token))
    assert (response.status_code, response.mimetype) == (400, "application/problem+json")
    assert message in str(response.json["errors"]["thresholds"])


@pytest.mark.parametrize("settings_overrides", [{"cors_origins": ("*",)}])
def test_cors_opens_the_public_api_only_and_never_to_the_null_origin(client: FlaskClient, token: str) -> None:
    origin = {"Origin": "https://zeitung.example"}
    public = client.get(comments_url(), headers=origin)
    assert public.headers["Access-Control-Allow-Origin"] == "https://zeitung.example"
    assert public.headers["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    own = client.options("/api/v1/comments/1", headers={**origin, "Access-Control-Request-Method": "PATCH"})
    assert own.headers["Access-Control-Allow-Methods"] == "PATCH, DELETE, OPTIONS"
    assert "Authorization" in own.headers["Access-Control-Allow-Headers"]
    vote = client.options("/api/v1/comments/1/vote", headers={**origin, "Access-Control-Request-Method": "PUT"})
    assert vote.headers["Access-Control-Allow-Methods"] == "PUT, OPTIONS"
    article = client.options("/api/v1/articles/x", headers={**origin, "Access-Control-Request-Method": "PUT"})
    assert "PUT" not in article.headers.get("Access-Control-Allow-Methods", "")  # registering articles: admins only
    for url in ("/api/v1/moderation/queue", "/api/v1/moderation/audit", "/api/v1/moderation/webhooks"):
        assert "Access-Control-Allow-Origin" not in client.get(url, headers={**origin, **auth(token)}).headers
    assert "Access-Control-Allow-Origin" not in client.get(comments_url(), headers={"Origin": "null"}).headers


@pytest.mark.parametrize("secret", ["dev-only-change-me", "short"])
def test_production_refuses_a_known_or_short_secret(secret: str, tmp_path: Path) -> None:
    config = {"database_url": f"sqlite:///{tmp_path}/x.db", "environment": "production", "secret_key": secret}
    with pytest.raises(ValueError, match="KOMMENTARE_SECRET_KEY must be set"):
        create_app(config)
    development = create_app({**config, "environment": "development"})  # make run's set-up
    with development.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("settings_overrides", [{"demo_page": True}])
def test_security_headers_on_api_page_and_widget(client: FlaskClient, session: Any) -> None:
    make_article(session)
    api = client.get(comments_url())
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    assert api.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert api.headers["X-Frame-Options"] == "DENY"
    page = client.get("/demo/nordkorea-verwundete-russische-soldaten")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'self'" in policy
    assert page.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    with client.get("/widget/kommentare.js") as widget:
        assert (widget.status_code, widget.headers["Cache-Control"]) == (200, "public, max-age=3600")
        assert widget.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("settings_overrides", "api"),
    [
        ({"demo_page": True}, 'data-api="/api/v1"'),
        ({"demo_page": True, "public_url": "https://kommentare.zeitung.example"}, 'data-api="https://kommentare.'),
    ],
)
def test_the_demo_page_never_writes_the_requests_host_into_its_api_address(client: FlaskClient, api: str) -> None:
    page = client.get("/demo/nordkorea-verwundete-russische-soldaten", headers={"Host": "evil.example"})
    assert api in page.text and "evil.example" not in page.text


@pytest.mark.parametrize("settings_overrides", [{"ratelimit_enabled": True, "ratelimit_auth_failures": "3/minute"}])
def test_failed_moderator_logins_are_throttled_and_logged(
    client: FlaskClient, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    queue = "/api/v1/moderation/queue"
    here, elsewhere = {"REMOTE_ADDR": "192.0.2.5"}, {"REMOTE_ADDR": "192.0.2.6"}
    with caplog.at_level(logging.WARNING):
        wrong = [client.get(queue, headers=auth("kmod_wrong"), environ_base=here).status_code for _ in range(4)]
    assert wrong == [401, 401, 401, 429]
    throttled = client.get(queue, headers=auth(token), environ_base=here)
    assert (throttled.status_code, throttled.mimetype) == (429, "application/problem+json")
    assert throttled.json["type"].endswith(":rate-limited")
    assert client.get(queue, headers=auth(token), environ_base=elsewhere).status_code == 200
    assert sum("moderator authentication failed from 192.0.2.5" in r.getMessage() for r in caplog.records) == 3


@pytest.mark.parametrize("settings_overrides", [{"ratelimit_enabled": True, "ratelimit_post_comment": "1/minute"}])
def test_a_rate_limited_request_gets_a_typed_problem(client: FlaskClient, session: Any) -> None:
    make_article(session)
    assert client.post(comments_url(), json={"author_name": "A", "body": "Erster."}).status_code == 201
    limited = client.post(comments_url(), json={"author_name": "A", "body": "Zweiter."})
    assert (limited.status_code, limited.mimetype) == (429, "application/problem+json")
    assert limited.json["type"] == "urn:kommentare:problem:rate-limited"


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_an_undeclared_method_is_405_not_415(client: FlaskClient, session: Any, method: str) -> None:
    make_article(session)
    response = getattr(client, method)(comments_url(), data="x", content_type="text/plain")
    assert (response.status_code, response.mimetype) == (405, "application/problem+json")


def test_a_large_chunked_body_is_413(client: FlaskClient, session: Any) -> None:
    make_article(session)

    body = io.BytesIO(b'{"author_name": "A", "body": "' + b"x" * 10_000_000 + b'"}')
    response = client.post(
        comments_url(),
        input_stream=body,
        headers={"Transfer-Encoding": "chunked"},
        content_type="application/json",
        environ_base={"wsgi.input_terminated": True},  # as gunicorn sets it for a chunked body
    )
    assert (response.status_code, response.mimetype) == (413, "application/problem+json")
