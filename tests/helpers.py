"""HTTP helpers shared by the API tests: the reader's side of the public API."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from tests.factories import ARTICLE_ID


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
