"""HTTP helpers shared by the API tests: the reader's side of the public API."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

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
