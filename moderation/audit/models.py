"""Append-only audit log: every automatic and human decision, with who, what and why."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from moderation.extensions import db
from moderation.types import JSONDocument, UTCDateTime, utcnow


class AuditAction(enum.StrEnum):
    """Every action the log records; the values are what ``audit_log.action`` stores and the API shows."""

    COMMENT_CREATED = "comment.created"
    COMMENT_RESCORED = "comment.rescored"
    COMMENT_REPORTED = "comment.reported"
    COMMENT_HELD = "comment.held"
    COMMENT_APPROVED = "comment.approved"
    COMMENT_REJECTED = "comment.rejected"
    COMMENT_EDITED = "comment.edited"
    COMMENT_DELETED = "comment.deleted"
    COMMENT_APPEALED = "comment.appealed"
    BAN_CREATED = "ban.created"
    BAN_LIFTED = "ban.lifted"
    CAMPAIGN_DETECTED = "campaign.detected"
    CAMPAIGN_GROWN = "campaign.grown"
    CAMPAIGN_APPROVED = "campaign.approved"
    CAMPAIGN_REJECTED = "campaign.rejected"
    ARTICLE_REGISTERED = "article.registered"
    ARTICLE_UPDATED = "article.updated"
    ARTICLE_THRESHOLDS_CHANGED = "article.thresholds_changed"
    ARTICLE_SURGE_STARTED = "article.surge_started"
    ARTICLE_SURGE_ENDED = "article.surge_ended"
    WEBHOOK_CREATED = "webhook.created"
    WEBHOOK_DISABLED = "webhook.disabled"
    WEBHOOK_AUTO_DISABLED = "webhook.auto_disabled"
    WEBHOOK_ENABLED = "webhook.enabled"
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated"
    WEBHOOK_REDELIVERED = "webhook.redelivered"
    PRIVACY_EXPORTED = "privacy.exported"
    PRIVACY_ERASED = "privacy.erased"
    PRIVACY_HOLD_PLACED = "privacy.hold_placed"
    PRIVACY_HOLD_LIFTED = "privacy.hold_lifted"
    PRIVACY_RETENTION = "privacy.retention"
    ARCHIVE_IMPORTED = "archive.imported"
    ARCHIVE_EXPORTED = "archive.exported"
    WATCHWORD_ADDED = "watchword.added"
    WATCHWORD_CHANGED = "watchword.changed"
    WATCHWORD_REMOVED = "watchword.removed"
    MODEL_ACTIVATED = "model.activated"
    MODEL_ROLLED_BACK = "model.rolled_back"
    MODERATOR_CREATED = "moderator.created"
    MODERATOR_REVOKED = "moderator.revoked"
    MODERATOR_PASSWORD_SET = "moderator.password_set"
    MODERATOR_TOTP_ENABLED = "moderator.totp_enabled"
    MODERATOR_TOTP_DISABLED = "moderator.totp_disabled"
    LOGGED_IN = "moderator.logged_in"
    LOGGED_OUT = "moderator.logged_out"
    LOGIN_FAILED = "moderator.login_failed"


class AuditEntry(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"), index=True)
    article_id: Mapped[str | None] = mapped_column(String(128), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
