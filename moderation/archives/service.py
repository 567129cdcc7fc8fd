"""Importing an archive: articles and readers first, then comments in chunks, each chunk one short transaction.

Re-runs are no-ops: a comment whose source and key (``comments.import_source``/``import_key``, unique together) is
stored already is skipped, so a run that crashed continues where its last committed chunk ended. Imported comments
are indexed for campaign detection but fire no webhooks (receivers would take history for new comments); the run
is audited once, with its counts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.archives.disqus import parse_disqus
from moderation.archives.native import instance_id, parse_native
from moderation.archives.placing import Placed, insertion_order
from moderation.archives.records import Archive, ArchiveError, ArchiveFormat, ArticleRecord, CommentRecord, Ref
from moderation.archives.rows import new_row, screen_row
from moderation.archives.wxr import parse_wxr
from moderation.articles.models import ARTICLE_ID_PATTERN, Article
from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.campaigns.detection import CampaignConfig
from moderation.campaigns.indexing import index_comment
from moderation.comments.models import Comment, CommentStatus, ImportSource
from moderation.readers.models import Reader
from moderation.submission.runtime import SubmissionRuntime, wordlist_for
from moderation.thresholds import merge
from moderation.verdicts import Verdict
from moderation.writes import serialized_writes

PARSERS = {ArchiveFormat.DISQUS: parse_disqus, ArchiveFormat.WXR: parse_wxr, ArchiveFormat.KOMMENTARE: parse_native}
CHUNK = 500
COUNTS = ("created", "skipped", "articles_created", "readers_created", "orphaned", "held", "unindexed", "ignored")


def read_archive(stream: BinaryIO, archive_format: ArchiveFormat) -> Archive:
    return PARSERS[archive_format](stream)


@dataclass(frozen=True)
class ImportSettings:
    campaigns: CampaignConfig
    secret: str
    #: Run published imports through the pipeline (``--screen``); None keeps the archive's statuses.
    screen_with: SubmissionRuntime | None = None
    chunk: int = CHUNK


@dataclass
class _Run:
    """One run's state: where every comment of the file (or its parent) went, and the counts."""

    known: dict[Ref, Placed] = field(default_factory=dict)
    readers: dict[str, int] = field(default_factory=dict)
    articles: dict[str, Article] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)


def import_archive(*, session: Session, archive: Archive, settings: ImportSettings, actor: str) -> dict[str, int]:
    """Store what is new in ``archive``; commits every ``settings.chunk`` comments. Returns the counts: created,
    skipped (imported before), articles_created, readers_created, orphaned (parent in neither the file nor the
    database: stored top-level), held (by ``--screen``), unindexed (campaign indexing failed), ignored."""
    order = insertion_order(archive.comments)
    run = _Run()
    run.counts["ignored"] = archive.ignored
    with serialized_writes(session):
        _ensure_articles(session, run, archive.articles, {c.article_id for c in order})
        _ensure_readers(session, run, archive)
        session.commit()
    instance = instance_id(settings.secret)
    for start in range(0, len(order), settings.chunk):
        _import_chunk(session, run, order[start : start + settings.chunk], settings, instance)
    counts = {name: run.counts[name] for name in COUNTS}
    with serialized_writes(session):
        details = {"format": archive.format.value, "screened": settings.screen_with is not None, **counts}
        record_action(session, actor=actor, action=AuditAction.ARCHIVE_IMPORTED, details=details)
        session.commit()
    return counts


def _ensure_articles(session: Session, run: _Run, records: Iterable[ArticleRecord], needed: set[str]) -> None:
    """Create the file's articles that are not registered yet (registered ones are left as they are)."""
    for record in records:
        article = run.articles.get(record.id) or session.get(Article, record.id)
        if article is None:
            article = _article(record)
            session.add(article)
            run.counts["articles_created"] += 1
        run.articles[record.id] = article
    for article_id in needed - set(run.articles):
        article = session.get(Article, article_id)
        if article is None:
            raise ArchiveError(f"comments on article {article_id!r}, which neither the file nor the database holds")
        run.articles[article_id] = article


def _article(record: ArticleRecord) -> Article:
    """A new article as the file has it; without times in the file, created now."""
    if not re.fullmatch(ARTICLE_ID_PATTERN, record.id):
        raise ArchiveError(f"article id {record.id!r} is not a valid article id")
    return Article(**{k: v for k, v in vars(record).items() if v is not None or k not in ("created_at", "updated_at")})


