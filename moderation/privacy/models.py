"""Legal holds: an article or a reader whose data must be kept (a court case, an authority's request), whatever
erasure requests and retention periods say."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from moderation.extensions import db
from moderation.types import UTCDateTime, utcnow


class LegalHold(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Exactly one of the two: a story, or a reader (``reader:<id>``) or guest (``guest:<account key>``).
    article_id: Mapped[str | None] = mapped_column(String(128), index=True)
    subject: Mapped[str | None] = mapped_column(String(80), index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by: Mapped[str | None] = mapped_column(String(100))
