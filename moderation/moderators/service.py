"""Moderator accounts: tokens are random, shown once, stored as SHA-256 (they carry 256 bits, so no slow hash)."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.auth import Principal
from moderation.errors import Conflict, NotFound, Unauthorized
from moderation.moderators.models import Moderator
from moderation.types import utcnow

TOKEN_PREFIX = "kmod_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_moderator(*, session: Session, name: str, actor: str) -> tuple[Moderator, str]:
    if session.scalar(select(Moderator).where(Moderator.name == name)) is not None:
        raise Conflict(f"A moderator named '{name}' exists already.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    moderator = Moderator(name=name, token_hash=hash_token(token))
    session.add(moderator)
    record_action(session, actor=actor, action=AuditAction.MODERATOR_CREATED, details={"name": name})
    session.commit()
    return moderator, token


def revoke_moderator(*, session: Session, name: str, actor: str) -> Moderator:
    moderator: Moderator | None = session.scalar(select(Moderator).where(Moderator.name == name))
    if moderator is None:
        raise NotFound(f"No moderator named '{name}'.")
    moderator.revoked_at = utcnow()
    record_action(session, actor=actor, action=AuditAction.MODERATOR_REVOKED, details={"name": name})
    session.commit()
    return moderator


def list_moderators(*, session: Session) -> list[Moderator]:
    return list(session.scalars(select(Moderator).order_by(Moderator.name)))


def authenticate(*, session: Session, authorization: str | None) -> Principal:
    """Resolve an ``Authorization: Bearer <token>`` header to an active moderator, or raise 401.

    This is the ``moderation.auth.Authenticator`` that ``create_app`` registers."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send a moderator token as 'Authorization: Bearer <token>'.")
    moderator: Moderator | None = session.scalar(
        select(Moderator).where(Moderator.token_hash == hash_token(token.strip()))
    )
    if moderator is None or moderator.revoked_at is not None:
        raise Unauthorized("The moderator token is unknown or revoked.")
    return Principal(id=moderator.id, name=moderator.name)
