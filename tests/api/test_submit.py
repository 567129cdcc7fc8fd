"""The submission contract: 201 published, 202 held, 422 rejected; bad input is problem+json and stores nothing."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from moderation.audit.models import AuditEntry
from moderation.comments.models import Comment, CommentStatus
from moderation.messages import Message, label_name, retell, text
from moderation.webhooks.models import OutboxEvent
from tests.factories import ARTICLE_ID, make_article, make_comment
from tests.helpers import post_comment

URL = f"/api/v1/articles/{ARTICLE_ID}/comments"


@pytest.fixture(autouse=True)
def article(session: Any) -> None:
    make_article(session)


def count(session: Any, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)))


def test_civil_comment_is_published_with_201_and_listed(client: FlaskClient, session: Any) -> None:
    response = post_comment(client)
    assert response.status_code == 201
    assert response.json["status"] == "published"
    listed = client.get(URL).json
    assert [t["id"] for t in listed["threads"]] == [response.json["id"]]
    stored = session.get(Comment, response.json["id"])
    assert stored.model_id == "fake:keyword@1"
    assert stored.ruleset_version.startswith("kommentare-core@")
    assert set(stored.toxicity_scores) >= {"toxicity", "insult"}


def test_comment_over_hold_threshold_is_held_with_202_and_not_listed(client: FlaskClient, session: Any) -> None:
    response = post_comment(client, body="Das ist ziemlich dumm argumentiert.")
    assert response.status_code == 202
    body = response.json
    assert body["status"] == "pending"
    assert {r["label"] for r in body["reasons"]} == {"toxicity", "insult"}
    assert "Moderation" in body["message"]
    assert client.get(URL).json["threads"] == []
    stored = session.get(Comment, body["id"])
    assert stored.status is CommentStatus.PENDING
    assert stored.thresholds["insult"] == {"hold": 0.5, "reject": 0.95}


def test_toxic_comment_is_rejected_with_422_problem_naming_the_label(client: FlaskClient, session: Any) -> None:
    response = post_comment(client, body="Du Giftzwerg hast keine Ahnung.")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.json
    assert problem["type"] == "urn:kommentare:problem:comment-rejected"
    assert {r["label"] for r in problem["reasons"]} == {"toxicity", "insult"}
    assert "Diskussionsregeln" in problem["detail"]
    stored = session.get(Comment, problem["comment_id"])
    assert stored.status is CommentStatus.REJECTED


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [(None, "de"), ("en", "en"), ("en-GB,en;q=0.9,de;q=0.5", "en"), ("de-AT", "de"), ("fr", "de")],
)
def test_the_reader_is_told_the_outcome_in_the_language_asked_for(
    client: FlaskClient, session: Any, accept_language: str | None, language: str
) -> None:
    """The widget asks in the language it shows; the German text stays what is stored."""
    headers = {"Accept-Language": accept_language} if accept_language else {}
    cases = [
        ("Danke für den gründlichen Bericht.", text(Message.PUBLISHED, language)),
        ("Das ist ziemlich dumm argumentiert.", text(Message.HELD, language)),
        (
            "Du Giftzwerg hast keine Ahnung.",
            text(Message.REJECTED_TOXICITY, language, label=label_name("insult", language)),
        ),
        ("Lies https://sputniknews.com/x", text(Message.REJECTED_SANCTIONED, language)),
    ]
    for body, told in cases:
        response = client.post(URL, json={"author_name": "Anna", "body": body}, headers=headers)
        answer = response.json["detail"] if response.status_code == 422 else response.json["message"]
        assert answer == told, body
        stored = session.get(Comment, response.json.get("id") or response.json["comment_id"])
        assert all(retell(reason, "de") == (reason["message"], "de") for reason in stored.reasons)  # German kept


def test_sanctioned_domain_link_is_rejected_without_scoring(client: FlaskClient, session: Any, app: Any) -> None:
    body = "Die Wahrheit steht hier: https://de.rt.com/international/123-nordkorea"
    response = post_comment(client, body=body)
    assert response.status_code == 422
    reasons = response.json["reasons"]
    assert reasons[0]["rule_id"].startswith("link.sanctioned.rt")
    stored = session.get(Comment, response.json["comment_id"])
    hit = stored.rule_hits[0]
    assert body[hit["start"] : hit["end"]] == "https://de.rt.com/international/123-nordkorea"
    assert "2022/350" in hit["note"]
    assert stored.toxicity_scores is None


@pytest.mark.usefixtures("subscriber")
def test_every_submission_writes_audit_entry_and_outbox_events(client: FlaskClient, session: Any) -> None:
    post_comment(client)
    post_comment(client, body="Das ist dumm.")
    assert count(session, AuditEntry) == 2
    types = sorted(session.scalars(select(OutboxEvent.type)))
    assert types == ["comment.created", "comment.created", "comment.held", "comment.published"]


def test_reply_is_nested_under_its_parent(client: FlaskClient, session: Any) -> None:
    parent = post_comment(client).json
    reply = post_comment(client, parent_id=parent["id"], body="Sehe ich genauso.")
    assert reply.status_code == 201
    threads = client.get(URL).json["threads"]
    assert threads[0]["replies"][0]["id"] == reply.json["id"]


BAD_INPUT = [
    ({"author_name": "A", "body": "x", "color": "red"}, "color"),
    ({"author_name": "A", "body": ""}, "body"),
    ({"author_name": "A", "body": "   \n "}, "body"),
    ({"author_name": "A", "body": "x" * 5001}, "body"),
    ({"author_name": "", "body": "Hallo"}, "author_name"),
    ({"body": "Hallo"}, "author_name"),
    ({"author_name": "A", "body": "Null\u0000byte"}, "body"),
    ({"author_name": "A", "body": "lone \ud800 surrogate"}, "body"),
    ({"author_name": "A", "body": "Hallo", "email": "not-an-address"}, "email"),
    ({"author_name": "A", "body": "Hallo", "parent_id": "7"}, "parent_id"),
    ({"author_name": "A", "body": 42}, "body"),
    ({"author_name": "A", "body": "Hallo", "parent_id": 2**40}, "parent_id"),
    ({"author_name": "A", "body": "Hallo", "parent_id": 0}, "parent_id"),
]


@pytest.mark.parametrize(("payload", "field"), BAD_INPUT)
def test_invalid_fields_are_400_problem_with_field_errors(
    client: FlaskClient, session: Any, payload: dict[str, Any], field: str
) -> None:
    # json.dumps escapes non-ASCII, so a lone surrogate travels as the JSON escape a browser would send
    response = client.post(URL, data=json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert field in response.json["errors"], response.json
    assert count(session, Comment) == 0
    assert count(session, OutboxEvent) == 0


def test_invalid_utf8_is_400_and_stores_nothing(client: FlaskClient, session: Any) -> None:
    raw = b'{"author_name": "A", "body": "caf\xe9 \xff"}'
    response = client.post(URL, data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert count(session, Comment) == 0


def test_malformed_json_is_400(client: FlaskClient) -> None:
    response = client.post(URL, data=b'{"author_name": ', content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_wrong_content_type_is_415(client: FlaskClient, session: Any, content_type: str | None) -> None:
    response = client.post(URL, data='{"author_name": "A", "body": "Hallo"}', content_type=content_type)
    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"
    assert count(session, Comment) == 0


def test_unknown_article_is_404(client: FlaskClient, session: Any) -> None:
    response = client.post("/api/v1/articles/gibt-es-nicht/comments", json={"author_name": "A", "body": "Hallo"})
    assert response.status_code == 404
    assert response.json["type"] == "urn:kommentare:problem:article-not-found"
    assert count(session, Comment) == 0


def test_unknown_parent_is_400_on_parent_id(client: FlaskClient, session: Any) -> None:
    response = post_comment(client, parent_id=999)
    assert response.status_code == 400
    assert response.json["errors"] == {"parent_id": ["Unknown comment."]}
    assert count(session, Comment) == 0


def test_parent_in_another_article_is_400(client: FlaskClient, session: Any) -> None:
    make_article(session, "anderer-artikel")
    foreign = make_comment(session, article_id="anderer-artikel")
    response = post_comment(client, parent_id=foreign.id)
    assert response.status_code == 400
    assert "another article" in response.json["errors"]["parent_id"][0]
    assert count(session, Comment) == 1


def test_reply_to_held_comment_is_refused(client: FlaskClient, session: Any) -> None:
    held = make_comment(session, status=CommentStatus.PENDING)
    assert post_comment(client, parent_id=held.id).status_code == 400


def test_closed_article_is_409(client: FlaskClient, session: Any) -> None:
    make_article(session, "geschlossen", comments_open=False)
    response = client.post("/api/v1/articles/geschlossen/comments", json={"author_name": "A", "body": "Hallo"})
    assert response.status_code == 409
    assert count(session, Comment) == 0


@pytest.mark.parametrize("settings_overrides", [{"auto_create_articles": True}])
def test_auto_create_article_on_first_comment_when_configured(client: FlaskClient) -> None:
    response = client.post("/api/v1/articles/neu-2026/comments", json={"author_name": "A", "body": "Erster!"})
    assert response.status_code == 201
    assert client.get("/api/v1/articles/neu-2026").json["id"] == "neu-2026"


@pytest.mark.parametrize("settings_overrides", [{"body_max_length": 20}])
def test_body_limit_comes_from_settings(client: FlaskClient) -> None:
    assert post_comment(client, body="x" * 21).status_code == 400
    assert post_comment(client, body="Kurz und gut.").status_code == 201


@pytest.mark.parametrize("settings_overrides", [{"auto_create_articles": True}])
def test_simultaneous_first_comments_on_a_new_article_both_succeed(
    app: Any, session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both submissions miss the article row before either inserts it; the loser uses the winner's row (was 500)."""
    import moderation.submission.store as comments_service

    both_missed = threading.Barrier(2, timeout=5)
    validate = comments_service.validate_article_id

    def validate_after_both_missed(article_id: str) -> None:
        validate(article_id)
        both_missed.wait()

    monkeypatch.setattr(comments_service, "validate_article_id", validate_after_both_missed)
    statuses: list[int] = []

    def submit(author: str) -> None:
        payload = {"author_name": author, "body": "Erster Kommentar zu dieser Geschichte."}
        statuses.append(app.test_client().post("/api/v1/articles/neu-2026/comments", json=payload).status_code)

    threads = [threading.Thread(target=submit, args=(author,)) for author in ("Anna", "Bernd")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert statuses == [201, 201]
    assert count(session, Comment) == 2
