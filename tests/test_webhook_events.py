"""Events beyond a comment's own life (votes, bans, campaigns) through the API to a real receiver, nothing written
when no endpoint wants them, and every event type as really emitted against its documented JSON Schema."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import jwt
import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook

from moderation.bans.models import Ban
from moderation.comments.models import Comment
from moderation.types import utcnow
from moderation.votes.ranking import rank
from moderation.webhooks.models import Delivery, EventType, OutboxEvent
from tests.campaigns.helpers import TEMPLATE
from tests.campaigns.test_campaigns_api import campaign_of
from tests.factories import ARTICLE_ID, auth, make_comment
from tests.helpers import ROOT, comments_url, post_comment
from tests.test_webhooks import deliver, register
from tests.webhook_receiver import Receiver

SCHEMA = json.loads((ROOT / "docs" / "webhooks" / "events.schema.json").read_text(encoding="utf-8"))
SECRET = "newsroom-sso-secret-" + "x" * 24
Q = "/api/v1/moderation"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"sso_secret": SECRET, "webhook_allowed_hosts": ("127.0.0.1",)}


def reader(sub: str = "u-1") -> dict[str, str]:
    token = jwt.encode({"sub": sub, "name": f"Leser {sub}", "exp": int(time.time()) + 600}, SECRET, "HS256")
    return {"Authorization": f"Bearer {token}"}


def vote(client: FlaskClient, comment_id: int, value: int, address: str = "10.0.0.1", **headers: str) -> None:
    response = client.put(
        f"/api/v1/comments/{comment_id}/vote",
        json={"value": value},
        headers=headers,
        environ_base={"REMOTE_ADDR": address},
    )
    assert response.status_code == 200, response.json


def events(session: Any, event_type: str) -> list[dict[str, Any]]:
    query = select(OutboxEvent).where(OutboxEvent.type == event_type).order_by(OutboxEvent.created_at)
    return [event.payload for event in session.scalars(query)]


def rows(session: Any) -> tuple[int, int]:
    """Outbox events and deliveries written so far."""
    counted = (session.scalar(select(func.count()).select_from(model)) for model in (OutboxEvent, Delivery))
    return (next(counted), next(counted))


def received(receiver: Receiver, secret: str) -> list[dict[str, Any]]:
    """What the receiver got, each body checked against its signature."""
    return [Webhook(secret).verify(body, headers) for headers, body in receiver.received]


def conform(payload: dict[str, Any]) -> None:
    """Validate one event against the definition its type names in docs/webhooks/events.schema.json."""
    assert payload["type"] in SCHEMA["$defs"], f"{payload['type']} is not documented"
    schema = {"$schema": SCHEMA["$schema"], "$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{payload['type']}"}
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(payload)


def test_a_vote_is_announced_with_the_counts_and_never_the_voter(
    app: Any, client: FlaskClient, session: Any, token: str, receiver: Receiver
) -> None:
    endpoint = register(client, token, receiver.port, ["comment.voted"])
    comment = make_comment(session)
    vote(client, comment.id, 1, **reader())
    vote(client, comment.id, 1, **reader())  # the same vote again moves nothing: no event
    vote(client, comment.id, -1, address="10.0.0.2")
    tallies = [event["data"]["tally"] for event in events(session, "comment.voted")]
    expected = {"comment_id": comment.id, "article_id": ARTICLE_ID}
    assert tallies == [
        {**expected, "up": 1, "down": 0, "rank": rank(1, 0)},
        {**expected, "up": 1, "down": 1, "rank": rank(1, 1)},
    ]
    assert deliver(app) == 2
    assert sorted((p["data"]["tally"] for p in received(receiver, endpoint["secret"])), key=str) == sorted(
        tallies, key=str
    )
    raw = b"".join(body for _, body in receiver.received)
    assert b"reader:" not in raw and b"guest:" not in raw and b"10.0.0" not in raw and b"u-1" not in raw


def test_votes_write_nothing_when_no_endpoint_wants_them(
    client: FlaskClient, session: Any, token: str, port: int
) -> None:
    register(client, token, port, ["comment.published"])
    comment = make_comment(session)
    vote(client, comment.id, 1)
    vote(client, comment.id, -1)
    assert rows(session) == (0, 0)


def test_a_suspension_and_its_lifting_are_announced_with_the_reader_id_only(
    app: Any, client: FlaskClient, session: Any, token: str, receiver: Receiver
) -> None:
    endpoint = register(client, token, receiver.port, ["ban.created", "ban.lifted"])
    held = client.post(comments_url(), json={"body": "Das ist ziemlich dumm argumentiert."}, headers=reader())
    assert held.status_code == 202
    until = (utcnow() + timedelta(days=3)).isoformat()
    body = {"reason": "Beleidigungen", "until": until, "reject_pending": True}
    banned = client.post(f"{Q}/readers/u-1/ban", json=body, headers=auth(token))
    assert banned.status_code == 201
    ban = session.get(Ban, banned.json["id"])
    reader_id = session.get(Comment, held.json["id"]).reader_id
    [created] = events(session, "ban.created")
    facts = {"id": ban.id, "reader_id": reader_id, "kind": "suspension", "reason": "Beleidigungen"}
    facts |= {"until": ban.until.isoformat(), "created_by": "mod", "created_at": ban.created_at.isoformat()}
    assert created["data"] == {
        "ban": {**facts, "lifted_at": None, "lifted_by": None},
        "comment_id": None,
        "rejected_comment_ids": [held.json["id"]],
    }
    assert client.delete(f"{Q}/readers/u-1/ban", headers=auth(token)).status_code == 204
    [lifted] = events(session, "ban.lifted")
    assert {k: lifted["data"]["ban"][k] for k in facts} == facts and lifted["data"]["ban"]["lifted_by"] == "mod"
    assert deliver(app) == 2
    assert sorted(p["type"] for p in received(receiver, endpoint["secret"])) == ["ban.created", "ban.lifted"]
    raw = b"".join(body for _, body in receiver.received)
    assert b"reader:" not in raw and b"u-1" not in raw


def test_banning_a_guest_names_their_comment_never_their_address_or_account(
    client: FlaskClient, session: Any, token: str, subscriber: Any
) -> None:
    posted = post_comment(client, email="anna@zeitung.example")
    banned = client.post(f"{Q}/comments/{posted.json['id']}/ban-author", json={"reason": "Spam"}, headers=auth(token))
    assert banned.status_code == 201 and banned.json["subject"].startswith("guest:")
    [created] = events(session, "ban.created")
    assert created["data"]["ban"]["reader_id"] is None and created["data"]["ban"]["kind"] == "ban"
    assert (created["data"]["comment_id"], created["data"]["rejected_comment_ids"]) == (posted.json["id"], [])
    text = json.dumps(created)
    assert "anna@zeitung.example" not in text and banned.json["subject"].removeprefix("guest:") not in text


def test_bans_write_nothing_when_no_endpoint_wants_them(
    client: FlaskClient, session: Any, token: str, port: int
) -> None:
    assert client.post(comments_url(), json={"body": "Guter Artikel."}, headers=reader()).status_code == 201
    register(client, token, port, ["comment.voted"])
    assert client.post(f"{Q}/readers/u-1/ban", json={"reason": "x"}, headers=auth(token)).status_code == 201
    assert client.delete(f"{Q}/readers/u-1/ban", headers=auth(token)).status_code == 204
    assert rows(session) == (0, 0)


def test_a_new_campaign_and_its_decision_are_announced(
    app: Any, client: FlaskClient, session: Any, token: str, receiver: Receiver
) -> None:
    endpoint = register(client, token, receiver.port, ["campaign.detected", "campaign.decided"])
    campaign_id, ids = campaign_of(client, session, TEMPLATE, names="ABCD")
    [detected] = events(session, "campaign.detected")  # the third copy starts it; the fourth joins: no event
    campaign = detected["data"]["campaign"]
    assert (campaign["id"], campaign["kind"], campaign["status"]) == (campaign_id, "copy_paste", "open")
    assert campaign["article_id"] == ARTICLE_ID and campaign["summary"] and campaign["comment_count"] == 3
    assert detected["data"]["comment_id"] == ids[2] and detected["data"]["rule_id"] == "campaign.copy_paste"
    decision = {"action": "reject", "reason": "Troll-Kampagne"}
    assert client.post(f"{Q}/campaigns/{campaign_id}/decision", json=decision, headers=auth(token)).status_code == 200
    [decided] = events(session, "campaign.decided")
    assert decided["data"]["decision"] == {**decision, "moderator": "mod"}
    assert (decided["data"]["comments"], decided["data"]["changed"]) == (4, 2)
    campaign = decided["data"]["campaign"]
    assert (campaign["status"], campaign["decided_by"], campaign["comment_count"]) == ("rejected", "mod", 4)
    assert deliver(app) == 2
    assert [p["type"] for p in received(receiver, endpoint["secret"])] == ["campaign.detected", "campaign.decided"]


def test_campaigns_write_nothing_when_no_endpoint_wants_them(
    client: FlaskClient, session: Any, token: str, port: int
) -> None:
    register(client, token, port, ["comment.voted"])
    campaign_id, _ = campaign_of(client, session, TEMPLATE)
    decision = {"action": "approve", "reason": "Zitat"}
    assert client.post(f"{Q}/campaigns/{campaign_id}/decision", json=decision, headers=auth(token)).status_code == 200
    assert rows(session) == (0, 0)


def test_every_event_type_is_documented_and_nothing_else() -> None:
    documented = {name for name in SCHEMA["$defs"] if "." in name}
    assert documented == {e.value for e in EventType}
    assert [one["$ref"] for one in SCHEMA["oneOf"]] == [f"#/$defs/{e.value}" for e in EventType]


def test_the_schemas_refuse_what_is_not_documented() -> None:
    """The check below can fail: an unknown field (here an e-mail address) or a missing one is refused."""
    event = {"type": "comment.voted", "timestamp": utcnow().isoformat()}
    tally = {"comment_id": 1, "article_id": "a", "up": 1, "down": 0, "rank": 1}
    conform({**event, "data": {"tally": tally}})
    with pytest.raises(ValidationError):
        conform({**event, "data": {"tally": {**tally, "email": "anna@zeitung.example"}}})
    with pytest.raises(ValidationError):
        conform({**event, "data": {"tally": {k: v for k, v in tally.items() if k != "rank"}}})


def test_real_events_of_every_type_match_their_documented_schema(
    client: FlaskClient, session: Any, token: str, subscriber: Any
) -> None:
    _comment_life(client, token)
    campaign_id, _ = campaign_of(client, session, TEMPLATE)
    reject = {"action": "reject", "reason": "Kampagne"}
    assert client.post(f"{Q}/campaigns/{campaign_id}/decision", json=reject, headers=auth(token)).status_code == 200
    assert client.post(comments_url(), json={"body": "Das ist dumm."}, headers=reader()).status_code == 202
    ban = {"reason": "Beleidigungen", "reject_pending": True}
    assert client.post(f"{Q}/readers/u-1/ban", json=ban, headers=auth(token)).status_code == 201
    assert client.delete(f"{Q}/readers/u-1/ban", headers=auth(token)).status_code == 204
    payloads = [event.payload for event in session.scalars(select(OutboxEvent))]
    for payload in payloads:
        conform(payload)
    assert {p["type"] for p in payloads} == {e.value for e in EventType}


def _comment_life(client: FlaskClient, token: str) -> None:
    """Every comment.* event through the API: posted, held, reported, approved, voted, edited, deleted."""
    published, held = post_comment(client).json, post_comment(client, "Das ist dumm.").json
    report = client.post(f"/api/v1/comments/{published['id']}/reports", json={"reason": "abuse"})
    assert report.status_code in (201, 202), report.json
    approve = {"action": "approve", "reason": "Zulässig"}
    assert client.post(f"{Q}/comments/{held['id']}/decision", json=approve, headers=auth(token)).status_code == 200
    vote(client, published["id"], 1)
    edit = {"Authorization": f"Bearer {published['edit_token']}"}
    patch = client.patch(f"/api/v1/comments/{published['id']}", json={"body": "Du Giftzwerg."}, headers=edit)
    assert patch.status_code == 200
    other = post_comment(client, "Noch ein Gedanke dazu.").json
    edit = {"Authorization": f"Bearer {other['edit_token']}"}
    assert client.delete(f"/api/v1/comments/{other['id']}", headers=edit).status_code == 204
