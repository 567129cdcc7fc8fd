"""Articles: the pages comments hang under, registered by the newsroom's CMS."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from moderation.extensions import db
from moderation.types import JSONDocument, UTCDateTime, enum_column, utcnow


class ModerationMode(enum.StrEnum):
    """``post``: publish what passes; ``pre``: hold everything for a moderator first."""

    POST = "post"
    PRE = "pre"


class GuestMode(enum.StrEnum):
    """Who may comment without the newsroom's login: ``allowed`` (as signed-in readers), ``premoderated`` (held
    for a moderator first) or ``off`` (signed-in readers only)."""

    ALLOWED = "allowed"
    PREMODERATED = "premoderated"
    OFF = "off"


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
    #: Guests on this story; None follows the site's ``KOMMENTARE_GUESTS``.
    guests: Mapped[GuestMode | None] = mapped_column(enum_column(GuestMode))
    #: Surge mode until then: new readers are pre-moderated on this story (started by a burst of new accounts or a
    #: moderator, ended by a moderator or by time).
    surge_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Per-label threshold overrides for this story (``{"toxicity": {"hold": 0.3}}``), laid over the settings.
    thresholds: Mapped[dict[str, dict[str, float]] | None] = mapped_column(JSONDocument)
    #: Published comments of the story, kept by ``comments.counters`` (the thread page's total, the count API).
    published_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def guest_mode(self, site_default: GuestMode) -> GuestMode:
        return self.guests or site_default

    def in_surge(self, now: datetime) -> bool:
        return self.surge_until is not None and now < self.surge_until

    def closed_by_age(self, *, auto_close_days: int, now: datetime) -> bool:
        return auto_close_days > 0 and now >= self.created_at + timedelta(days=auto_close_days)

    def accepting_comments(self, *, auto_close_days: int, now: datetime) -> bool:
        return self.comments_open and not self.closed_by_age(auto_close_days=auto_close_days, now=now)
