"""Mail recipients (one row per address, with its opt-in state), reply subscriptions and the mail outbox."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from moderation.extensions import db
from moderation.types import JSONDocument, UTCDateTime, enum_column, utcnow


class MailKind(enum.StrEnum):
    #: The double opt-in: "confirm that you want reply notifications".
    CONFIRM = "confirm"
    #: A reply to a comment the recipient subscribed to was published.
    REPLY = "reply"
    #: A moderator decided on the recipient's comment (statement of reasons when it was rejected).
    DECISION = "decision"
    #: Moderators: the queue has waited longer than it should.
    DIGEST = "digest"


class MailStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    #: Gave up: a permanent SMTP refusal or too many attempts; kept for inspection until the retention ends.
    FAILED = "failed"
    #: Not sent because the recipient unsubscribed or erased their data after it was queued.
    DROPPED = "dropped"


class MailRecipient(db.Model):  # type: ignore[name-defined,misc]
    """An e-mail address a reader gave. Reply notices go only to ``confirmed_at`` addresses (double opt-in); no mail
    at all goes to an address that unsubscribed (until it opts in again and confirms)."""

    __tablename__ = "mail_recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased, so one person's spellings of an address share one opt-in state.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: Random, in every link of every mail to this address: confirms and unsubscribes without a login.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(8), default="de")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the last confirmation mail was queued: at most one a day, so nobody can flood a stranger's inbox.
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReplySubscription(db.Model):  # type: ignore[name-defined,misc]
    """The recipient wants to hear of published replies to this comment."""

    __tablename__ = "reply_subscriptions"
    __table_args__ = (UniqueConstraint("recipient_id", "comment_id", name="uq_reply_subscriptions_recipient_comment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("mail_recipients.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailMessage(db.Model):  # type: ignore[name-defined,misc]
    """One mail to send: what it is about (``kind`` and ``context``, ids only), rendered when the worker sends it,
    so a request never waits for templates or SMTP."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MailKind] = mapped_column(enum_column(MailKind))
    #: None for a digest (it goes to ``KOMMENTARE_MAIL_DIGEST_TO``).
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("mail_recipients.id", ondelete="CASCADE"), index=True)
    #: The comment it is about (the reply, the decided comment, the one subscribed to); None for a digest.
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8), default="de")
    #: Ids and figures the template needs (comment ids, counts); never a body or an address.
    context: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    status: Mapped[MailStatus] = mapped_column(enum_column(MailStatus), default=MailStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
