"""Reader reports against published comments."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from moderation.extensions import db
from moderation.types import UTCDateTime, enum_column, utcnow


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"
    HATE = "hate"
    DISINFORMATION = "disinformation"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


class ReportResolution(enum.StrEnum):
    """What a moderator's decision on the comment meant for its open reports."""

    DISMISSED = "dismissed"  # the comment was approved
    UPHELD = "upheld"  # the comment was rejected


class Report(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("comment_id", "reporter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    reason: Mapped[ReportReason] = mapped_column(enum_column(ReportReason))
    text: Mapped[str | None] = mapped_column(String(1000))
    #: Who reported: ``reader:<id>`` for a signed-in reader, else an HMAC of the client address (no address is
    #: stored); one report per reporter and comment counts.
    reporter_key: Mapped[str | None] = mapped_column(String(64), index=True)
    #: What this report counted for: the reporter's accuracy when they reported (1.0 for a new reporter).
    weight: Mapped[float] = mapped_column(default=1.0, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when a moderator decides on the comment; open reports are those with no resolution yet.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[ReportResolution | None] = mapped_column(enum_column(ReportResolution))
