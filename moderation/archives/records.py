"""What every archive format is parsed into: frozen records the import use case stores, whatever the source.

The parsers (``disqus``, ``wxr``, ``native``) are pure functions from a file to an ``Archive``; only ``service``
touches the database.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moderation.articles.models import GuestMode, ModerationMode
from moderation.comments.models import CommentStatus, ImportSource


class ArchiveFormat(enum.StrEnum):
    """The ``--format`` of ``flask archives import``."""

    DISQUS = "disqus"
    WXR = "wxr"
    KOMMENTARE = "kommentare"


class ArchiveError(ValueError):
    """The file is not a readable archive of its format; the message names the line or element."""


@dataclass(frozen=True)
class Ref:
    """A comment as its source system names it: the pair stored in ``comments.import_source``/``import_key``."""

    source: ImportSource
    key: str


@dataclass(frozen=True)
class ArticleRecord:
    id: str
    url: str | None = None
    title: str | None = None
    comments_open: bool = True
    moderation_mode: ModerationMode = ModerationMode.POST
    guests: GuestMode | None = None
    surge_until: datetime | None = None
    thresholds: dict[str, dict[str, float]] | None = None
    #: None: the time of the import.
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ReaderRecord:
    """A reader known through the newsroom's single sign-on (Kommentare archives only)."""

    sub: str
    name: str
    email: str | None
    created_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class Decision:
    """Everything a Kommentare archive stores about a comment's moderation, restored as it was (no ``imported``
    reason is added: the decision was made by a Kommentare pipeline or moderator, and says so)."""

    reasons: list[dict[str, Any]] = field(default_factory=list)
    toxicity_scores: dict[str, float] | None = None
    rule_hits: list[dict[str, Any]] = field(default_factory=list)
    model_id: str | None = None
    ruleset_version: str | None = None
    wordlist_version: str | None = None
    thresholds: dict[str, dict[str, float]] | None = None
    needs_rescore: bool = False
    flagged: bool = False
    language: str | None = None
    moderated_at: datetime | None = None
    moderated_by: str | None = None
    appealed_at: datetime | None = None
    appeal_note: str | None = None
    appeal_excluded: str | None = None
    edited_at: datetime | None = None
    up: int = 0
    down: int = 0
    rank: int = 0


@dataclass(frozen=True)
class CommentRecord:
    ref: Ref
    article_id: str
    #: The comment replied to, in the same file or imported before; None for a top-level comment.
    parent: Ref | None
    author_name: str
    email: str | None
    body: str
    status: CommentStatus
    created_at: datetime
    #: Where it is in the file, for messages ("line 12" in XML, "comments[3]" in JSON).
    where: str = ""
    #: Kommentare archives: the stored decision; None for other systems (the status alone is taken over).
    decision: Decision | None = None
    #: Kommentare archives: the ``sub`` of the signed-in reader who wrote it.
    reader_sub: str | None = None


@dataclass(frozen=True)
class Archive:
    format: ArchiveFormat
    articles: tuple[ArticleRecord, ...]
    comments: tuple[CommentRecord, ...]
    readers: tuple[ReaderRecord, ...] = ()
    #: Comments the file holds that are not comments to import (pingbacks, trackbacks), counted in the report.
    ignored: int = 0
