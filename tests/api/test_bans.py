"""Bans and suspensions: a banned reader's or guest's post is refused (403, in the reader's language), nothing
stored; their queued comments can go in one go, audited per comment; suspensions end by themselves; bans can be
lifted."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

import jwt
import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from moderation.audit.models import AuditAction, AuditEntry
from moderation.auth import Role
from moderation.bans.models import Ban
from moderation.comments.models import Comment, CommentStatus
from moderation.types import utcnow
from tests.factories import auth, make_moderator
from tests.helpers import comments_url, post_comment

SECRET = "newsroom-sso-secret-" + "x" * 24
BANS = "/api/v1/moderation"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"sso_secret": SECRET}


def reader(sub: str = "u-1") -> dict[str, str]:
    token = jwt.encode({"sub": sub, "name": f"Leser {sub}", "exp": int(time.time()) + 600}, SECRET, "HS256")
    return {"Authorization": f"Bearer {token}"}


def as_reader(client: FlaskClient, body: str, sub: str = "u-1") -> Any:
    return client.post(comments_url(), json={"body": body}, headers=reader(sub))


def count(session: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(Comment)) or 0)


def test_a_banned_reader_is_refused_and_their_queue_rejected_in_one_go(
    client: FlaskClient, session: Any, token: str
) -> None:
    held = as_reader(client, "Das ist ziemlich dumm argumentiert.")
    assert held.status_code == 202
    moderator = make_moderator(session, "petra", Role.MODERATOR)  # moderators ban, not only admins
    banned = client.post(
        f"{BANS}/readers/u-1/ban",
        json={"reason": "Wiederholte Beleidigungen", "reject_pending": True},
        headers=auth(moderator),
    )
    assert banned.status_code == 201 and banned.json["subject"].startswith("reader:")
    session.expire_all()
    assert session.get(Comment, held.json["id"]).status is CommentStatus.REJECTED
    before = count(session)
    refused = as_reader(client, "Noch ein Versuch.")
    assert refused.status_code == 403 and refused.content_type == "application/problem+json"
    assert refused.json["detail"] == "Ihr Konto ist für Kommentare gesperrt."
    assert count(session) == before
    assert as_reader(client, "Ich bin jemand anderes.", sub="u-2").status_code == 201
    rejected = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.COMMENT_REJECTED)).one()
    assert rejected.details["ban_id"] == banned.json["id"] and rejected.comment_id == held.json["id"]
    assert client.delete(f"{BANS}/readers/u-1/ban", headers=auth(moderator)).status_code == 204
    assert as_reader(client, "Wieder da.").status_code == 201
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {AuditAction.BAN_CREATED, AuditAction.BAN_LIFTED} <= actions


def test_a_guest_is_banned_by_e_mail_address_from_one_of_their_comments(
    client: FlaskClient, session: Any, token: str
) -> None:
    first = post_comment(client, "Danke für den Bericht.", email="troll@example.org")
    response = client.post(
        f"{BANS}/comments/{first.json['id']}/ban-author", json={"reason": "Spam"}, headers=auth(token)
    )
    assert response.status_code == 201 and response.json["subject"].startswith("guest:")
    again = post_comment(client, "Anderer Name, gleiche Adresse.", author="Neuer Name", email="TROLL@example.org")
    assert again.status_code == 403
    assert post_comment(client, "Jemand anderes.", author="Anna", email="anna@example.org").status_code == 201
    assert [b["id"] for b in client.get(f"{BANS}/bans", headers=auth(token)).json] == [response.json["id"]]


def test_a_suspension_ends_by_itself_and_says_until_when(client: FlaskClient, session: Any, token: str) -> None:
    as_reader(client, "Erster Beitrag.")
    until = (utcnow() + timedelta(hours=2)).isoformat()
    assert (
        client.post(
            f"{BANS}/readers/u-1/ban", json={"reason": "Pause", "until": until}, headers=auth(token)
        ).status_code
        == 201
    )
    refused = as_reader(client, "Während der Sperre.")
    assert refused.status_code == 403 and refused.json["until"]
    when = f"{datetime.fromisoformat(refused.json['until']):%Y-%m-%d %H:%M}"
    assert refused.json["detail"] == f"Ihr Konto ist bis {when} Uhr (UTC) für Kommentare gesperrt."
    english = client.post(
        comments_url(), json={"body": "During the ban."}, headers={**reader(), "Accept-Language": "en"}
    )
    assert english.json["detail"] == f"Your account is blocked from commenting until {when} (UTC)."
    ban = session.scalars(select(Ban)).one()
    ban.until = utcnow() - timedelta(seconds=1)
    session.commit()
    assert as_reader(client, "Nach der Sperre.").status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": "x", "until": "2001-01-01T00:00:00Z"}, "until"),
        ({"reason": "x", "until": "bald"}, "until"),
    ],
)
def test_bad_bans_are_field_errors(
    client: FlaskClient, session: Any, token: str, body: dict[str, Any], field: str
) -> None:
    as_reader(client, "Erster Beitrag.")
    response = client.post(f"{BANS}/readers/u-1/ban", json=body, headers=auth(token))
    assert response.status_code == 400 and field in response.json["errors"]
    assert session.scalars(select(Ban)).all() == []


def test_unknown_readers_and_bans_are_404_and_readers_need_a_token(client: FlaskClient, token: str) -> None:
    assert client.post(f"{BANS}/readers/niemand/ban", json={"reason": "x"}, headers=auth(token)).status_code == 404
    as_reader(client, "Erster Beitrag.")
    assert client.delete(f"{BANS}/readers/u-1/ban", headers=auth(token)).status_code == 404
    assert client.post(f"{BANS}/readers/u-1/ban", json={"reason": "x"}).status_code == 401
