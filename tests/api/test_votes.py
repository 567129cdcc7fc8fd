"""Votes: one per reader or guest address, exact counts under concurrency, and sort=top by the Wilson bound."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient

from moderation.comments.models import Comment, CommentStatus
from moderation.votes.ranking import rank, wilson_lower_bound
from tests.factories import make_comment
from tests.helpers import comments_url

SECRET = "newsroom-sso-secret-" + "x" * 24


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"sso_secret": SECRET}


def vote(client: FlaskClient, comment_id: int, value: Any, address: str = "10.0.0.1", **headers: str) -> Any:
    return client.put(
        f"/api/v1/comments/{comment_id}/vote",
        json={"value": value},
        headers=headers,
        environ_base={"REMOTE_ADDR": address},
    )


def test_one_vote_per_guest_address_replaced_or_withdrawn(client: FlaskClient, session: Any, token: str) -> None:
    comment = make_comment(session)
    assert vote(client, comment.id, 1).json == {"comment_id": comment.id, "up": 1, "down": 0, "mine": 1}
    assert vote(client, comment.id, 1).json["up"] == 1  # again: still one
    assert vote(client, comment.id, -1).json == {"comment_id": comment.id, "up": 0, "down": 1, "mine": -1}
    assert vote(client, comment.id, 1, address="10.0.0.2").json == {
        "comment_id": comment.id,
        "up": 1,
        "down": 1,
        "mine": 1,
    }
    assert vote(client, comment.id, 0).json == {"comment_id": comment.id, "up": 1, "down": 0, "mine": 0}
    [thread] = client.get(comments_url()).json["threads"]
    assert (thread["up"], thread["down"]) == (1, 0)


def test_a_signed_in_reader_votes_as_themselves_wherever_they_are(
    client: FlaskClient, session: Any, token: str
) -> None:
    comment = make_comment(session)
    reader = jwt.encode({"sub": "u-1", "name": "Petra", "exp": int(time.time()) + 60}, SECRET, "HS256")
    auth = {"Authorization": f"Bearer {reader}"}
    assert vote(client, comment.id, 1, address="10.0.0.1", **auth).json["up"] == 1
    assert vote(client, comment.id, 1, address="10.9.9.9", **auth).json["up"] == 1  # another network, same reader
    assert vote(client, comment.id, 1, address="10.0.0.1").json["up"] == 2  # the guest at that address is another voter
    forged = {"Authorization": "Bearer " + jwt.encode({"sub": "u-1", "name": "P", "exp": 9e9}, "x" * 40, "HS256")}
    assert vote(client, comment.id, 1, **forged).status_code == 401


@pytest.mark.parametrize("value", [2, "1", True, None, 1.0])
def test_a_bad_value_is_a_field_error(client: FlaskClient, session: Any, token: str, value: Any) -> None:
    comment = make_comment(session)
    response = vote(client, comment.id, value)
    assert response.status_code == 400 and "value" in response.json["errors"]
    assert session.get(Comment, comment.id).up == 0


@pytest.mark.parametrize("status", [CommentStatus.PENDING, CommentStatus.REJECTED, CommentStatus.DELETED])
def test_only_published_comments_take_votes(
    client: FlaskClient, session: Any, token: str, status: CommentStatus
) -> None:
    comment = make_comment(session, status=status)
    assert vote(client, comment.id, 1).status_code == 404
    assert vote(client, 424242, 1).status_code == 404


def test_fifty_parallel_votes_leave_exact_counts(app: Flask, session: Any, token: str) -> None:
    comment_id = make_comment(session).id

    def one(index: int) -> int:
        value = 1 if index % 5 else -1
        return int(vote(app.test_client(), comment_id, value, address=f"10.1.{index // 200}.{index % 200}").status_code)

    with ThreadPoolExecutor(max_workers=10) as pool:
        assert set(pool.map(one, range(50))) == {200}
    session.expire_all()
    stored = session.get(Comment, comment_id)
    assert (stored.up, stored.down) == (40, 10)
    assert stored.rank == rank(40, 10)


def test_top_ranks_by_the_wilson_lower_bound_and_replies_keeps_its_meaning(
    client: FlaskClient, session: Any, token: str
) -> None:
    lucky, solid, chatty = (make_comment(session, body=b) for b in ("Eins.", "Zwei.", "Drei."))
    make_comment(session, body="Antwort.", parent=chatty)
    vote(client, lucky.id, 1)
    for n in range(9):
        vote(client, solid.id, 1, address=f"10.2.0.{n}")
    vote(client, solid.id, -1, address="10.2.0.99")
    top = [t["id"] for t in client.get(comments_url() + "?sort=top").json["threads"]]
    assert top[:2] == [solid.id, lucky.id]  # 9 of 10 beats 1 of 1
    by_replies = client.get(comments_url() + "?sort=replies").json["threads"]
    assert by_replies[0]["id"] == chatty.id
    first_page = client.get(comments_url() + "?sort=top&limit=1").json
    rest = client.get(comments_url() + f"?sort=top&cursor={first_page['next_cursor']}").json
    assert [t["id"] for t in first_page["threads"] + rest["threads"]] == top


def test_the_wilson_bound() -> None:
    assert wilson_lower_bound(0, 0) == 0.0
    assert wilson_lower_bound(1, 0) < wilson_lower_bound(9, 1) < wilson_lower_bound(90, 10)
    assert round(wilson_lower_bound(90, 10), 3) == 0.826
