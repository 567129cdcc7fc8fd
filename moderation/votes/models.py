"""Readers' votes: one row per comment and voter, the counts kept on the comment for the public tree."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from moderation.extensions import db
from moderation.types import UTCDateTime, utcnow


class Vote(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "votes"
    __table_args__ = {"sqlite_with_rowid": False}

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    #: ``reader:<id>`` for a signed-in reader, else an HMAC of the client's address (see ``service.voter_key``).
    voter_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(SmallInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
