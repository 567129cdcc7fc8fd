"""Comments and the moderation decision stored with each one."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moderation.articles.models import Article
from moderation.extensions import db
from moderation.types import JSONDocument, UTCDateTime, enum_column, utcnow

#: Top-level comments (the partial indexes of the public tree).
TOP_LEVEL = text("parent_id IS NULL")
_COVER = ("status", "published_replies")


class CommentStatus(enum.StrEnum):
    PUBLISHED = "published"
    PENDING = "pending"
    REJECTED = "rejected"
    #: Deleted by its author: out of the public tree (a "[gelöscht]" placeholder where replies hang below it).
    DELETED = "deleted"


class ImportSource(enum.StrEnum):
    """The system an imported comment came from (``archives``); with its id there, what makes re-runs no-ops."""

    DISQUS = "disqus"
    WORDPRESS = "wordpress"
    #: Another Kommentare installation's (or this one's own) JSON export.
    KOMMENTARE = "kommentare"


class Comment(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_article_status_created", "article_id", "status", "created_at"),
        Index("ix_comments_status_created", "status", "created_at"),
        Index("ix_comments_needs_rescore", "needs_rescore", "id"),
        Index("ix_comments_status_flagged", "status", "flagged", "id"),
        Index("ix_comments_open_reports", "open_reports", "status"),
        Index("ix_comments_claimed_until", "claimed_until"),
        Index("ix_comments_article_rank", "article_id", "rank", "id"),
        # The public tree's top-level comments in each order, found without reading a story's replies: partial
        # (top-level rows only: replies cost them nothing) and covering (status and reply count inside, so the
        # page's ids come from an index-only scan; see ``threads.list_threads``).
        Index("ix_comments_roots", "article_id", "id", *_COVER, sqlite_where=TOP_LEVEL, postgresql_where=TOP_LEVEL),
        Index(
            "ix_comments_roots_rank",
            "article_id",
            "rank",
            "id",
            *_COVER,
            sqlite_where=TOP_LEVEL,
            postgresql_where=TOP_LEVEL,
        ),
        Index(
            "ix_comments_roots_replies",
            "article_id",
            "published_replies",
            "id",
            "status",
            sqlite_where=TOP_LEVEL,
            postgresql_where=TOP_LEVEL,
        ),
        Index("ix_comments_import", "import_source", "import_key", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    #: Id of the top-level comment of the thread (None for a top-level comment): one query loads a whole thread.
    thread_id: Mapped[int | None] = mapped_column(Integer, index=True)
    depth: Mapped[int] = mapped_column(default=0)
    author_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    #: ``active_history``: the old value is known when it changes (``counters.py`` counts what leaves published).
    status: Mapped[CommentStatus] = mapped_column(enum_column(CommentStatus), active_history=True)
    #: Why the status is what it is: [{"code": ..., "label"/"rule_id": ..., "message": ...}].
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)
    #: Detoxify probabilities per label, or None when the model did not score the comment.
    toxicity_scores: Mapped[dict[str, float] | None] = mapped_column(JSONDocument)
    #: Rule hits: [{"rule_id", "action", "start", "end", "match", "weight"}], offsets into ``body``.
    rule_hits: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)
    model_id: Mapped[str | None] = mapped_column(String(200))
    ruleset_version: Mapped[str | None] = mapped_column(String(100))
    #: The watched-words list (shipped version plus a digest of moderators' changes) the comment was judged with.
    wordlist_version: Mapped[str | None] = mapped_column(String(100))
    #: The thresholds the pipeline decided with, so a later threshold change does not rewrite history.
    thresholds: Mapped[dict[str, dict[str, float]] | None] = mapped_column(JSONDocument)
    open_reports: Mapped[int] = mapped_column(default=0)
    #: The open reports' weights summed (each reporter weighs by their past accuracy, see reports.service).
    report_weight: Mapped[float] = mapped_column(default=0.0, server_default="0")
    #: Held only because the model failed or missed its deadline; the re-score job picks these up.
    needs_rescore: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moderated_by: Mapped[str | None] = mapped_column(String(100))
    #: The author appealed the decision (DSA Art. 20): back in the queue, for another moderator than
    #: ``appeal_excluded`` (who made the decision appealed; None once decided again, or for an automated one).
    appealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appeal_note: Mapped[str | None] = mapped_column(String(1000))
    appeal_excluded: Mapped[str | None] = mapped_column(String(100))
    #: The campaign (same text, URL or burst across accounts) this comment belongs to; moderators decide in bulk.
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    #: Published with a flag (a weak narrative, a quoted one): a moderator should look; cleared by a decision.
    flagged: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: ``moderation.language.guess_language`` of the body (de, en, ru, uk, und), for the queue's filter.
    language: Mapped[str | None] = mapped_column(String(8))
    #: The reason codes of ``reasons``, space-separated with a space at both ends (" rule toxicity "), so the
    #: queue filters by reason with a plain LIKE on SQLite and PostgreSQL alike.
    reason_codes: Mapped[str] = mapped_column(String(300), default=" ", server_default=" ")
    #: A soft claim: the moderator looking at this comment now, shown to the others until ``claimed_until``.
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The newsroom reader (single sign-on) who wrote it; None for a guest.
    reader_id: Mapped[int | None] = mapped_column(ForeignKey("readers.id", ondelete="SET NULL"), index=True)
    #: When its author last edited or deleted it (the versions before are in ``comment_versions``).
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Readers' votes (``votes`` feature), and the Wilson lower bound of their up share in millionths (sort=top).
    up: Mapped[int] = mapped_column(default=0, server_default="0")
    down: Mapped[int] = mapped_column(default=0, server_default="0")
    rank: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Top-level comments: the published comments of their thread (``counters.py`` keeps it), so a page of the
    #: public tree never counts a story's replies.
    published_replies: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Where an imported comment came from and its id there (``archives``); both None for comments posted here.
    import_source: Mapped[ImportSource | None] = mapped_column(enum_column(ImportSource))
    import_key: Mapped[str | None] = mapped_column(String(255))

    article: Mapped[Article] = relationship()


class CommentVersion(db.Model):  # type: ignore[name-defined,misc]
    """A text a comment had before its author edited or deleted it, with the decision it had then."""

    __tablename__ = "comment_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[CommentStatus] = mapped_column(enum_column(CommentStatus))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)
    rule_hits: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)
    #: When this text was replaced.
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
