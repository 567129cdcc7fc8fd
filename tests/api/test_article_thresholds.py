"""Per-article threshold overrides: a story under attack can be stricter; audited; validated like settings."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from moderation.audit.models import AuditEntry
from moderation.comments.models import Comment
from tests.factories import ARTICLE_ID, auth

URL = f"/api/v1/articles/{ARTICLE_ID}/thresholds"
COMMENTS = f"/api/v1/articles/{ARTICLE_ID}/comments"
#: KeywordScorer gives "dumm" toxicity 0.62 / insult 0.55 and civil text 0.01.


def test_stricter_article_holds_what_the_defaults_publish(client: FlaskClient, token: str, session: Any) -> None:
    before = client.post(COMMENTS, json={"author_name": "A", "body": "Ganz normal."})
    assert before.status_code == 201
    put = client.put(URL, json={"thresholds": {"toxicity": {"hold": 0.005}}}, headers=auth(token))
    assert put.status_code == 200, put.json
    assert put.json["overrides"] == {"toxicity": {"hold": 0.005}}
    assert put.json["effective"]["toxicity"] == {"hold": 0.005, "reject": 0.95}
    after = client.post(COMMENTS, json={"author_name": "A", "body": "Ganz normal."})
    assert after.status_code == 202
    stored = session.get(Comment, after.json["id"])
    assert stored.thresholds["toxicity"] == {"hold": 0.005, "reject": 0.95}  # the decision keeps what it used
    assert session.get(Comment, before.json["id"]).thresholds["toxicity"]["hold"] == 0.5
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "article.thresholds_changed"))
    assert entry.details == {"from": None, "to": {"toxicity": {"hold": 0.005}}}
    assert entry.actor == "moderator:mod"


def test_empty_overrides_restore_the_defaults(client: FlaskClient, token: str) -> None:
    client.put(URL, json={"thresholds": {"insult": {"reject": 0.5}}}, headers=auth(token))
    cleared = client.put(URL, json={"thresholds": {}}, headers=auth(token))
    assert cleared.json["overrides"] is None
    assert client.get(URL, headers=auth(token)).json["effective"]["insult"] == {"hold": 0.5, "reject": 0.95}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Missing data for required field."),
        ({"thresholds": {"toxicity": {"hold": 2}}}, "hold must be a number from 0 to 1"),
        ({"thresholds": {"toxicity": {"publish": 0.1}}}, "only 'hold' and 'reject'"),
    ],
)
def test_bad_thresholds_are_field_errors(client: FlaskClient, token: str, body: Any, message: str) -> None:
    response = client.put(URL, json=body, headers=auth(token))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert any(message in text for text in response.json["errors"]["thresholds"])


def test_thresholds_need_a_moderator_and_a_known_article(client: FlaskClient, token: str) -> None:
    assert client.get(URL).status_code == 401
    missing = client.get("/api/v1/articles/unbekannt/thresholds", headers=auth(token))
    assert missing.status_code == 404
    assert missing.json["type"] == "urn:kommentare:problem:article-not-found"