def _ensure_readers(session: Session, run: _Run, archive: Archive) -> None:
    """Readers by ``sub``: registered ones are linked as they are, the file's others created; a comment naming a
    reader that is neither is stored as a guest's."""
    for record in archive.readers:
        reader = session.scalar(select(Reader).where(Reader.sub == record.sub))
        if reader is None:
            reader = Reader(**vars(record))
            session.add(reader)
            session.flush()
            run.counts["readers_created"] += 1
        run.readers[record.sub] = reader.id
    named = {c.reader_sub for c in archive.comments if c.reader_sub} - set(run.readers)
    for reader in session.scalars(select(Reader).where(Reader.sub.in_(named))) if named else ():
        run.readers[reader.sub] = reader.id


def _import_chunk(
    session: Session, run: _Run, chunk: list[CommentRecord], settings: ImportSettings, instance: str
) -> None:
    """One transaction: look up what is stored already, decide (``--screen``) outside the write lock, then insert."""
    wanted = ({c.ref for c in chunk} | {c.parent for c in chunk if c.parent is not None}) - set(run.known)
    run.known.update(_stored(session, wanted, instance))
    new = [c for c in chunk if c.ref not in run.known]
    run.counts["skipped"] += len(chunk) - len(new)
    verdicts = _verdicts(session, run, new, settings.screen_with)
    with serialized_writes(session):
        for record in new:
            _insert(session, run, record, verdicts.get(record.ref), settings.campaigns)
        session.commit()


def _stored(session: Session, refs: set[Ref], instance: str) -> dict[Ref, Placed]:
    """The comments among ``refs`` stored already: imported ones by source and key, and this installation's own
    (``kommentare``/``<instance>:<id>``, an archive of this database imported back) by id."""
    found: dict[Ref, Placed] = {}
    for source in {ref.source for ref in refs}:
        keys = [ref.key for ref in refs if ref.source is source]
        query = select(Comment).where(Comment.import_source == source, Comment.import_key.in_(keys))
        found.update({Ref(source, str(c.import_key)): _placed(c) for c in session.scalars(query)})
    own = {int(ref.key.partition(":")[2]): ref for ref in refs if _own(ref, instance) and ref not in found}
    for comment in session.scalars(select(Comment).where(Comment.id.in_(own))) if own else ():
        found[own[comment.id]] = _placed(comment)
    return found


def _placed(comment: Comment) -> Placed:
    return Placed(comment.id, comment.article_id, comment.thread_id, comment.depth)


def _own(ref: Ref, instance: str) -> bool:
    prefix, _, number = ref.key.partition(":")
    return ref.source is ImportSource.KOMMENTARE and prefix == instance and number.isdigit()


def _verdicts(
    session: Session, run: _Run, new: list[CommentRecord], runtime: SubmissionRuntime | None
) -> dict[Ref, Verdict]:
    """The pipeline's verdicts on the published ones among ``new`` (``--screen``), the way the re-score job asks."""
    if runtime is None:
        return {}
    wordlist = wordlist_for(session, runtime)  # before any write: a failed read ends only reads
    policy = runtime.policy
    return {
        record.ref: runtime.pipeline.moderate(
            record.body,
            thresholds=merge(policy.thresholds, run.articles[record.article_id].thresholds),
            timeout=policy.rescore_timeout_seconds,
            wordlist=wordlist,
        )
        for record in new
        if record.status is CommentStatus.PUBLISHED and record.body
    }


def _insert(
    session: Session, run: _Run, record: CommentRecord, verdict: Verdict | None, campaigns: CampaignConfig
) -> None:
    parent = run.known.get(record.parent) if record.parent is not None else None
    if record.parent is not None and (parent is None or parent.article_id != record.article_id):
        parent = None
        run.counts["orphaned"] += 1
    reader_id = run.readers.get(record.reader_sub) if record.reader_sub else None
    comment = new_row(record, parent=parent, reader_id=reader_id)
    if verdict is not None:
        run.counts["held"] += screen_row(comment, verdict)
    session.add(comment)
    session.flush()
    account = f"sso:{record.reader_sub}" if reader_id is not None else comment.email
    if not index_comment(session=session, config=campaigns, comment=comment, account=account):
        run.counts["unindexed"] += 1
    run.known[record.ref] = _placed(comment)
    run.counts["created"] += 1
