"""Transactional outbox and webhook delivery bookkeeping.

Events are rows written in the same transaction as the change they describe, with one delivery row per
subscribed endpoint; the worker only ever reads these tables, so a crash or a dead receiver loses nothing.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moderation.extensions import db
from moderation.types import JSONDocument, UTCDateTime, enum_column, utcnow


class EventType(enum.StrEnum):
    """Every event a webhook can subscribe to; ``docs/webhooks/events.schema.json`` documents each one's payload."""

    CREATED = "comment.created"
    PUBLISHED = "comment.published"
    HELD = "comment.held"
    REJECTED = "comment.rejected"
    REPORTED = "comment.reported"
    MODERATED = "comment.moderated"
    EDITED = "comment.edited"
    DELETED = "comment.deleted"
    VOTED = "comment.voted"
    BAN_CREATED = "ban.created"
    BAN_LIFTED = "ban.lifted"
    CAMPAIGN_DETECTED = "campaign.detected"
    CAMPAIGN_DECIDED = "campaign.decided"


class DisabledReason(enum.StrEnum):
    """Why an endpoint receives nothing: an admin turned it off, or it kept failing."""

    ADMIN = "admin"
    FAILURES = "failures"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookEndpoint(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    secret: Mapped[str] = mapped_column(String(200))
    event_types: Mapped[list[str]] = mapped_column(JSONDocument)
    description: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Failed attempts in a row, any delivery (a success resets it); at KOMMENTARE_WEBHOOK_DISABLE_AFTER_FAILURES
    #: the endpoint is disabled. Its pending deliveries wait, they are not dropped.
    consecutive_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    disabled_reason: Mapped[DisabledReason | None] = mapped_column(enum_column(DisabledReason))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The secret before the last rotation: it signs beside the new one until ``previous_secret_until``.
    previous_secret: Mapped[str | None] = mapped_column(String(200))
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def signing_secrets(self, now: datetime) -> list[str]:
        """The secrets a delivery is signed with now: the current one, and during an overlap the previous one."""
        overlapping = self.previous_secret and self.previous_secret_until and now < self.previous_secret_until
        return [self.secret, self.previous_secret] if overlapping and self.previous_secret else [self.secret]


class OutboxEvent(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "outbox_events"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("outbox_events.id", ondelete="CASCADE"), index=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    event: Mapped[OutboxEvent] = relationship()
    endpoint: Mapped[WebhookEndpoint] = relationship()


class DeliveryAttempt(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int]
    response_excerpt: Mapped[str | None] = mapped_column(String(500))
