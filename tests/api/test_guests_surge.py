"""Guests per site and story (allowed | premoderated | off), surge mode (started by moderators or a burst of new
accounts, pre-moderating new readers only) and trusted readers skipping low-confidence model holds."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import jwt
import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from moderation.articles.models import Article
from moderation.audit.models import AuditAction, AuditEntry
from moderation.campaigns.models import Fingerprint
from moderation.comments.models import Comment
from moderation.types import utcnow
from tests.factories import ARTICLE_ID, auth
from tests.helpers import comments_url, post_comment

SECRET = "newsroom-sso-secret-" + "y" * 24
ARTICLE = f"/api/v1/articles/{ARTICLE_ID}"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"sso_secret": SECRET}


def reader(sub: str, name: str = "Eva") -> dict[str, str]:
    claims = {"sub": sub, "name": name, "exp": int(time.time()) + 600}
    return {"Authorization": "Bearer " + jwt.encode(claims, SECRET, "HS256")}


def put_article(client: FlaskClient, token: str, **fields: Any) -> Any:
    body = {"url": "https://zeitung.example/nk", "title": "Nordkorea", **fields}
    return client.put(ARTICLE, json=body, headers=auth(token))


def stored(session: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(Comment)))


def codes(response: Any) -> list[str]:
    return [reason["code"] for reason in response.json["reasons"]]


# ---- Guests ---------------------------------------------------------------------------------------------------


def test_a_story_without_guests_refuses_them_with_401_and_stores_nothing(
    client: FlaskClient, session: Any, token: str
) -> None:
    assert put_article(client, token, guests="off").json["guests"] == "off"
    refused = post_comment(client, "Darf ich als Gast schreiben?")
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    assert refused.json["type"].endswith("login-required")
    assert refused.json["detail"] == "Bitte melden Sie sich an, um diesen Artikel zu kommentieren."
    assert stored(session) == 0
    signed_in = client.post(comments_url(), json={"body": "Angemeldet geht es."}, headers=reader("u-1"))
    assert signed_in.status_code == 201


@pytest.mark.parametrize("settings_overrides", [{"sso_secret": SECRET, "guests": "premoderated"}])
def test_the_site_setting_premoderates_guests_and_a_story_can_override_it(client: FlaskClient, token: str) -> None:
    assert client.get(ARTICLE).json["guests"] == "premoderated"
    held = post_comment(client, "Ein Gast schreibt.")
    assert held.status_code == 202 and codes(held) == ["guest_premoderated"]
    assert post_comment(client, "Du Giftzwerg.", author="Bert").status_code == 422  # rejections stay rejections
    assert client.post(comments_url(), json={"body": "Leserin."}, headers=reader("u-2")).status_code == 201
    opened = put_article(client, token, guests="allowed").json
    assert (opened["guests"], opened["guests_setting"]) == ("allowed", "allowed")
    assert post_comment(client, "Jetzt direkt.", author="Carla").status_code == 201
    assert put_article(client, token).json["guests_setting"] == "allowed"  # omitted: kept
    back = put_article(client, token, guests=None).json  # null: the site's setting again
    assert (back["guests"], back["guests_setting"]) == ("premoderated", None)


def test_a_guests_edit_on_a_premoderated_story_is_held_too(client: FlaskClient, token: str) -> None:
    posted = post_comment(client, "Erste Fassung.")
    assert posted.status_code == 201
    put_article(client, token, guests="premoderated")
    edited = client.patch(
        f"/api/v1/comments/{posted.json['id']}",
        json={"body": "Zweite Fassung."},
        headers={"Authorization": f"Bearer {posted.json['edit_token']}"},
    )
    assert edited.status_code == 200 and edited.json["status"] == "pending"
    assert codes(edited) == ["guest_premoderated"]


@pytest.mark.parametrize("settings_overrides", [{"guests": "sometimes"}])
def test_an_unknown_guest_setting_stops_the_app_with_the_choices(settings_overrides: dict[str, Any]) -> None:
    from app import create_app

    with pytest.raises(ValueError, match="KOMMENTARE_GUESTS='sometimes': expected one of allowed, premoderated, off"):
        create_app({"database_url": "sqlite://", **settings_overrides})


def test_an_invalid_guest_mode_is_a_field_error(client: FlaskClient, token: str) -> None:
    response = put_article(client, token, guests="sometimes")
    assert response.status_code == 400 and "guests" in response.json["errors"]


# ---- Surge mode -----------------------------------------------------------------------------------------------


def established(client: FlaskClient, session: Any, name: str, hours: float = 48) -> None:
    """A guest whose comment (posted through the API, so screening indexed its account) was published ``hours``
    ago."""
    posted = post_comment(client, f"Ein alter Beitrag von {name}.", author=name)
    assert posted.status_code == 201
    then = utcnow() - timedelta(hours=hours)
    session.get(Comment, posted.json["id"]).created_at = then
    session.execute(update(Fingerprint).where(Fingerprint.comment_id == posted.json["id"]).values(created_at=then))
    session.commit()


def test_surge_holds_new_readers_only_until_a_moderator_ends_it(client: FlaskClient, session: Any, token: str) -> None:
    established(client, session, "Stamm", hours=72)
    assert client.post(f"{ARTICLE}/surge", json={"hours": 2}).status_code == 401
    started = client.post(f"{ARTICLE}/surge", json={"hours": 2}, headers=auth(token))
    assert started.status_code == 200 and started.json["surge_until"] is not None
    new = post_comment(client, "Ich bin ganz neu hier.", author="Neu")
    assert new.status_code == 202 and codes(new) == ["surge"]
    assert post_comment(client, "Die Stammleserin bleibt sichtbar.", author="Stamm").status_code == 201
    ended = client.delete(f"{ARTICLE}/surge", headers=auth(token))
    assert ended.status_code == 200 and ended.json["surge_until"] is None
    assert post_comment(client, "Wieder normal.", author="Neu2").status_code == 201
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.article_id == ARTICLE_ID)).all()
    assert AuditAction.ARTICLE_SURGE_STARTED in actions and AuditAction.ARTICLE_SURGE_ENDED in actions


def test_a_fresh_publication_does_not_make_an_account_established(
    client: FlaskClient, session: Any, token: str
) -> None:
    established(client, session, "Frisch", hours=1)  # published an hour ago: still new during a surge
    established(client, session, "Alt", hours=30)
    client.post(f"{ARTICLE}/surge", json={}, headers=auth(token))
    assert codes(post_comment(client, "Zweiter Versuch.", author="Frisch")) == ["surge"]
    assert post_comment(client, "Ich schreibe hier seit Tagen.", author="Alt").status_code == 201


def test_a_surge_ends_by_itself(client: FlaskClient, session: Any, token: str) -> None:
    client.post(f"{ARTICLE}/surge", json={"hours": 1}, headers=auth(token))
    article = session.get(Article, ARTICLE_ID)
    article.surge_until = utcnow() - timedelta(minutes=1)
    session.commit()
    assert client.get(ARTICLE).json["surge_until"] is None
    assert post_comment(client, "Nach dem Ansturm.", author="Neu").status_code == 201


@pytest.mark.parametrize(
    "settings_overrides", [{"campaign_burst_accounts": 3, "campaign_burst_minutes": 10, "surge_hours": 4}]
)
def test_a_burst_of_new_accounts_puts_the_story_into_surge(client: FlaskClient, session: Any, token: str) -> None:
    established(client, session, "Stamm")
    for i, name in enumerate(("Konto1", "Konto2")):
        assert post_comment(client, f"Meinung Nummer {i} zur Lage.", author=name).status_code == 201
    burst = post_comment(client, "Meinung Nummer 3 zur Lage.", author="Konto3")
    assert burst.status_code == 202  # the third new account makes the burst
    surge_until = client.get(ARTICLE).json["surge_until"]
    assert surge_until is not None
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.ARTICLE_SURGE_STARTED)).one()
    assert entry.details["cause"] == "new_account_burst" and entry.actor == "system:pipeline"
    assert post_comment(client, "Ich war schon immer da.", author="Stamm").status_code == 201
    client.delete(f"{ARTICLE}/surge", headers=auth(token))
    assert client.get(ARTICLE).json["surge_until"] is None


# ---- Trusted readers ------------------------------------------------------------------------------------------


TRUSTED = {"sso_secret": SECRET, "trust_trusted_min_published": 2, "trust_trusted_max_score": 0.9}


def with_published(client: FlaskClient, sub: str, count: int) -> None:
    for i in range(count):
        posted = client.post(comments_url(), json={"body": f"Sachlich, Teil {i}."}, headers=reader(sub))
        assert posted.status_code == 201


@pytest.mark.parametrize("settings_overrides", [TRUSTED])
def test_a_trusted_reader_skips_a_low_confidence_model_hold_flagged(
    client: FlaskClient, session: Any, token: str
) -> None:
    with_published(client, "u-trusted", 2)
    relieved = client.post(comments_url(), json={"body": "Das ist dumm."}, headers=reader("u-trusted"))
    assert relieved.status_code == 201
    assert codes(relieved)[0] == "trusted_reader" and "toxicity" in codes(relieved)
    assert relieved.json["message"] == "Ihr Kommentar wurde veröffentlicht."
    assert session.get(Comment, relieved.json["id"]).flagged  # moderators still see it in the flagged tab
    assert client.post(comments_url(), json={"body": "Du Giftzwerg."}, headers=reader("u-trusted")).status_code == 422


@pytest.mark.parametrize("settings_overrides", [TRUSTED])
def test_trust_needs_a_record_a_login_and_a_clean_window(client: FlaskClient, token: str) -> None:
    with_published(client, "u-new", 1)
    assert client.post(comments_url(), json={"body": "Das ist dumm."}, headers=reader("u-new")).status_code == 202
    for i in range(3):
        assert post_comment(client, f"Gastbeitrag {i}.", author="Gast").status_code == 201
    assert post_comment(client, "Das ist dumm.", author="Gast").status_code == 202  # guests are never trusted
    with_published(client, "u-rejected", 2)
    client.post(comments_url(), json={"body": "Du Giftzwerg."}, headers=reader("u-rejected"))
    assert client.post(comments_url(), json={"body": "Das ist dumm."}, headers=reader("u-rejected")).status_code == 202


@pytest.mark.parametrize("settings_overrides", [{**TRUSTED, "trust_trusted_max_score": 0.6}])
def test_a_confident_model_hold_stays_a_hold_for_trusted_readers(client: FlaskClient, token: str) -> None:
    with_published(client, "u-t", 2)
    held = client.post(comments_url(), json={"body": "Das ist dumm."}, headers=reader("u-t"))  # toxicity 0.62
    assert held.status_code == 202 and codes(held) == ["toxicity", "toxicity"]


@pytest.mark.parametrize("settings_overrides", [TRUSTED])
def test_a_pre_moderated_story_holds_trusted_readers_too(client: FlaskClient, token: str) -> None:
    with_published(client, "u-t", 2)
    put_article(client, token, moderation_mode="pre")
    held = client.post(comments_url(), json={"body": "Das ist dumm."}, headers=reader("u-t"))
    assert held.status_code == 202 and codes(held) == ["premoderated"]
