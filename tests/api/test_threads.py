"""Public listing: thread tree, depth limit, sorting and cursor pagination."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from moderation.comments.models import CommentStatus
from tests.factories import ARTICLE_ID, make_article, make_comment

URL = f"/api/v1/articles/{ARTICLE_ID}/comments"


@pytest.fixture(autouse=True)
def article(session: Any) -> None:
    make_article(session)


def ids(threads: list[dict[str, Any]]) -> list[int]:
    return [t["id"] for t in threads]


def test_replies_nest_and_unpublished_ones_stay_hidden(client: FlaskClient, session: Any) -> None:
    root = make_comment(session)
    reply = make_comment(session, parent=root)
    make_comment(session, parent=root, status=CommentStatus.PENDING)
    make_comment(session, parent=root, status=CommentStatus.REJECTED)
    nested = make_comment(session, parent=reply)
    page = client.get(URL).json
    assert page["total"] == 3
    [thread] = page["threads"]
    assert thread["reply_count"] == 2
    assert ids(thread["replies"]) == [reply.id]
    assert ids(thread["replies"][0]["replies"]) == [nested.id]
    assert thread["replies"][0]["replies"][0]["depth"] == 2


def test_reply_under_removed_comment_moves_up_to_visible_ancestor(client: FlaskClient, session: Any) -> None:
    root = make_comment(session)
    removed = make_comment(session, parent=root)
    orphan = make_comment(session, parent=removed)
    removed.status = CommentStatus.REJECTED
    session.commit()
    [thread] = client.get(URL).json["threads"]
    assert ids(thread["replies"]) == [orphan.id]


@pytest.mark.parametrize("settings_overrides", [{"thread_max_depth": 2}])
def test_replies_beyond_depth_limit_are_shown_at_the_deepest_level(client: FlaskClient, session: Any) -> None:
    root = make_comment(session)
    level1 = make_comment(session, parent=root)
    level2 = make_comment(session, parent=level1)
    level3 = make_comment(session, parent=level2)
    [thread] = client.get(URL).json["threads"]
    deepest = thread["replies"][0]["replies"]
    assert ids(deepest) == [level2.id, level3.id]
    assert {node["depth"] for node in deepest} == {2}
    assert deepest[1]["parent_id"] == level2.id


def test_sort_orders(client: FlaskClient, session: Any) -> None:
    first = make_comment(session)
    second = make_comment(session)
    third = make_comment(session)
    make_comment(session, parent=first)
    make_comment(session, parent=first)
    make_comment(session, parent=third)
    assert ids(client.get(URL + "?sort=newest").json["threads"]) == [third.id, second.id, first.id]
    assert ids(client.get(URL + "?sort=oldest").json["threads"]) == [first.id, second.id, third.id]
    assert ids(client.get(URL + "?sort=replies").json["threads"]) == [first.id, third.id, second.id]
    assert ids(client.get(URL + "?sort=top").json["threads"]) == [third.id, second.id, first.id]  # no votes: newest


@pytest.mark.parametrize("sort", ["newest", "oldest", "top"])
def test_cursor_pagination_visits_every_thread_once(client: FlaskClient, session: Any, sort: str) -> None:
    roots = [make_comment(session) for _ in range(7)]
    for index, root in enumerate(roots):
        for _ in range(index % 3):
            make_comment(session, parent=root)
    seen: list[int] = []
    cursor = None
    for _ in range(10):
        query = f"{URL}?sort={sort}&limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(query).json
        seen += ids(page["threads"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(r.id for r in roots)
    assert len(seen) == len(set(seen))


def test_total_counts_all_published_comments(client: FlaskClient, session: Any) -> None:
    root = make_comment(session)
    make_comment(session, parent=root)
    make_comment(session, status=CommentStatus.PENDING)
    page = client.get(URL + "?limit=1").json
    assert page["total"] == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("sort=best", "sort"),
        ("cursor=bm9wZQ", "cursor"),
        ("cursor=WyJuZXdlc3QiLDk5OTk5OTk5OTk5OTksMF0", "cursor"),  # ["newest",9999999999999,0]
    ],
)
def test_bad_listing_parameters_are_400(client: FlaskClient, query: str, field: str) -> None:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert field in response.json["errors"]


def test_cursor_of_another_sort_is_rejected(client: FlaskClient, session: Any) -> None:
    for _ in range(3):
        make_comment(session)
    cursor = client.get(URL + "?sort=newest&limit=1").json["next_cursor"]
    assert client.get(f"{URL}?sort=top&cursor={cursor}").status_code == 400


def test_unknown_article_listing_is_404(client: FlaskClient) -> None:
    response = client.get("/api/v1/articles/nope/comments")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_public_listing_never_exposes_email(client: FlaskClient) -> None:
    client.post(URL, json={"author_name": "A", "body": "Hallo", "email": "a@example.org"})
    assert "a@example.org" not in client.get(URL).get_data(as_text=True)
