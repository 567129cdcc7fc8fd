"""Campaigns and the shared near-copy index, kept in the database so every worker process and host sees one index.

The index rows are written in the same transaction as the comment they describe: a comment exists exactly when
its fingerprint does, and a rolled-back submission leaves nothing behind.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from moderation.extensions import db
from moderation.types import UTCDateTime, enum_column, utcnow


class CampaignKind(enum.StrEnum):
    """Which signal found the campaign (named like the rule ids ``campaign.<kind>``)."""

    COPY_PASTE = "copy_paste"
    REJECTED_COPY = "rejected_copy"
    URL_PUSH = "url_push"
    NEW_ACCOUNT_BURST = "new_account_burst"

    @property
    def rule_id(self) -> str:
        """The id of the rule hit this signal adds to a comment (``campaign.<kind>``)."""
        return f"{RULE_ID_PREFIX}{self.value}"


RULE_ID_PREFIX = "campaign."


class CampaignStatus(enum.StrEnum):
    """``open`` until moderators decide on all its comments at once."""

    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"


class Campaign(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[CampaignKind] = mapped_column(enum_column(CampaignKind))
    status: Mapped[CampaignStatus] = mapped_column(enum_column(CampaignStatus), default=CampaignStatus.OPEN)
    #: The article all its comments are on; None once it spans several articles (copy-paste across stories).
    article_id: Mapped[str | None] = mapped_column(String(128), index=True)
    #: What the members share, for the moderators' list: a text excerpt, the pushed URL or the article id.
    summary: Mapped[str] = mapped_column(String(500))
    comment_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))


class Fingerprint(db.Model):  # type: ignore[name-defined,misc]
    """One row per stored comment: who posted where and when, and the digest of its text if long enough."""

    __tablename__ = "campaign_fingerprints"
    __table_args__ = (
        Index("ix_campaign_fingerprints_account_created", "account_key", "created_at"),
        Index("ix_campaign_fingerprints_article_created", "article_id", "created_at"),
    )

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    article_id: Mapped[str] = mapped_column(String(128))
    #: HMAC-SHA256 (hex) of the casefolded e-mail address or author name; see ``accounts.py``.
    account_key: Mapped[str] = mapped_column(String(64))
    #: The account's first comment was within the campaign window when this one was posted.
    account_new: Mapped[bool] = mapped_column()
    #: 64-bit digest of the canonical text; None for texts too short to be fingerprinted.
    text_hash: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BandBucket(db.Model):  # type: ignore[name-defined,misc]
    """LSH buckets: comments sharing a band key are near-copy candidates. The primary key is the bucket-key index."""

    __tablename__ = "campaign_buckets"
    __table_args__ = {"sqlite_with_rowid": False}

    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )


class PushedUrl(db.Model):  # type: ignore[name-defined,misc]
    """Normalised links per comment, keyed for "the same URL from many new accounts"."""

    __tablename__ = "campaign_urls"
    __table_args__ = {"sqlite_with_rowid": False}

    url_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    url: Mapped[str] = mapped_column(String(2048))
