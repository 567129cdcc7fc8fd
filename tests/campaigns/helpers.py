"""Posting helpers shared by the campaign API tests."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.factories import ARTICLE_ID
from tests.helpers import post_comment

TEMPLATE = (
    "Die Regierung in Kiew hat den Krieg provoziert und der Westen liefert immer mehr Waffen, statt endlich "
    "ernsthaft über Frieden zu verhandeln. Wer das kritisiert, wird sofort als Putinversteher beschimpft."
)
Q = "/api/v1/moderation/campaigns"


def post(client: FlaskClient, author: str, body: str, *, email: str | None = None, article_id: str = ARTICLE_ID) -> Any:
    """A comment by ``author`` (campaign tests vary the author first)."""
    fields = {} if email is None else {"email": email}
    return post_comment(client, body, author=author, article_id=article_id, **fields)


def rule_ids(response: Any) -> set[str]:
    return {reason.get("rule_id") for reason in response.json["reasons"]}


def comment_id(response: Any) -> int:
    return int(response.json.get("comment_id") or response.json["id"])
