"""HTTP helpers shared by the API tests: the reader's side of the public API."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from tests.factories import ARTICLE_ID
from tests.webhook_receiver import free_port

ROOT = Path(__file__).resolve().parents[1]


def comments_url(article_id: str = ARTICLE_ID) -> str:
    return f"/api/v1/articles/{article_id}/comments"


def post_comment(
    client: FlaskClient,
    body: str = "Danke für den gründlichen Bericht.",
    *,
    author: str = "Anna",
    article_id: str = ARTICLE_ID,
    **fields: Any,
) -> Any:
    """POST a comment as a reader would; ``fields`` adds or overrides JSON fields (email, parent_id, ...)."""
    payload: dict[str, Any] = {"author_name": author, "body": body, **fields}
    return client.post(comments_url(article_id), json=payload)


@contextmanager
def serving(app: Flask, name: str = "live-server") -> Iterator[str]:
    """Serves ``app`` over real HTTP on a free local port in a background thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@contextmanager
def gunicorn_serving(env: Mapping[str, str], *, start_timeout: float = 60) -> Iterator[str]:
    """The real app under gunicorn with ``gunicorn.conf.py`` (its workers, threads and hooks) on a free port;
    yields the base URL once ``/healthz`` answers, and stops it with SIGTERM."""
    with gunicorn_process(env, start_timeout=start_timeout) as (base, _):
        yield base


@contextmanager
def gunicorn_process(
    env: Mapping[str, str], *, start_timeout: float = 60
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``gunicorn_serving`` that also yields the master's process (its pid is the workers' parent)."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    port = free_port()
    process = subprocess.Popen(
        [str(gunicorn), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=dict(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                requests.get(f"{base}/healthz", timeout=10)
                break
            except (requests.ConnectionError, requests.Timeout):
                assert process.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield base, process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
