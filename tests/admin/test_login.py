"""Logging in: argon2 passwords, server-side sessions with safe cookies, CSRF, throttling, audit, roles."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from moderation.audit.models import AuditAction, AuditEntry
from moderation.auth import Role
from moderation.moderators.models import AdminSession, Moderator
from moderation.moderators.service import revoke_moderator
from tests.admin.helpers import PASSWORD, log_in, make_person, page_csrf


@pytest.mark.parametrize(
    ("settings_overrides", "secure"), [({"environment": "production"}, True), ({"environment": "development"}, False)]
)
def test_login_starts_a_session_with_safe_cookie_flags(client: FlaskClient, session: Any, secure: bool) -> None:
    make_person(session)
    response = log_in(client, "petra")
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("kommentare_admin="))
    assert all(flag in cookie for flag in ("HttpOnly", "SameSite=Strict", "Path=/admin"))
    assert ("; Secure" in cookie) is secure  # HTTPS only, except on a developer's plain-HTTP machine
    stored = session.scalars(select(AdminSession)).one()
    assert stored.id not in cookie  # only a digest of the cookie value is stored
    assert session.scalars(select(Moderator)).one().password_hash.startswith("$argon2id$")
    assert client.get("/admin/").status_code == 200


def test_pages_need_a_login(client: FlaskClient) -> None:
    response = client.get("/admin/?state=pending")
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login?next=")
    api_style = client.get("/admin/counts", headers={"Accept": "application/json"})
    assert (api_style.status_code, api_style.mimetype) == (401, "application/problem+json")


def test_a_login_without_the_forms_csrf_token_is_refused(client: FlaskClient, session: Any) -> None:
    make_person(session)
    client.get("/admin/login")
    response = client.post("/admin/login", data={"username": "petra", "password": PASSWORD})
    assert response.status_code == 401
    assert client.get("/admin/").status_code == 302


def test_state_changing_requests_without_csrf_are_refused(client: FlaskClient, session: Any, token: str) -> None:
    from moderation.comments.models import CommentStatus
    from tests.factories import make_comment

    comment = make_comment(session, status=CommentStatus.PENDING)
    make_person(session)
    log_in(client, "petra")
    forged = client.post(f"/admin/comments/{comment.id}/decision", data={"action": "approve"})
    assert forged.status_code == 403
    script = client.post(
        f"/admin/comments/{comment.id}/decision",
        data={"action": "approve"},
        headers={"Accept": "application/json", "X-CSRF-Token": "wrong"},
    )
    assert (script.status_code, script.mimetype) == (403, "application/problem+json")
    session.expire_all()
    assert session.get(type(comment), comment.id).status is CommentStatus.PENDING
    good = client.post(
        f"/admin/comments/{comment.id}/decision", data={"action": "approve", "csrf_token": page_csrf(client)}
    )
    assert good.status_code == 302


@pytest.mark.parametrize("settings_overrides", [{"ratelimit_enabled": True, "ratelimit_admin_login": "5/minute"}])
def test_wrong_passwords_are_throttled_and_audited(client: FlaskClient, session: Any) -> None:
    make_person(session)
    codes = [log_in(client, "petra", "falsch-falsch-falsch").status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    assert log_in(client, "petra").status_code == 429  # the right password waits out the window too
    failures = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.LOGIN_FAILED)).all()
    assert len(failures) == 5 and all("falsch" not in str(entry.details) for entry in failures)


def test_logout_and_revocation_end_the_session(client: FlaskClient, session: Any) -> None:
    make_person(session)
    log_in(client, "petra")
    assert client.post("/admin/logout", data={"csrf_token": page_csrf(client)}).status_code == 302
    assert client.get("/admin/").status_code == 302
    log_in(client, "petra")
    revoke_moderator(session=session, name="petra", actor="test")
    assert client.get("/admin/").status_code == 302


def test_an_idle_session_expires(app: Flask, client: FlaskClient, session: Any) -> None:
    make_person(session)
    log_in(client, "petra")
    row = session.scalars(select(AdminSession)).one()
    row.last_seen_at -= timedelta(minutes=app.extensions["kommentare.settings"].admin_session_idle_minutes + 1)
    session.commit()
    assert client.get("/admin/").status_code == 302


def test_moderators_cannot_reach_admin_pages(client: FlaskClient, session: Any) -> None:
    make_person(session)
    log_in(client, "petra")
    response = client.get("/admin/moderators")
    assert response.status_code == 403 and "Administratoren" in response.get_data(as_text=True)


def test_admins_can(client: FlaskClient, session: Any) -> None:
    make_person(session, "chefin", Role.ADMIN)
    log_in(client, "chefin")
    assert client.get("/admin/moderators").status_code == 200


def test_the_next_parameter_never_leaves_the_app(client: FlaskClient, session: Any) -> None:
    make_person(session)
    response = log_in(client, "petra", next="https://evil.example/")
    assert response.headers["Location"] == "/admin/"
