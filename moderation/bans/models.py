"""Bans and suspensions: who may not post, until when, and why (a suspension is a ban with an end)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from moderation.extensions import db
from moderation.types import UTCDateTime, utcnow


class Ban(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "bans"
    __table_args__ = (Index("ix_bans_subject_lifted", "subject", "lifted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``reader:<id>`` for a signed-in reader, ``guest:<account key>`` (HMAC of e-mail address, else name) for a guest.
    subject: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    #: None: until lifted. Otherwise a suspension that ends by itself.
    until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by: Mapped[str | None] = mapped_column(String(100))

    def active(self, now: datetime) -> bool:
        return self.lifted_at is None and (self.until is None or self.until > now)
