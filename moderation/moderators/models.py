"""Moderator accounts: people who log in with a password, integrations that call with a token, or both.

Only hashes are stored: argon2 for passwords (people choose them, so a slow hash), SHA-256 for tokens (256 random
bits, so a fast one is enough) and for admin session cookies.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moderation.auth import Role
from moderation.extensions import db
from moderation.types import UTCDateTime, enum_column, utcnow


class Moderator(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "moderators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.MODERATOR)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    #: The base32 TOTP secret when the person turned on the second factor (the server must read it to check codes).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: The last 30-second step a code was accepted for: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AdminSession(db.Model):  # type: ignore[name-defined,misc]
    """A logged-in browser: the cookie carries a random value, the row its SHA-256 (``id``)."""

    __tablename__ = "admin_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("moderators.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    moderator: Mapped[Moderator] = relationship()
