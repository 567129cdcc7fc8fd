"""The queue page: every held comment with what explains it, decisions audited, comment text inert, German and
English; and the API roles (a moderator's token cannot manage webhooks or article settings)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from moderation.audit.models import AuditAction, AuditEntry
from moderation.auth import Role
from moderation.comments.models import Comment, CommentStatus
from moderation.messages import Message, text
from moderation.moderators.service import create_moderator
from tests.admin.helpers import log_in, make_person, page_csrf
from tests.factories import ARTICLE_ID, auth
from tests.helpers import post_comment

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "{{ 7*7 }}",
]


@pytest.fixture
def logged_in(client: FlaskClient, session: Any, token: str) -> FlaskClient:
    make_person(session)
    log_in(client, "petra")
    return client


def test_a_held_comment_shows_its_span_reasons_and_scores(logged_in: FlaskClient) -> None:
    held = post_comment(logged_in, "Gute Recherche, aber du bist ein Vollidiot.")
    assert held.status_code in (202, 422)
    html = logged_in.get("/admin/?state=" + ("pending" if held.status_code == 202 else "rejected")).get_data(
        as_text=True
    )
    assert f'data-comment-id="{held.json.get("id") or held.json["comment_id"]}"' in html
    assert '<mark class="hit"' in html and ">Vollidiot</mark>" in html
    assert "watchword" in html or "insult" in html


def test_approving_from_the_page_publishes_and_audits(logged_in: FlaskClient, session: Any) -> None:
    comment_id = post_comment(logged_in, "Das ist ziemlich dumm argumentiert.").json["id"]
    response = logged_in.post(
        f"/admin/comments/{comment_id}/decision",
        data={"action": "approve", "csrf_token": page_csrf(logged_in)},
        headers={"Accept": "application/json"},
    )
    assert response.json == {"id": comment_id, "status": "published"}
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.COMMENT_APPROVED)).one()
    assert entry.actor == "moderator:petra" and entry.comment_id == comment_id
    assert "moderator:petra" in logged_in.get(f"/admin/audit?comment_id={comment_id}").get_data(as_text=True)


def test_a_rejection_needs_one_of_the_listed_reasons(logged_in: FlaskClient, session: Any) -> None:
    comment_id = post_comment(logged_in, "Das ist ziemlich dumm argumentiert.").json["id"]
    csrf = page_csrf(logged_in)
    bad = logged_in.post(f"/admin/comments/{comment_id}/decision", data={"action": "reject", "csrf_token": csrf})
    assert bad.status_code == 400
    good = logged_in.post(
        f"/admin/comments/{comment_id}/decision", data={"action": "reject", "reason": "insult", "csrf_token": csrf}
    )
    assert good.status_code == 302
    assert session.get(Comment, comment_id).status is CommentStatus.REJECTED
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.COMMENT_REJECTED)).one()
    assert entry.details["reason"] == "insult"


@pytest.mark.parametrize("payload", XSS)
def test_comment_text_and_author_names_are_inert(logged_in: FlaskClient, payload: str) -> None:
    response = post_comment(logged_in, f"Ziemlich dumm: {payload}", author=f"Anna {payload}")
    assert response.status_code == 202, response.json
    html = logged_in.get("/admin/").get_data(as_text=True)
    assert html.count(str(escape(payload))) >= 2  # body and author, as text
    if "<" in payload:
        assert payload not in html


def test_english_on_request_german_by_default(logged_in: FlaskClient) -> None:
    assert "Zu prüfen" in logged_in.get("/admin/").get_data(as_text=True)
    english = logged_in.get("/admin/?lang=en")
    assert "Pending" in english.get_data(as_text=True) and 'lang="en"' in english.get_data(as_text=True)
    assert "Pending" in logged_in.get("/admin/").get_data(as_text=True)  # remembered


def test_reasons_are_told_in_the_moderators_language(logged_in: FlaskClient, session: Any) -> None:
    """The stored message is German (what the reader was told); the page tells it in the moderator's language, and
    a reason stored before messages kept their key is shown as stored, marked as German."""
    held = post_comment(logged_in, "Das ist ziemlich dumm argumentiert.")
    assert held.status_code == 202, held.json
    legacy = post_comment(logged_in, "Noch so ein dummer Beitrag von gestern.").json["id"]
    session.get(Comment, legacy).reasons = [{"code": "toxicity", "message": "Alter gespeicherter Text."}]
    session.commit()
    english = logged_in.get("/admin/?lang=en").get_data(as_text=True)
    assert f"<span>{escape(text(Message.HELD, 'en'))}</span>" in english
    assert str(escape(text(Message.HELD))) not in english
    assert '<span lang="de">Alter gespeicherter Text.</span>' in english
    german = logged_in.get("/admin/?lang=de").get_data(as_text=True)
    assert f"<span>{escape(text(Message.HELD))}</span>" in german
    assert "<span>Alter gespeicherter Text.</span>" in german


def test_pages_are_private_and_script_only_from_self(logged_in: FlaskClient) -> None:
    response = logged_in.get("/admin/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_moderators_token_cannot_manage_webhooks_or_articles(client: FlaskClient, session: Any, token: str) -> None:
    _, moderator_token = create_moderator(session=session, name="mia", actor="test", role=Role.MODERATOR)
    assert moderator_token is not None
    hook = {"url": "http://127.0.0.1:9/hooks", "event_types": ["comment.created"]}
    refused = client.post("/api/v1/moderation/webhooks", json=hook, headers=auth(moderator_token))
    assert (refused.status_code, refused.mimetype) == (403, "application/problem+json")
    article = {"url": "https://zeitung.example/a", "title": "Titel"}
    assert client.put(f"/api/v1/articles/{ARTICLE_ID}", json=article, headers=auth(moderator_token)).status_code == 403
    assert client.get("/api/v1/moderation/queue", headers=auth(moderator_token)).status_code == 200
