"""Articles: the pages comments hang under, registered by the newsroom's CMS."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from moderation.extensions import db
from moderation.types import JSONDocument, UTCDateTime, enum_column, utcnow


class ModerationMode(enum.StrEnum):
    """``post``: publish what passes; ``pre``: hold everything for a moderator first."""

    POST = "post"
    PRE = "pre"


ARTICLE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"


class Article(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "articles"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    url: Mapped[str | None] = mapped_column(String(2048))
    title: Mapped[str | None] = mapped_column(String(500))
    comments_open: Mapped[bool] = mapped_column(default=True)
    moderation_mode: Mapped[ModerationMode] = mapped_column(
        enum_column(ModerationMode), default=ModerationMode.POST, server_default=ModerationMode.POST.value
    )
    #: Per-label threshold overrides for this story (``{"toxicity": {"hold": 0.3}}``), laid over the settings.
    thresholds: Mapped[dict[str, dict[str, float]] | None] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
