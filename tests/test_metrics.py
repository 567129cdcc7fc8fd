"""Prometheus metrics: protected, counted in every gunicorn worker and added up in one scrape, and the database's
queue and webhook backlog read at scrape time."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import make_article
from tests.helpers import gunicorn_serving, post_comment

TOKEN = "metrics-" + "m" * 32
ROOT = Path(__file__).resolve().parents[1]


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def total(found: dict[Any, float], name: str, **labels: str) -> float:
    return sum(v for (n, ls), v in found.items() if n == name and labels.items() <= dict(ls).items())


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"metrics_token": TOKEN}


def scrape(client: FlaskClient) -> dict[Any, float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return samples(response.get_data(as_text=True))


def test_metrics_need_the_token(client: FlaskClient) -> None:
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer falsch"}).status_code == 401


@pytest.mark.parametrize("settings_overrides", [{}])
def test_without_a_token_there_are_no_metrics(client: FlaskClient) -> None:
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_decisions_requests_and_the_queue_are_counted(client: FlaskClient, token: str) -> None:
    before = scrape(client)
    post_comment(client)
    post_comment(client, "Das ist dumm.", author="Bert")
    post_comment(client, "Du Giftzwerg.", author="Carla")
    after = scrape(client)
    for outcome, reason in (("published", "none"), ("held", "toxicity"), ("rejected", "toxicity")):
        name = "kommentare_decisions_total"
        assert (
            total(after, name, outcome=outcome, reason=reason) - total(before, name, outcome=outcome, reason=reason)
            == 1
        )
    route = "/api/v1/articles/<article_id>/comments"
    posted = total(after, "kommentare_http_request_duration_seconds_count", route=route, method="POST")
    assert posted - total(before, "kommentare_http_request_duration_seconds_count", route=route, method="POST") == 3
    assert total(after, "kommentare_queue_pending") == 1
    assert total(after, "kommentare_queue_oldest_pending_seconds") >= 0
    assert total(after, "kommentare_model_seconds_count") > total(before, "kommentare_model_seconds_count")


@pytest.mark.usefixtures("subscriber")
def test_the_webhook_backlog_and_lag_per_endpoint(client: FlaskClient, token: str, subscriber: Any) -> None:
    post_comment(client)
    found = scrape(client)
    endpoint = str(subscriber.id)
    assert total(found, "kommentare_webhook_backlog", endpoint=endpoint) == 2  # created + published
    assert total(found, "kommentare_webhook_lag_seconds", endpoint=endpoint) >= 0


@pytest.mark.slow
def test_every_gunicorn_worker_counts_into_one_scrape(database_url: str, session: Any, tmp_path: Path) -> None:
    make_article(session)
    env = {
        **os.environ,
        "KOMMENTARE_DATABASE_URL": database_url,
        "KOMMENTARE_RATELIMIT_ENABLED": "false",
        "KOMMENTARE_TOXICITY_MODEL": "none",
        "KOMMENTARE_METRICS_TOKEN": TOKEN,
        "KOMMENTARE_WORKERS": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    with gunicorn_serving(env) as base:
        url = f"{base}/api/v1/articles/nordkorea-soldaten/comments"
        for i in range(12):  # a new connection each: the two workers share them
            posted = requests.post(url, json={"author_name": f"L{i}", "body": f"Beitrag {i}."}, timeout=10)
            assert posted.status_code == 202
        pids = {path.name.split("_")[-1] for path in (tmp_path / "metrics").glob("*.db")}
        found = samples(requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10).text)
    route = "/api/v1/articles/<article_id>/comments"
    assert total(found, "kommentare_http_request_duration_seconds_count", route=route, method="POST") == 12
    assert total(found, "kommentare_decisions_total", outcome="held", reason="model_unavailable") == 12
    assert len(pids) >= 2, pids  # more than one worker wrote counts, and the scrape added them up
