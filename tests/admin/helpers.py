"""Logging in to the web app through real requests, as a browser would (login form, CSRF cookie, session)."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from moderation.auth import Role
from moderation.moderators.service import create_moderator

PASSWORD = "korrekt-pferd-batterie"


def make_person(session: Session, name: str = "petra", role: Role = Role.MODERATOR) -> str:
    create_moderator(session=session, name=name, actor="test", role=role, password=PASSWORD, with_token=False)
    return name


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def log_in(client: FlaskClient, name: str, password: str = PASSWORD, **extra: Any) -> Any:
    token = csrf_of(client.get("/admin/login").get_data(as_text=True))
    return client.post("/admin/login", data={"username": name, "password": password, "csrf_token": token, **extra})


def page_csrf(client: FlaskClient, path: str = "/admin/") -> str:
    return csrf_of(client.get(path).get_data(as_text=True))
