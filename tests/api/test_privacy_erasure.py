"""Erasure: a reader's text, names, addresses and keys leave every table (the whole database is searched), the
thread keeps its shape, and what happened stays without them."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient, FlaskCliRunner

from moderation.comments.models import Comment, CommentStatus
from moderation.extensions import db
from moderation.privacy.erasure import ERASED, scrub
from tests.factories import auth
from tests.helpers import comments_url, post_comment

SECRET = "newsroom-sso-secret-" + "e" * 24
ERASE = "/api/v1/moderation/privacy/erase"
NAME, EMAIL, SUB = "Zyprianella Quast", "zyprianella.quast@example.org", "sso-zyp-4711"
TEXT = "Meine ganz eigene Meinung zu Nordkorea und Kursk, Quast-Edition."
EDITED = "Meine zweite Fassung, überarbeitet von Zyprianella."


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    # Mail on (nothing is sent here): opt-ins and queued mails hold addresses too.
    return {"sso_secret": SECRET, "smtp_host": "127.0.0.1", "public_url": "https://kommentare.zeitung.example"}


def reader() -> dict[str, str]:
    claims = {"sub": SUB, "name": NAME, "email": EMAIL, "exp": int(time.time()) + 600}
    return {"Authorization": "Bearer " + jwt.encode(claims, SECRET, "HS256")}


def dump(session: Any) -> str:
    """Every row of every table, as text (the test's stand-in for a database dump, on SQLite and PostgreSQL)."""
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine)
    rows = []
    for table in metadata.sorted_tables:
        rows += [repr(tuple(row)) for row in session.execute(sa.select(table))]
    return "\n".join(rows)


def test_erasing_a_reader_leaves_no_trace_in_any_table(
    client: FlaskClient, session: Any, token: str, subscriber: Any
) -> None:
    mine = client.post(comments_url(), json={"body": TEXT, "notify_replies": True}, headers=reader()).json
    client.patch(f"/api/v1/comments/{mine['id']}", json={"body": EDITED}, headers=reader())
    reply = post_comment(client, "Eine Antwort darauf.", author="Otto", parent_id=mine["id"]).json
    client.put(f"/api/v1/comments/{reply['id']}/vote", json={"value": 1}, headers=reader())
    client.post(
        f"/api/v1/comments/{reply['id']}/reports", json={"reason": "spam", "text": "Quast meint"}, headers=reader()
    )
    client.post(
        f"/api/v1/moderation/readers/{SUB}/ban",
        json={"reason": "Test", "until": "2999-01-01T00:00:00+00:00"},
        headers=auth(token),
    )
    before = dump(session)
    assert all(secret in before for secret in (NAME, EMAIL, SUB, TEXT, EDITED))
    erased = client.post(ERASE, json={"reader": SUB}, headers=auth(token))
    assert erased.status_code == 200, erased.json
    assert erased.json == {"comments": 1, "votes": 1, "reports": 1, "bans": 1}
    session.expire_all()
    after = dump(session)
    for secret in (NAME, EMAIL, SUB, TEXT, EDITED, "Zyprianella", "Quast"):
        assert secret not in after, secret
    stored = session.get(Comment, mine["id"])
    assert stored.status is CommentStatus.DELETED and stored.body == "" and stored.author_name == ""
    tree = client.get(comments_url()).json["threads"]
    assert tree[0]["deleted"] is True and tree[0]["replies"][0]["body"] == "Eine Antwort darauf."  # the thread holds
    assert session.get(Comment, reply["id"]).up == 1  # the count stays, an anonymous sum
    audit = client.get("/api/v1/moderation/audit", headers=auth(token)).json["entries"]
    assert next(e for e in audit if e["action"] == "privacy.erased")["details"]["comments"] == 1
    assert any(e["action"] == "comment.created" for e in audit)  # what happened stays


def test_erasing_a_guest_by_e_mail_address(client: FlaskClient, session: Any, token: str) -> None:
    post_comment(client, TEXT, author=NAME, email=EMAIL.upper(), notify_replies=True)
    post_comment(client, "Ein anderer Gast bleibt.", author="Bert", email="bert@example.org", notify_replies=True)
    assert EMAIL in dump(session)  # the opt-in keeps the address, lower-cased
    erased = client.post(ERASE, json={"email": EMAIL}, headers=auth(token))
    assert erased.json["comments"] == 1
    session.expire_all()
    after = dump(session)
    assert TEXT not in after and NAME not in after and EMAIL.upper() not in after and EMAIL not in after
    assert "Ein anderer Gast bleibt." in after and "bert@example.org" in after
    again = client.post(ERASE, json={"email": EMAIL}, headers=auth(token))
    assert again.status_code == 404


def test_only_admins_erase_and_the_subject_is_checked(client: FlaskClient, session: Any, token: str) -> None:
    from moderation.auth import Role
    from tests.factories import make_moderator

    moderator = make_moderator(session, "mo", Role.MODERATOR)
    assert client.post(ERASE, json={"email": EMAIL}, headers=auth(moderator)).status_code == 403
    assert client.post(ERASE, json={}, headers=auth(token)).status_code == 400
    assert client.post(ERASE, json={"reader": "unbekannt"}, headers=auth(token)).status_code == 404


def test_the_command_line_erasure(client: FlaskClient, runner: FlaskCliRunner, session: Any, token: str) -> None:
    post_comment(client, TEXT, author=NAME, email=EMAIL)
    result = runner.invoke(args=["privacy", "erase", "--email", EMAIL, "--yes"])
    assert result.exit_code == 0 and "anonymised 1 comments" in result.output
    assert TEXT not in dump(session)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"a": "sagt Quast", "n": 3}, {"a": ERASED, "n": 3}),
        ([{"match": "Quast", "rule_id": "x"}], [{"rule_id": "x"}]),
        ("nichts", "nichts"),
    ],
)
def test_scrub_replaces_every_string_with_a_secret(value: Any, expected: Any) -> None:
    assert scrub(value, {"Quast"}) == expected
    assert json.dumps(scrub(value, {"Quast"})).count("Quast") == 0
