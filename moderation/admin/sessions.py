"""Server-side sessions for the moderators' web app, and the CSRF token each carries.

The cookie holds 256 random bits; the database keeps their SHA-256 with the account, a CSRF token and two
deadlines: an idle one that each request pushes forward and an absolute one that nothing extends. Logging out or
revoking the account ends the session at once (a signed cookie could not be taken back).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from moderation.auth import Principal
from moderation.moderators.models import AdminSession, Moderator
from moderation.moderators.service import principal_of
from moderation.types import utcnow


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    absolute: timedelta


@dataclass(frozen=True)
class LoggedIn:
    """A resolved session: who, and the CSRF token their forms must carry."""

    principal: Principal
    csrf_token: str


def _digest(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


def start_session(*, session: Session, principal: Principal, policy: SessionPolicy) -> str:
    """A new session for ``principal``; returns the cookie value (shown to the browser only)."""
    cookie, now = secrets.token_urlsafe(32), utcnow()
    session.add(
        AdminSession(
            id=_digest(cookie),
            moderator_id=principal.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + policy.absolute,
        )
    )
    session.commit()
    return cookie


def resolve_session(*, session: Session, cookie: str | None, policy: SessionPolicy) -> LoggedIn | None:
    """The live session behind ``cookie``, its idle deadline pushed forward; None if unknown, idle or expired."""
    if not cookie:
        return None
    row = session.scalar(select(AdminSession).where(AdminSession.id == _digest(cookie)))
    now = utcnow()
    if row is None or _ended(row, row.moderator, now, policy):
        return None
    if now - row.last_seen_at > timedelta(minutes=1):  # one write a minute at most, not one per request
        row.last_seen_at = now
        session.commit()
    return LoggedIn(principal_of(row.moderator), row.csrf_token)


def _ended(row: AdminSession, moderator: Moderator, now: datetime, policy: SessionPolicy) -> bool:
    return moderator.revoked_at is not None or now >= row.expires_at or now - row.last_seen_at > policy.idle


def end_session(*, session: Session, cookie: str | None) -> None:
    if cookie:
        session.execute(delete(AdminSession).where(AdminSession.id == _digest(cookie)))
        session.commit()


def csrf_matches(expected: str | None, sent: str | None) -> bool:
    return bool(expected) and bool(sent) and hmac.compare_digest(str(expected), str(sent))
