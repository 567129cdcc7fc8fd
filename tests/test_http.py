"""HTTP concerns: OpenAPI, CORS, rate limits (memory and Redis), error shapes, and serving through gunicorn."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from moderation.comments.models import Comment
from moderation.extensions import db
from tests.factories import ARTICLE_ID, make_article
from tests.helpers import gunicorn_serving
from tests.webhook_receiver import free_port

ROOT = Path(__file__).parent.parent
REDIS_URL = os.environ.get("KOMMENTARE_TEST_REDIS_URL", "")


def test_openapi_spec_lists_the_api(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").json
    assert "/api/v1/articles/{article_id}/comments" in spec["paths"]
    post = spec["paths"]["/api/v1/articles/{article_id}/comments"]["post"]
    assert {"201", "202", "422"} <= set(post["responses"])
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_unknown_route_and_method_are_problems(client: FlaskClient) -> None:
    missing = client.get("/api/v1/nothing-here")
    assert (missing.status_code, missing.mimetype) == (404, "application/problem+json")
    wrong = client.delete(f"/api/v1/articles/{ARTICLE_ID}/comments")
    assert (wrong.status_code, wrong.mimetype) == (405, "application/problem+json")


def test_oversized_request_is_413_problem(client: FlaskClient) -> None:
    response = client.post(
        f"/api/v1/articles/{ARTICLE_ID}/comments", data=b"x" * (300 * 1024), content_type="application/json"
    )
    assert (response.status_code, response.mimetype) == (413, "application/problem+json")


def test_unexpected_error_is_500_problem_and_rolls_back(app: Flask, client: FlaskClient, session: Any) -> None:
    make_article(session)

    class Exploding:
        model_id = "boom"

        def score(self, texts: Any) -> Any:
            return [{"toxicity": "not-a-number"}]  # the policy will fail comparing str to float

    from moderation.toxicity.runtime import current_scorer

    current_scorer().switch(Exploding())  # type: ignore[attr-defined]
    response = client.post(f"/api/v1/articles/{ARTICLE_ID}/comments", json={"author_name": "A", "body": "x"})
    assert (response.status_code, response.mimetype) == (500, "application/problem+json")
    from moderation.comments.models import Comment

    assert db.session.query(Comment).count() == 0


@pytest.mark.parametrize("settings_overrides", [{"cors_origins": ("https://zeitung.example",)}])
def test_cors_allows_configured_origins_only(client: FlaskClient, session: Any) -> None:
    make_article(session)
    url = f"/api/v1/articles/{ARTICLE_ID}/comments"
    allowed = client.options(url, headers={"Origin": "https://zeitung.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://zeitung.example"
    other = client.get(url, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def post_three(app: Flask) -> list[Any]:
    client = app.test_client()
    url = f"/api/v1/articles/{ARTICLE_ID}/comments"
    return [client.post(url, json={"author_name": "A", "body": f"Nr {i}"}) for i in range(3)]


def test_rate_limit_answers_429_problem(make_limited_app: Any, session: Any) -> None:
    make_article(session)
    responses = post_three(make_limited_app("memory://"))
    assert [r.status_code for r in responses[:2]] == [202, 202]
    assert (responses[2].status_code, responses[2].mimetype) == (429, "application/problem+json")
    assert "Retry-After" in responses[2].headers


@pytest.mark.parametrize(("trusted_proxies", "expected"), [(1, [202, 202, 202]), (0, [202, 202, 429])])
def test_rate_limit_keys_on_forwarded_client_only_behind_trusted_proxy(
    make_limited_app: Any, session: Any, trusted_proxies: int, expected: list[int]
) -> None:
    make_article(session)
    client = make_limited_app("memory://", trusted_proxies=trusted_proxies).test_client()
    url = f"/api/v1/articles/{ARTICLE_ID}/comments"
    statuses = [
        client.post(url, json={"author_name": "A", "body": "Hallo"}, headers={"X-Forwarded-For": ip}).status_code
        for ip in ("203.0.113.1", "203.0.113.1", "203.0.113.2")
    ]
    assert statuses == expected


@pytest.mark.skipif(not REDIS_URL, reason="KOMMENTARE_TEST_REDIS_URL not set (no Redis for shared limits)")
def test_rate_limit_is_shared_between_apps_through_redis(make_limited_app: Any, session: Any) -> None:
    """Two app instances stand for two gunicorn hosts: the second sees the first one's count."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()  # the test Redis database is dedicated to this suite
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis unreachable at {REDIS_URL}: {exc}")
    finally:
        client.close()
    make_article(session)
    first, second = make_limited_app(REDIS_URL), make_limited_app(REDIS_URL)
    url = f"/api/v1/articles/{ARTICLE_ID}/comments"
    statuses = [
        app.test_client().post(url, json={"author_name": "A", "body": "Hallo"}).status_code
        for app in (first, second, first)
    ]
    assert statuses == [202, 202, 429]


@pytest.mark.slow
def test_gunicorn_serves_wsgi_app_over_real_http(database_url: str, session: Any) -> None:
    make_article(session)
    env = {**os.environ, "KOMMENTARE_DATABASE_URL": database_url, "KOMMENTARE_RATELIMIT_ENABLED": "false"}
    with gunicorn_serving(env) as server:
        base = f"{server}/api/v1/articles/{ARTICLE_ID}/comments"
        response = requests.post(base, json={"author_name": "A", "body": "Danke für den Bericht."}, timeout=10)
        assert response.status_code == 201, response.json()  # scored by the bundled model, loaded at worker start
        assert session.get(Comment, response.json()["id"]).model_id.startswith("bundled:kommentare-e5-")


@pytest.mark.slow
def test_gunicorn_refuses_to_start_with_a_corrupt_model_and_says_why(database_url: str, tmp_path: Path) -> None:
    """A broken model is a start-up error naming the file and the fix, not a hold on every comment."""
    bad = tmp_path / "broken.ckpt"
    bad.write_bytes(b"not a checkpoint")
    (tmp_path / "config.json").write_text("{}")
    env = {
        **os.environ,
        "KOMMENTARE_DATABASE_URL": database_url,
        "KOMMENTARE_TOXICITY_MODEL": "checkpoint",
        "KOMMENTARE_TOXICITY_CHECKPOINT": str(bad),
        "KOMMENTARE_TOXICITY_CONFIG_DIR": str(tmp_path),
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run(
        [str(gunicorn), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{free_port()}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"cannot start: toxicity checkpoint {bad} is not a readable Detoxify checkpoint" in result.stderr
