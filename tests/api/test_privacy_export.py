"""Export of a reader's data for an access request: by reader id or sub, or a guest's e-mail address; admins only;
audited without content."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from moderation.auth import Role
from tests.factories import auth, make_moderator
from tests.helpers import comments_url, post_comment

SECRET = "newsroom-sso-secret-" + "p" * 24
EXPORT = "/api/v1/moderation/privacy/export"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"sso_secret": SECRET, "smtp_host": "127.0.0.1", "public_url": "https://kommentare.zeitung.example"}


def reader(sub: str = "u-77") -> dict[str, str]:
    claims = {"sub": sub, "name": "Paula", "email": "paula@example.org", "exp": int(time.time()) + 600}
    return {"Authorization": "Bearer " + jwt.encode(claims, SECRET, "HS256")}


def test_a_readers_export_has_comments_versions_votes_and_reports(client: FlaskClient, token: str) -> None:
    other = post_comment(client, "Ein fremder Beitrag.", author="Otto").json
    mine = client.post(comments_url(), json={"body": "Erste Fassung."}, headers=reader()).json
    client.patch(f"/api/v1/comments/{mine['id']}", json={"body": "Zweite Fassung."}, headers=reader())
    client.put(f"/api/v1/comments/{other['id']}/vote", json={"value": -1}, headers=reader())
    client.post(f"/api/v1/comments/{other['id']}/reports", json={"reason": "spam", "text": "Werbung"}, headers=reader())
    data = client.get(f"{EXPORT}?reader=u-77", headers=auth(token)).json
    assert data["reader"]["sub"] == "u-77" and data["reader"]["email"] == "paula@example.org"
    [comment] = data["comments"]
    assert comment["body"] == "Zweite Fassung." and comment["status"] == "published"
    assert [v["body"] for v in comment["earlier_versions"]] == ["Erste Fassung."]
    assert data["votes"] == [{"comment_id": other["id"], "value": -1, "at": data["votes"][0]["at"]}]
    assert [(r["comment_id"], r["reason"], r["text"]) for r in data["reports"]] == [(other["id"], "spam", "Werbung")]
    by_id = client.get(f"{EXPORT}?reader={data['reader']['id']}", headers=auth(token)).json
    assert by_id["comments"] == data["comments"]
    audit = client.get("/api/v1/moderation/audit", headers=auth(token)).json["entries"]
    [entry] = [e for e in audit if e["action"] == "privacy.exported"][:1]
    assert entry["details"]["comments"] == 1 and "Zweite" not in json.dumps(entry)


def test_a_guest_is_found_by_e_mail_address_in_any_case(client: FlaskClient, token: str) -> None:
    mine = post_comment(client, "Als Gast geschrieben.", email="Gast@Example.org", notify_replies=True).json
    post_comment(client, "Ein anderer Gast.", author="B", email="b@example.org", notify_replies=True)
    data = client.get(f"{EXPORT}?email=gast@example.org", headers=auth(token)).json
    assert [c["body"] for c in data["comments"]] == ["Als Gast geschrieben."]
    [mail] = data["mail"]
    assert mail["email"] == "gast@example.org" and mail["confirmed_at"] is None and mail["mails_kept"] == 1
    assert mail["reply_subscriptions"] == [mine["id"]]
    assert data["reader"] is None and data["votes"] == [] and data["reports"] == []
    audit = client.get("/api/v1/moderation/audit", headers=auth(token)).json["entries"]
    assert "gast@example.org" not in json.dumps(audit).lower()


@pytest.mark.parametrize(
    ("query", "status"), [("email=niemand@example.org", 404), ("reader=u-unbekannt", 404), ("", 400)]
)
def test_unknown_subjects_and_bad_queries(client: FlaskClient, token: str, query: str, status: int) -> None:
    response = client.get(f"{EXPORT}?{query}", headers=auth(token))
    assert response.status_code == status and response.mimetype == "application/problem+json"


def test_both_at_once_is_a_field_error(client: FlaskClient, token: str) -> None:
    response = client.get(f"{EXPORT}?reader=1&email=a@b.example", headers=auth(token))
    assert response.status_code == 400 and "_schema" in response.json["error_codes"]


def test_only_admins_export(client: FlaskClient, session: Any, token: str) -> None:
    moderator = make_moderator(session, "mo", Role.MODERATOR)
    assert client.get(f"{EXPORT}?email=a@b.example", headers=auth(moderator)).status_code == 403


def test_the_command_line_export(client: FlaskClient, runner: FlaskCliRunner, token: str) -> None:
    post_comment(client, "Per Kommandozeile.", email="cli@example.org")
    result = runner.invoke(args=["privacy", "export", "--email", "cli@example.org"])
    assert result.exit_code == 0, result.output
    assert [c["body"] for c in json.loads(result.output)["comments"]] == ["Per Kommandozeile."]
    assert runner.invoke(args=["privacy", "export"]).exit_code != 0
