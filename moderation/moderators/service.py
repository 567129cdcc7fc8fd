"""Moderator accounts: tokens are random, shown once, stored as SHA-256 (they carry 256 bits, so no slow hash);
passwords are hashed with argon2id (people choose them) and re-hashed when the parameters grow."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.auth import Principal, Role
from moderation.errors import Conflict, InvalidInput, NotFound, Unauthorized
from moderation.moderators.models import Moderator
from moderation.types import utcnow

TOKEN_PREFIX = "kmod_"
MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()
#: Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_moderator(
    *,
    session: Session,
    name: str,
    actor: str,
    role: Role = Role.MODERATOR,
    password: str | None = None,
    with_token: bool = True,
) -> tuple[Moderator, str | None]:
    """A new account with a password, a token (returned once), or both."""
    if session.scalar(select(Moderator).where(Moderator.name == name)) is not None:
        raise Conflict(f"A moderator named '{name}' exists already.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32) if with_token else None
    moderator = Moderator(name=name, role=role, token_hash=hash_token(token) if token else None)
    if password is not None:
        moderator.password_hash = _hasher.hash(_checked_password(password))
    session.add(moderator)
    record_action(
        session, actor=actor, action=AuditAction.MODERATOR_CREATED, details={"name": name, "role": role.value}
    )
    session.commit()
    return moderator, token


def set_password(*, session: Session, name: str, password: str, actor: str) -> Moderator:
    moderator = _by_name(session, name)
    moderator.password_hash = _hasher.hash(_checked_password(password))
    record_action(session, actor=actor, action=AuditAction.MODERATOR_PASSWORD_SET, details={"name": name})
    session.commit()
    return moderator


def _checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters.",
            errors={"password": [f"At least {MIN_PASSWORD_LENGTH} characters."]},
        )
    return password


def revoke_moderator(*, session: Session, name: str, actor: str) -> Moderator:
    moderator = _by_name(session, name)
    moderator.revoked_at = utcnow()
    record_action(session, actor=actor, action=AuditAction.MODERATOR_REVOKED, details={"name": name})
    session.commit()
    return moderator


def _by_name(session: Session, name: str) -> Moderator:
    moderator: Moderator | None = session.scalar(select(Moderator).where(Moderator.name == name))
    if moderator is None:
        raise NotFound(f"No moderator named '{name}'.")
    return moderator


def list_moderators(*, session: Session) -> list[Moderator]:
    return list(session.scalars(select(Moderator).order_by(Moderator.name)))


def check_password(*, session: Session, name: str, password: str) -> Principal | None:
    """The active account ``name`` if ``password`` is its password, else None (same work either way)."""
    moderator: Moderator | None = session.scalar(select(Moderator).where(Moderator.name == name))
    stored = moderator.password_hash if moderator is not None and moderator.revoked_at is None else None
    try:
        _hasher.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if moderator is None or stored is None:
        return None
    if _hasher.check_needs_rehash(stored):
        moderator.password_hash = _hasher.hash(password)
        session.commit()
    return principal_of(moderator)


def principal_of(moderator: Moderator) -> Principal:
    return Principal(id=moderator.id, name=moderator.name, role=moderator.role)


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
    return principal_of(moderator)
