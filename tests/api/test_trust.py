"""Trust: new authors are held until enough of their comments were published; the 201/202 body carries depth."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from flask.testing import FlaskClient

from tests.factories import auth
from tests.helpers import comments_url, post_comment

SECRET = "newsroom-sso-secret-" + "x" * 24


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"trust_min_published": 2, "sso_secret": SECRET}


def approve(client: FlaskClient, token: str, comment_id: int) -> None:
    response = client.post(
        f"/api/v1/moderation/comments/{comment_id}/decision",
        json={"action": "approve", "reason": "ok"},
        headers=auth(token),
    )
    assert response.status_code == 200


def test_a_new_guest_is_held_until_two_comments_were_published(client: FlaskClient, token: str) -> None:
    first = post_comment(client, "Danke für den Bericht.", email="neu@example.org")
    assert first.status_code == 202 and [r["code"] for r in first.json["reasons"]] == ["new_reader"]
    approve(client, token, first.json["id"])
    second = post_comment(client, "Noch ein Gedanke dazu.", email="neu@example.org")
    assert second.status_code == 202
    approve(client, token, second.json["id"])
    third = post_comment(client, "Und ein dritter.", author="Anderer Name", email="NEU@example.org")
    assert third.status_code == 201  # the same account under another name has its record
    assert post_comment(client, "Ich bin neu.", author="Bernd").status_code == 202
    assert post_comment(client, "Du Giftzwerg.", author="Carla").status_code == 422  # rejections stay rejections


def test_a_signed_in_readers_record_follows_their_reader_id(client: FlaskClient, token: str) -> None:
    headers = {
        "Authorization": "Bearer "
        + jwt.encode({"sub": "u-9", "name": "Eva", "exp": int(time.time()) + 600}, SECRET, "HS256")
    }
    for text in ("Erster Beitrag.", "Zweiter Beitrag."):
        held = client.post(comments_url(), json={"body": text}, headers=headers)
        assert held.status_code == 202
        approve(client, token, held.json["id"])
    assert client.post(comments_url(), json={"body": "Dritter Beitrag."}, headers=headers).status_code == 201


@pytest.mark.parametrize("settings_overrides", [{"thread_max_depth": 1}])
def test_the_answer_carries_the_depth_the_tree_will_show(client: FlaskClient, token: str) -> None:
    top = post_comment(client, "Oben.")
    reply = post_comment(client, "Antwort.", author="B", parent_id=top.json["id"])
    deeper = post_comment(client, "Antwort auf die Antwort.", author="C", parent_id=reply.json["id"])
    assert [r.json["depth"] for r in (top, reply, deeper)] == [0, 1, 1]  # capped like the tree


@pytest.mark.parametrize("settings_overrides", [{"trust_max_rejection_rate": 0.3, "trust_min_recent": 3}])
def test_a_bad_recent_record_holds_until_it_ages_out(client: FlaskClient, session: Any, token: str) -> None:
    from datetime import timedelta

    from sqlalchemy import select

    from moderation.comments.models import Comment
    from moderation.types import utcnow

    mail = {"email": "wechselhaft@example.org"}
    assert post_comment(client, "Ein sachlicher Beitrag.", **mail).status_code == 201
    assert post_comment(client, "Du Giftzwerg.", **mail).status_code == 422
    assert post_comment(client, "Noch ein sachlicher Beitrag.", **mail).status_code == 201  # 1 of 2: too few to judge
    assert post_comment(client, "Du Giftzwerg, wirklich.", **mail).status_code == 422
    held = post_comment(client, "Wieder sachlich.", **mail)  # 2 of 4 rejected: 50 % > 30 %
    assert held.status_code == 202 and [r["code"] for r in held.json["reasons"]] == ["rejection_rate"]
    assert post_comment(client, "Jemand anderes, sachlich.", author="Bernd").status_code == 201
    for comment in session.scalars(select(Comment)):
        comment.created_at = utcnow() - timedelta(days=8)
    session.commit()
    assert post_comment(client, "Eine Woche später.", **mail).status_code == 201
