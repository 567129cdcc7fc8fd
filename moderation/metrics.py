"""Prometheus metrics, counted in every process (gunicorn workers, the background jobs) and scraped as one.

Under gunicorn, ``gunicorn.conf.py`` points ``PROMETHEUS_MULTIPROC_DIR`` at a directory before the workers start,
so each worker writes its counts to files there and a scrape of any worker adds them all up (prometheus_client's
multiprocess mode); a worker that exits is marked dead so its gauges drop out. Without the variable (tests,
``flask run``) the process's own registry is used. What only the database knows (queue sizes, webhook lag) is
read at scrape time, in ``health``, not counted here.

Labels are closed sets (routes as patterns, outcomes, reason codes, endpoint ids), never ids of comments or
anything a reader typed, so the series stay few and carry no personal data.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import REGISTRY

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUEST_SECONDS = Histogram(
    "kommentare_http_request_duration_seconds",
    "Time to answer a request, by route pattern, method and status.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
DECISIONS = Counter(
    "kommentare_decisions_total", "Stored submissions by outcome and first reason code.", ["outcome", "reason"]
)
MODEL_SECONDS = Histogram(
    "kommentare_model_seconds",
    "Toxicity scoring per comment (all its windows), including the wait for a batch.",
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0),
)
MODEL_FAILURES = Counter("kommentare_model_failures_total", "Scores that failed, by kind.", ["kind"])
WEBHOOK_ATTEMPTS = Counter(
    "kommentare_webhook_attempts_total", "Delivery attempts by endpoint and result.", ["endpoint", "result"]
)
CAMPAIGN_SIGNALS = Counter("kommentare_campaign_signals_total", "Campaign signals that fired, by kind.", ["kind"])
MODEL_BATCH_SIZE = Histogram(
    "kommentare_model_batch_size",
    "Texts per forward pass of the toxicity micro-batcher.",
    buckets=(1, 2, 4, 8, 16, 32, 64),
)
MAILS = Counter("kommentare_mails_total", "Mails handled by the mail worker, by kind and outcome.", ["kind", "outcome"])


def observe_request(*, route: str, method: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(route=route, method=method, status=str(status)).observe(seconds)


def count_decision(*, outcome: str, reasons: Iterable[str]) -> None:
    DECISIONS.labels(outcome=outcome, reason=next(iter(reasons), "none")).inc()


def render(extra: str = "") -> bytes:
    """The exposition text: every process's counts (multiprocess mode) or this one's, then ``extra`` lines."""
    if os.environ.get(MULTIPROCESS_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    return text + extra.encode()
