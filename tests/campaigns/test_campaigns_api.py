"""The moderators' campaign API: list, inspect, decide on every comment at once (audited, announced)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from moderation.comments.models import Comment, CommentStatus
from moderation.webhooks.models import OutboxEvent
from tests.campaigns.helpers import TEMPLATE, Q, comment_id, post
from tests.factories import ARTICLE_ID, auth

OTHER = (
    "Alle reden vom Klima, aber keiner sagt die Wahrheit über die Kosten der Energiewende für normale Familien. "
    "Die Stromrechnung hat sich verdoppelt und die Politik schaut einfach zu."
)


def campaign_of(client: FlaskClient, session: Any, body: str, names: str = "ABC") -> tuple[int, list[int]]:
    ids = [comment_id(post(client, name, body)) for name in names]
    campaign_id = session.get(Comment, ids[-1]).campaign_id
    assert campaign_id is not None
    return campaign_id, ids


@pytest.mark.parametrize(("method", "path"), [("GET", ""), ("GET", "/1"), ("POST", "/1/decision")])
def test_campaign_endpoints_need_a_moderator_token(client: FlaskClient, token: str, method: str, path: str) -> None:
    response = client.open(Q + path, method=method, json={"action": "reject", "reason": "x"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_list_is_newest_first_with_counts_by_status(client: FlaskClient, session: Any, token: str) -> None:
    older, _ = campaign_of(client, session, TEMPLATE)
    newer, _ = campaign_of(client, session, OTHER, names="DEFG")
    page = client.get(Q, headers=auth(token)).json
    assert [c["id"] for c in page["campaigns"]] == [newer, older]
    first = page["campaigns"][0]
    assert first["kind"] == "copy_paste"
    assert first["status"] == "open"
    assert first["article_id"] == ARTICLE_ID
    assert first["comment_count"] == 4
    assert first["counts"] == {"published": 2, "pending": 0, "rejected": 2, "deleted": 0}
    assert first["summary"].startswith("Alle reden vom Klima")
    limited = client.get(f"{Q}?limit=1", headers=auth(token)).json
    assert [c["id"] for c in limited["campaigns"]] == [newer]
    rest = client.get(f"{Q}?limit=1&cursor={limited['next_cursor']}", headers=auth(token)).json
    assert [c["id"] for c in rest["campaigns"]] == [older]
    assert client.get(f"{Q}?status=rejected", headers=auth(token)).json["campaigns"] == []


def test_one_campaign_with_its_comments(client: FlaskClient, session: Any, token: str) -> None:
    campaign_id, ids = campaign_of(client, session, TEMPLATE)
    detail = client.get(f"{Q}/{campaign_id}", headers=auth(token)).json
    assert [c["id"] for c in detail["comments"]] == ids
    assert {c["campaign_id"] for c in detail["comments"]} == {campaign_id}
    assert detail["comments"][2]["rule_hits"][0]["rule_id"] == "campaign.copy_paste"
    missing = client.get(f"{Q}/999", headers=auth(token))
    assert (missing.status_code, missing.mimetype) == (404, "application/problem+json")


@pytest.mark.usefixtures("subscriber")
def test_bulk_reject_decides_every_comment_with_audit_and_events(client: FlaskClient, session: Any, token: str) -> None:
    campaign_id, ids = campaign_of(client, session, TEMPLATE)
    response = client.post(
        f"{Q}/{campaign_id}/decision", json={"action": "reject", "reason": "Troll-Kampagne"}, headers=auth(token)
    )
    assert response.status_code == 200
    assert response.json["status"] == "rejected"
    assert response.json["decided_by"] == "mod"
    assert response.json["counts"] == {"published": 0, "pending": 0, "rejected": 3, "deleted": 0}
    assert client.get(f"/api/v1/articles/{ARTICLE_ID}/comments").json["threads"] == []
    for cid in ids:
        [entry] = client.get(f"/api/v1/moderation/audit?comment_id={cid}", headers=auth(token)).json["entries"][:1]
        assert (entry["actor"], entry["action"]) == ("moderator:mod", "comment.rejected")
        assert entry["details"]["campaign_id"] == campaign_id
        assert entry["details"]["reason"] == "Troll-Kampagne"
    [summary] = [
        e
        for e in client.get("/api/v1/moderation/audit", headers=auth(token)).json["entries"]
        if e["action"] == "campaign.rejected"
    ]
    assert summary["actor"] == "moderator:mod"
    assert summary["details"] == {
        "campaign_id": campaign_id,
        "kind": "copy_paste",
        "reason": "Troll-Kampagne",
        "comments": 3,
        "changed": 2,
    }
    moderated = [e for e in session.scalars(select(OutboxEvent)) if e.type == "comment.moderated"]
    assert len(moderated) == 3
    assert {e.payload["data"]["decision"]["campaign_id"] for e in moderated} == {campaign_id}
    rejected_events = [e for e in session.scalars(select(OutboxEvent)) if e.type == "comment.rejected"]
    assert len(rejected_events) == 1 + 2  # the pipeline's rejection of the third copy, then the two published ones


@pytest.mark.usefixtures("subscriber")
def test_bulk_approve_publishes_every_comment(client: FlaskClient, session: Any, token: str) -> None:
    campaign_id, ids = campaign_of(client, session, TEMPLATE)
    response = client.post(
        f"{Q}/{campaign_id}/decision", json={"action": "approve", "reason": "Offener Brief"}, headers=auth(token)
    )
    assert response.status_code == 200
    assert response.json["status"] == "approved"
    assert {session.get(Comment, cid).status for cid in ids} == {CommentStatus.PUBLISHED}
    listed = client.get(f"/api/v1/articles/{ARTICLE_ID}/comments").json
    assert sorted(t["id"] for t in listed["threads"]) == ids
    published = [e for e in session.scalars(select(OutboxEvent)) if e.type == "comment.published"]
    assert len(published) == 2 + 1  # the first two when posted, the third by the decision
    actions = [e["action"] for e in client.get("/api/v1/moderation/audit", headers=auth(token)).json["entries"]]
    assert actions[0] == "campaign.approved"
    assert actions.count("comment.approved") == 3


def test_a_new_member_reopens_a_decided_campaign(client: FlaskClient, session: Any, token: str) -> None:
    campaign_id, _ = campaign_of(client, session, TEMPLATE)
    client.post(f"{Q}/{campaign_id}/decision", json={"action": "reject", "reason": "Spam"}, headers=auth(token))
    assert post(client, "D", TEMPLATE).status_code == 422
    detail = client.get(f"{Q}/{campaign_id}", headers=auth(token)).json
    assert (detail["status"], detail["comment_count"]) == ("open", 4)


@pytest.mark.parametrize(
    ("payload", "field"), [({"action": "ban", "reason": "x"}, "action"), ({"action": "approve"}, "reason")]
)
def test_bad_decisions_are_400_and_change_nothing(
    client: FlaskClient, session: Any, token: str, payload: dict[str, Any], field: str
) -> None:
    campaign_id, ids = campaign_of(client, session, TEMPLATE)
    response = client.post(f"{Q}/{campaign_id}/decision", json=payload, headers=auth(token))
    assert response.status_code == 400
    assert field in response.json["errors"]
    assert session.get(Comment, ids[0]).status is CommentStatus.PUBLISHED


def test_decision_on_unknown_campaign_is_404(client: FlaskClient, token: str) -> None:
    response = client.post(f"{Q}/4242/decision", json={"action": "reject", "reason": "x"}, headers=auth(token))
    assert (response.status_code, response.mimetype) == (404, "application/problem+json")


def test_openapi_spec_documents_the_campaign_api(client: FlaskClient) -> None:
    paths = client.get("/api/openapi.json").json["paths"]
    assert {f"{Q}", f"{Q}/{{campaign_id}}", f"{Q}/{{campaign_id}}/decision"} <= set(paths)
    assert paths[f"{Q}/{{campaign_id}}/decision"]["post"]["security"] == [{"bearerAuth": []}]
