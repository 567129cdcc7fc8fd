"""Nudge mode: a first toxic submission answers with the labels and the sentence; nothing is stored until the
reader revises or sends it anyway."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from moderation.comments.models import Comment, CommentStatus
from tests.factories import ARTICLE_ID, make_article

URL = f"/api/v1/articles/{ARTICLE_ID}/comments"
BODY = "Guter Punkt zur Lage in Kursk. Aber der Autor ist dumm! Trotzdem danke."


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"nudge_enabled": True}


def count(session: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(Comment)))


def test_toxic_first_submission_is_nudged_with_the_sentence(client: FlaskClient, session: Any) -> None:
    make_article(session)
    response = client.post(URL, json={"author_name": "A", "body": BODY})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["type"] == "urn:kommentare:problem:comment-nudge"
    nudge = response.json["nudge"]
    assert nudge["labels"] == ["insult", "toxicity"]
    assert nudge["sentence"] == "Aber der Autor ist dumm!"
    assert BODY[nudge["start"] : nudge["end"]] == nudge["sentence"]
    assert "umformulieren" in response.json["detail"]
    assert "comment_id" not in response.json
    assert count(session) == 0


def test_the_nudge_speaks_the_readers_language(client: FlaskClient, session: Any) -> None:
    make_article(session)
    response = client.post(URL, json={"author_name": "A", "body": BODY}, headers={"Accept-Language": "en"})
    assert response.json["detail"] == (
        "This sentence may break our discussion rules (insult, toxic language). Would you like to rephrase it?"
    )


def test_revised_text_is_published_and_acknowledged_text_is_held(client: FlaskClient, session: Any) -> None:
    make_article(session)
    revised = client.post(URL, json={"author_name": "A", "body": "Guter Punkt. Ich sehe es anders."})
    assert revised.status_code == 201
    insisted = client.post(URL, json={"author_name": "A", "body": BODY, "nudge_acknowledged": True})
    assert insisted.status_code == 202
    assert session.get(Comment, insisted.json["id"]).status is CommentStatus.PENDING


def test_rejections_are_nudged_too_but_rule_hits_are_not(client: FlaskClient, session: Any) -> None:
    make_article(session)
    insult = client.post(URL, json={"author_name": "A", "body": "Du Giftzwerg."})
    assert insult.json["type"] == "urn:kommentare:problem:comment-nudge"
    assert insult.json["nudge"]["labels"] == ["insult", "toxicity"]
    sanctioned = client.post(URL, json={"author_name": "A", "body": "Du Giftzwerg, lies https://sputniknews.com/x"})
    assert sanctioned.json["type"] == "urn:kommentare:problem:comment-rejected"
    assert count(session) == 1


@pytest.mark.parametrize("settings_overrides", [{}])
def test_nudge_is_off_by_default(client: FlaskClient, session: Any) -> None:
    make_article(session)
    assert client.post(URL, json={"author_name": "A", "body": BODY}).status_code == 202
