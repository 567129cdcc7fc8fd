"""Moderator accounts: tokens are random, shown once, stored as SHA-256 (they carry 256 bits, so no slow hash);
passwords are hashed with argon2id (people choose them) and re-hashed when the parameters grow."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.auth import Principal, Role
from moderation.errors import Conflict, InvalidInput, NotFound, Unauthorized
from moderation.moderators import totp
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


def enable_totp(*, session: Session, name: str, actor: str) -> str:
    """Turn on (or renew) the account's second factor; returns the new secret (shown once, to enrol an app)."""
    moderator = _by_name(session, name)
    moderator.totp_secret, moderator.totp_last_step = totp.new_secret(), None
    record_action(session, actor=actor, action=AuditAction.MODERATOR_TOTP_ENABLED, details={"name": name})
    session.commit()
    return moderator.totp_secret


def disable_totp(*, session: Session, name: str, actor: str) -> None:
    moderator = _by_name(session, name)
    moderator.totp_secret = moderator.totp_last_step = None
    record_action(session, actor=actor, action=AuditAction.MODERATOR_TOTP_DISABLED, details={"name": name})
    session.commit()


def second_factor_ok(*, session: Session, name: str, code: str, now: float) -> bool:
    """True when the account has no second factor, or ``code`` is a current code not used before. The step is
    claimed with a conditional UPDATE, so two logins racing with the same code cannot both pass."""
    moderator = session.scalar(select(Moderator).where(Moderator.name == name))
    if moderator is None or moderator.totp_secret is None:
        return True
    step = totp.matching_step(secret=moderator.totp_secret, code=code, now=now, last_step=moderator.totp_last_step)
    if step is None:
        return False
    claimed = session.execute(
        update(Moderator)
        .where(Moderator.id == moderator.id)
        .where(Moderator.totp_last_step.is_(None) | (Moderator.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return bool(claimed.rowcount)  # type: ignore[attr-defined]
