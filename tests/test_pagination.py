"""Keyset pagination (one helper for every listing): cursors round-trip, bad ones are field errors, and
``next_cursor`` is set exactly when another page exists."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from moderation.comments.models import Comment, CommentStatus
from moderation.errors import InvalidInput
from moderation.pagination import Order, decode_cursor, encode_cursor
from tests.factories import auth, make_comment

ORDER = Order("queue", (Comment.id,), descending=False)


def test_a_cursor_round_trips() -> None:
    assert decode_cursor(encode_cursor("queue", (42,)), ORDER) == (42,)
    assert decode_cursor(None, ORDER) is None


@pytest.mark.parametrize(
    "cursor",
    [
        "bm9wZQ",  # not JSON
        encode_cursor("archive", (3,)),  # another listing's order
        encode_cursor("queue", (3, 4)),  # another arity
        encode_cursor("queue", (2**31,)),  # beyond the id range
        encode_cursor("queue", (-1,)),
    ],
)
def test_a_foreign_or_broken_cursor_is_a_field_error(cursor: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        decode_cursor(cursor, ORDER)
    assert set(raised.value.errors or {}) == {"cursor"}


LISTINGS = [
    ("/api/v1/moderation/queue?state=pending", "items"),
    ("/api/v1/moderation/queue?state=rejected", "items"),
    ("/api/v1/moderation/audit", "entries"),
]


@pytest.mark.parametrize(("url", "key"), LISTINGS)
def test_pages_visit_every_row_once_and_end_without_an_empty_page(
    client: FlaskClient, session: Any, token: str, url: str, key: str
) -> None:
    for index in range(4):
        make_comment(session, body=f"Kommentar {index}", status=CommentStatus.PENDING)
        make_comment(session, body=f"Abgelehnt {index}", status=CommentStatus.REJECTED)
    client.put(
        "/api/v1/articles/zweiter-artikel", json={"url": "https://z.example/2", "title": "T"}, headers=auth(token)
    )
    client.put(
        "/api/v1/articles/dritter-artikel", json={"url": "https://z.example/3", "title": "T"}, headers=auth(token)
    )
    everything = client.get(f"{url}&limit=200" if "?" in url else f"{url}?limit=200", headers=auth(token)).json[key]
    seen: list[Any] = []
    cursor = None
    for _ in range(10):
        query = f"&limit=2&cursor={cursor}" if cursor else "&limit=2"
        page = client.get(url + (query if "?" in url else "?" + query[1:]), headers=auth(token)).json
        assert page[key], "a page announced by next_cursor is never empty"
        seen += page[key]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything and len(seen) >= 3  # more than one page of 2


@pytest.mark.parametrize(
    ("url", "legacy"), [("/api/v1/moderation/queue", "after"), ("/api/v1/moderation/audit", "before")]
)
def test_the_deprecated_id_parameters_still_page(
    client: FlaskClient, session: Any, token: str, url: str, legacy: str
) -> None:
    ids = [make_comment(session, status=CommentStatus.PENDING).id for _ in range(3)]
    for article in ("a-1", "a-2", "a-3"):
        client.put(
            f"/api/v1/articles/{article}", json={"url": "https://z.example/x", "title": "T"}, headers=auth(token)
        )
    if legacy == "after":
        page = client.get(f"{url}?after={ids[0]}", headers=auth(token)).json
        assert [item["comment"]["id"] for item in page["items"]] == ids[1:]
    else:
        newest = client.get(f"{url}?limit=1", headers=auth(token)).json["entries"][0]["id"]
        page = client.get(f"{url}?before={newest}", headers=auth(token)).json
        assert newest not in [entry["id"] for entry in page["entries"]] and page["entries"]
