"""Watched words through HTTP: comments judged by the shipped list, moderators editing it (audited), shadow mode,
the version stored with each decision, and a list that cannot be read holding instead of publishing."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from moderation.audit.models import AuditEntry
from moderation.comments.models import Comment, CommentStatus
from moderation.extensions import db
from tests.factories import auth
from tests.fakes import KeywordScorer
from tests.helpers import post_comment

W = "/api/v1/moderation/watchwords"


def rule_ids(response: Any) -> set[str]:
    return {reason.get("rule_id") for reason in response.json["reasons"]}


@pytest.mark.parametrize(
    ("body", "status", "rule_id"),
    [
        ("Halt die Klappe, du Trottel.", 422, "watchword.de.halt-die-klappe"),
        ("Verpiss dich, du Vollpfosten.", 422, "watchword.de.verpiss-dich"),
        ("Der Kommentator ist ein Schwachkopf.", 202, "watchword.de.schwachkopf"),
        ("Du bist ein V0llpf0sten.", 422, "watchword.de.vollpfosten"),
    ],
)
def test_insults_are_held_or_rejected_with_the_word_shown(
    client: FlaskClient, session: Any, token: str, body: str, status: int, rule_id: str
) -> None:
    response = post_comment(client, body)
    assert response.status_code == status, response.json
    assert rule_id in rule_ids(response)
    stored = session.scalars(select(Comment)).one()
    hit = next(h for h in stored.rule_hits if h["rule_id"] == rule_id)
    assert body[hit["start"] : hit["end"]] == hit["match"]
    assert stored.wordlist_version.startswith("watchwords@2026.12.1+")


@pytest.mark.parametrize(
    "body",
    [
        "Die Regierung hat hier komplett versagt, das ist ein Skandal.",
        "Der Artikel ist einseitig und schlecht recherchiert, die Redaktion sollte nachbessern.",
        "Die Sanktionen scheinen nicht zu wirken, Nordkorea hilft Russland offen.",
    ],
)
def test_sharp_but_civil_criticism_is_published(client: FlaskClient, token: str, body: str) -> None:
    assert post_comment(client, body).status_code == 201


def test_moderators_add_change_and_remove_words(client: FlaskClient, session: Any, token: str) -> None:
    assert post_comment(client, "Diese Schwurbler schon wieder.").status_code == 201
    added = client.post(W, json={"phrase": "Schwurbler*", "action": "hold", "category": "insult"}, headers=auth(token))
    assert added.status_code == 200, added.json
    assert (added.json["phrase"], added.json["source"], added.json["rule_id"]) == (
        "schwurbler*",
        "moderator",
        "watchword.de.schwurbler",
    )
    assert post_comment(client, "Diese Schwurbler schon wieder!").status_code == 202
    removed = client.delete(f"{W}/de/{quote('schwurbler*')}", headers=auth(token))
    assert removed.status_code == 204
    assert post_comment(client, "Diese Schwurbler schon wieder?").status_code == 201
    actions = [e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.action.like("watchword.%")))]
    assert actions == ["watchword.added", "watchword.removed"]


def test_a_removed_shipped_word_stays_removed_and_can_come_back(client: FlaskClient, token: str) -> None:
    assert post_comment(client, "Der Typ ist ein Depp.").status_code == 202
    assert client.delete(f"{W}/de/{quote('depp*')}", headers=auth(token)).status_code == 204
    assert post_comment(client, "Der Typ ist ein Depp!").status_code == 201
    listed = client.get(f"{W}?language=de", headers=auth(token)).json
    assert "depp*" not in {word["phrase"] for word in listed["words"]}
    assert client.delete(f"{W}/de/{quote('depp*')}", headers=auth(token)).status_code == 404
    back = client.post(W, json={"phrase": "depp*", "action": "flag", "category": "insult"}, headers=auth(token))
    assert back.status_code == 200
    assert post_comment(client, "Der Typ ist ein Depp?").status_code == 201  # flagged: published, marked


def test_shadow_words_are_recorded_not_enforced(client: FlaskClient, session: Any, token: str) -> None:
    word = {"phrase": "schwurbler*", "action": "reject", "category": "insult", "mode": "shadow"}
    assert client.post(W, json=word, headers=auth(token)).status_code == 200
    response = post_comment(client, "Diese Schwurbler schon wieder.")
    assert response.status_code == 201
    [hit] = session.get(Comment, response.json["id"]).rule_hits
    assert (hit["rule_id"], hit["action"]) == ("watchword.de.schwurbler", "publish")
    assert hit["note"].startswith("shadow: would reject")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"phrase": "ab", "action": "hold"}, "phrase"),
        ({"phrase": "gut*er", "action": "hold"}, "phrase"),
        ({"phrase": "schwurbler", "action": "ban"}, "action"),
        ({"phrase": "schwurbler", "action": "hold", "language": "fr"}, "language"),
    ],
)
def test_invalid_words_are_field_errors(client: FlaskClient, token: str, payload: dict[str, str], field: str) -> None:
    response = client.post(W, json=payload, headers=auth(token))
    assert (response.status_code, response.mimetype) == (400, "application/problem+json")
    assert field in response.json["errors"]


def test_the_list_needs_a_moderator(client: FlaskClient) -> None:
    assert client.get(W).status_code == 401
    assert client.post(W, json={"phrase": "x", "action": "hold"}).status_code == 401


@pytest.mark.parametrize("settings_overrides", [{"watchwords_refresh_seconds": 0.0}])
def test_another_process_sees_a_change_within_the_refresh_interval(
    app: Flask, client: FlaskClient, token: str, database_url: str
) -> None:
    config = {"database_url": database_url, "ratelimit_enabled": False, "watchwords_refresh_seconds": 0.0}
    other = create_app(config, scorer=KeywordScorer())
    other_client = other.test_client()
    assert post_comment(other_client, "Diese Schwurbler schon wieder.").status_code == 201
    client.post(W, json={"phrase": "schwurbler*", "action": "hold"}, headers=auth(token))
    assert post_comment(other_client, "Diese Schwurbler schon wieder!").status_code == 202
    with other.app_context():
        db.engine.dispose()


def test_a_list_that_cannot_be_read_holds_the_comment(
    client: FlaskClient, session: Any, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("table unreadable")

    monkeypatch.setattr("moderation.watchwords.service.WordlistCache.current", broken)
    response = post_comment(client, "Danke für den gründlichen Bericht.")
    assert response.status_code == 202
    assert [r["code"] for r in response.json["reasons"]] == ["watchwords_unavailable"]
    assert session.scalars(select(Comment)).one().status is CommentStatus.PENDING


@pytest.mark.parametrize("settings_overrides", [{"watchwords_enabled": False}])
def test_watched_words_can_be_switched_off(client: FlaskClient, token: str) -> None:
    assert post_comment(client, "Halt die Klappe.").status_code == 201
