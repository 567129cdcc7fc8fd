"""Readers known through the newsroom's single sign-on: one row per ``sub`` of the newsroom's tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from moderation.extensions import db
from moderation.types import UTCDateTime, utcnow


class Reader(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "readers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The newsroom's own, stable account id (the token's ``sub``): what bans, trust and votes will key on.
    sub: Mapped[str] = mapped_column(String(255), unique=True)
    #: The display name from the newsroom's last token (shown with the reader's comments).
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
