"""Moderator API: authentication, queue states, decisions with audit entries and events, reader reports."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from moderation.comments.models import Comment, CommentStatus
from moderation.webhooks.models import OutboxEvent
from tests.factories import ARTICLE_ID, auth, make_article, make_comment

Q = "/api/v1/moderation"


PROTECTED = [
    ("GET", f"{Q}/queue"),
    ("POST", f"{Q}/comments/1/decision"),
    ("GET", f"{Q}/audit"),
    ("GET", f"{Q}/webhooks"),
    ("POST", f"{Q}/webhooks"),
    ("PUT", "/api/v1/articles/abc"),
]


@pytest.mark.parametrize(("method", "url"), PROTECTED)
@pytest.mark.parametrize("header", [None, "Bearer kmod_wrong", "Basic dXNlcjpwdw==", "Bearer "])
def test_moderator_endpoints_need_a_valid_token(
    client: FlaskClient, token: str, method: str, url: str, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.open(url, method=method, json={}, headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_revoked_token_is_refused(client: FlaskClient, token: str, runner: Any) -> None:
    assert runner.invoke(args=["moderators", "revoke", "mod"]).exit_code == 0
    assert client.get(f"{Q}/queue", headers=auth(token)).status_code == 401


def test_cli_creates_a_working_token_shown_once(client: FlaskClient, runner: Any, session: Any) -> None:
    result = runner.invoke(args=["moderators", "create", "redaktion", "--token"])
    assert result.exit_code == 0, result.output
    new_token = result.output.strip().splitlines()[-1]
    assert client.get(f"{Q}/queue", headers=auth(new_token)).status_code == 200
    assert runner.invoke(args=["moderators", "create", "redaktion", "--token"]).exit_code != 0
    from moderation.moderators.models import Moderator

    stored = session.scalar(select(Moderator).where(Moderator.name == "redaktion"))
    assert new_token not in stored.token_hash


def test_queue_lists_held_comment_with_explanation(client: FlaskClient, token: str) -> None:
    held = client.post(
        f"/api/v1/articles/{ARTICLE_ID}/comments",
        json={"author_name": "A", "body": "Wie dumm ist das denn", "email": "a@example.org"},
    ).json
    page = client.get(f"{Q}/queue?state=pending", headers=auth(token)).json
    [item] = page["items"]
    comment = item["comment"]
    assert comment["id"] == held["id"]
    assert comment["email"] == "a@example.org"
    assert comment["toxicity_scores"]["insult"] == pytest.approx(0.55)
    assert comment["model_id"] == "fake:keyword@1"
    assert comment["ruleset_version"].startswith("kommentare-core@")
    assert comment["thresholds"]["insult"]["hold"] == 0.5
    assert {r["label"] for r in comment["reasons"]} == {"insult", "toxicity"}


def test_queue_shows_rule_hits_with_spans(client: FlaskClient, token: str) -> None:
    body = "Das Kiewer Regime lügt doch."
    client.post(f"/api/v1/articles/{ARTICLE_ID}/comments", json={"author_name": "A", "body": body})
    [item] = client.get(f"{Q}/queue?state=pending", headers=auth(token)).json["items"]
    [hit] = item["comment"]["rule_hits"]
    assert hit["rule_id"] == "narrative.kyiv-regime"
    assert body[hit["start"] : hit["end"]] == "Kiewer Regime"


def test_queue_filters_by_article_and_state(client: FlaskClient, token: str, session: Any) -> None:
    make_article(session, "zweiter")
    mine = make_comment(session, status=CommentStatus.PENDING)
    make_comment(session, article_id="zweiter", status=CommentStatus.PENDING)
    make_comment(session, status=CommentStatus.REJECTED)
    page = client.get(f"{Q}/queue?state=pending&article_id={ARTICLE_ID}", headers=auth(token)).json
    assert [i["comment"]["id"] for i in page["items"]] == [mine.id]
    rejected = client.get(f"{Q}/queue?state=rejected", headers=auth(token)).json
    assert len(rejected["items"]) == 1


@pytest.mark.usefixtures("subscriber")
def test_approve_publishes_and_audits(client: FlaskClient, token: str, session: Any) -> None:
    held = make_comment(session, status=CommentStatus.PENDING)
    response = client.post(
        f"{Q}/comments/{held.id}/decision", json={"action": "approve", "reason": "Satire"}, headers=auth(token)
    )
    assert response.status_code == 200
    assert response.json["status"] == "published"
    assert response.json["moderated_by"] == "mod"
    listed = client.get(f"/api/v1/articles/{ARTICLE_ID}/comments").json
    assert [t["id"] for t in listed["threads"]] == [held.id]
    [entry] = client.get(f"{Q}/audit?comment_id={held.id}", headers=auth(token)).json["entries"]
    assert entry["actor"] == "moderator:mod"
    assert entry["action"] == "comment.approved"
    assert entry["details"] == {"from": "pending", "to": "published", "reason": "Satire", "reports_resolved": 0}
    types = set(session.scalars(select(OutboxEvent.type)))
    assert {"comment.moderated", "comment.published"} <= types


def test_reject_hides_published_comment_and_audits(client: FlaskClient, token: str, session: Any) -> None:
    comment = make_comment(session)
    response = client.post(
        f"{Q}/comments/{comment.id}/decision", json={"action": "reject", "reason": "Spam"}, headers=auth(token)
    )
    assert response.json["status"] == "rejected"
    assert client.get(f"/api/v1/articles/{ARTICLE_ID}/comments").json["threads"] == []
    actions = [e["action"] for e in client.get(f"{Q}/audit", headers=auth(token)).json["entries"]]
    assert actions == ["comment.rejected", "moderator.created"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"action": "ban", "reason": "x"}, "action"), ({"action": "approve"}, "reason"), ({}, "action")],
)
def test_bad_decisions_are_400(client: FlaskClient, token: str, session: Any, payload: dict, field: str) -> None:
    comment = make_comment(session, status=CommentStatus.PENDING)
    response = client.post(f"{Q}/comments/{comment.id}/decision", json=payload, headers=auth(token))
    assert response.status_code == 400
    assert field in response.json["errors"]
    assert session.get(Comment, comment.id).status is CommentStatus.PENDING


@pytest.mark.parametrize("comment_id", [999, 2**40])
def test_decision_on_unknown_comment_is_404(client: FlaskClient, token: str, comment_id: int) -> None:
    response = client.post(
        f"{Q}/comments/{comment_id}/decision", json={"action": "approve", "reason": "x"}, headers=auth(token)
    )
    assert (response.status_code, response.mimetype) == (404, "application/problem+json")


@pytest.mark.usefixtures("subscriber")
def test_reader_report_moves_comment_to_reported_queue(client: FlaskClient, token: str, session: Any) -> None:
    comment = make_comment(session)
    report = client.post(f"/api/v1/comments/{comment.id}/reports", json={"reason": "disinformation", "text": "Fake"})
    assert report.status_code == 201
    page = client.get(f"{Q}/queue?state=reported", headers=auth(token)).json
    [item] = page["items"]
    assert item["comment"]["open_reports"] == 1
    assert item["reports"][0]["reason"] == "disinformation"
    client.post(f"{Q}/comments/{comment.id}/decision", json={"action": "approve", "reason": "ok"}, headers=auth(token))
    assert client.get(f"{Q}/queue?state=reported", headers=auth(token)).json["items"] == []
    assert "comment.reported" in set(session.scalars(select(OutboxEvent.type)))


@pytest.mark.parametrize("settings_overrides", [{"reports_hold_threshold": 2}])
def test_enough_reports_hide_the_comment_until_decided(client: FlaskClient, token: str, session: Any) -> None:
    comment = make_comment(session)
    for reader in ("192.0.2.1", "192.0.2.2"):  # two different readers
        url = f"/api/v1/comments/{comment.id}/reports"
        client.post(url, json={"reason": "abuse"}, environ_base={"REMOTE_ADDR": reader})
    assert client.get(f"/api/v1/articles/{ARTICLE_ID}/comments").json["threads"] == []
    assert session.get(Comment, comment.id).status is CommentStatus.PENDING


@pytest.mark.parametrize(
    ("payload", "status"), [({"reason": "boring"}, 400), ({"reason": "spam", "extra": 1}, 400), ({}, 400)]
)
def test_bad_reports_are_rejected(client: FlaskClient, token: str, session: Any, payload: dict, status: int) -> None:
    comment = make_comment(session)
    assert client.post(f"/api/v1/comments/{comment.id}/reports", json=payload).status_code == status


def test_reporting_unpublished_or_unknown_comment_is_404(client: FlaskClient, token: str, session: Any) -> None:
    held = make_comment(session, status=CommentStatus.PENDING)
    assert client.post(f"/api/v1/comments/{held.id}/reports", json={"reason": "spam"}).status_code == 404
    assert client.post("/api/v1/comments/4242/reports", json={"reason": "spam"}).status_code == 404


def test_article_registration_is_an_idempotent_upsert(client: FlaskClient, token: str) -> None:
    payload = {"url": "https://zeitung.example/a/1", "title": "Nordkorea"}
    first = client.put("/api/v1/articles/artikel-1", json=payload, headers=auth(token))
    assert first.status_code == 201
    again = client.put("/api/v1/articles/artikel-1", json={**payload, "title": "Neu"}, headers=auth(token))
    assert again.status_code == 200
    assert client.get("/api/v1/articles/artikel-1").json["title"] == "Neu"
    audit = client.get(f"{Q}/audit?article_id=artikel-1", headers=auth(token)).json["entries"]
    assert [(e["actor"], e["action"]) for e in audit] == [
        ("moderator:mod", "article.updated"),
        ("moderator:mod", "article.registered"),
    ]


@pytest.mark.parametrize(
    ("article_id", "payload", "field"),
    [
        ("artikel-1", {"url": "ftp://x.example/a", "title": "T"}, "url"),
        ("artikel-1", {"url": "https://x.example/a"}, "title"),
        ("bad id!", {"url": "https://x.example/a", "title": "T"}, "article_id"),
    ],
)
def test_bad_article_registration_is_400(
    client: FlaskClient, token: str, article_id: str, payload: dict, field: str
) -> None:
    response = client.put(f"/api/v1/articles/{article_id}", json=payload, headers=auth(token))
    assert response.status_code == 400
    assert field in response.json["errors"]
