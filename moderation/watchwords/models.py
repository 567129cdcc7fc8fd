"""Moderators' changes to the watched words, laid over the shipped list.

One row per (language, phrase): an entry a moderator added, or a shipped entry a moderator changed or removed
(``removed_at`` set: it stays removed when a newer shipped list still carries it). The shipped list itself lives
in ``lists/default.toml``, versioned with the code; the effective list is the two together.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from moderation.extensions import db
from moderation.types import UTCDateTime, enum_column, utcnow
from moderation.watchwords.wordlist import Category, Mode, WatchAction


class WatchedWord(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "watched_words"
    __table_args__ = (UniqueConstraint("language", "phrase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8))
    phrase: Mapped[str] = mapped_column(String(200))
    action: Mapped[WatchAction] = mapped_column(enum_column(WatchAction))
    category: Mapped[Category] = mapped_column(enum_column(Category))
    mode: Mapped[Mode] = mapped_column(enum_column(Mode), default=Mode.ENFORCE)
    note: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))
    #: Set when a moderator removed the entry (shipped or added); a later add clears it.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
