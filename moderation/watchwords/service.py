"""Watched words: the effective list (shipped entries overlaid by moderators' changes), edits, and the per-process
compiled cache the submission pipeline reads.

Edits commit with an audit entry; every process notices them within ``KOMMENTARE_WATCHWORDS_REFRESH_SECONDS`` (one
cheap query for the overlay's row count and newest change), the process that made the edit at once.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.errors import InvalidInput, NotFound
from moderation.types import utcnow
from moderation.watchwords.models import WatchedWord
from moderation.watchwords.wordlist import (
    Category,
    Entry,
    Mode,
    ShippedList,
    Source,
    WatchAction,
    Wordlist,
    check_entry,
)


class WatchwordNotFound(NotFound):
    slug = "watchword-not-found"
    title = "Watched word not found"


@dataclass(frozen=True)
class WordInput:
    language: str
    phrase: str
    action: WatchAction
    category: Category = Category.OTHER
    mode: Mode = Mode.ENFORCE
    note: str = ""


def effective_list(session: Session, shipped: ShippedList) -> Wordlist:
    """Shipped entries, minus those moderators removed or changed, plus moderators' own; compiled."""
    rows = list(session.scalars(select(WatchedWord).order_by(WatchedWord.language, WatchedWord.phrase)))
    overlaid = {(row.language, row.phrase) for row in rows}
    entries = [entry for entry in shipped.entries if entry.key not in overlaid]
    entries += [_entry(row) for row in rows if row.removed_at is None]
    digest = hashlib.sha256(repr([_signature(row) for row in rows]).encode()).hexdigest()[:8]
    version = f"watchwords@{shipped.version}" + (f"+{digest}" if rows else "")
    return Wordlist.compile(tuple(entries), version, shipped.allow)


def _entry(row: WatchedWord) -> Entry:
    return Entry(row.language, row.phrase, row.action, row.category, row.mode, Source.MODERATOR, row.note)


def _signature(row: WatchedWord) -> tuple[object, ...]:
    return (row.language, row.phrase, row.action.value, row.category.value, row.mode.value, row.removed_at is None)


@dataclass(frozen=True)
class WordlistPage:
    version: str
    words: list[Entry]


def list_words(*, session: Session, cache: WordlistCache, language: str | None) -> WordlistPage:
    """The effective list as the pipeline runs it now, optionally one language."""
    wordlist = effective_list(session, cache.shipped)
    words = sorted((e for e in wordlist.entries if language in (None, e.language)), key=lambda e: e.key)
    return WordlistPage(wordlist.version, words)


def add_word(*, session: Session, cache: WordlistCache, word: WordInput, actor: str) -> Entry:
    """Add an entry, or change the one of the same language and phrase (shipped or added); audited, commits."""
    phrase = _checked(word.language, word.phrase)
    row = session.scalar(select(WatchedWord).where(WatchedWord.language == word.language, WatchedWord.phrase == phrase))
    changed = row is not None and row.removed_at is None
    if row is None:
        row = WatchedWord(language=word.language, phrase=phrase)
        session.add(row)
    row.action, row.category, row.mode, row.note = word.action, word.category, word.mode, word.note
    row.updated_by, row.removed_at = actor, None
    details = {"language": word.language, "phrase": phrase, "action": word.action.value, "mode": word.mode.value}
    action = AuditAction.WATCHWORD_CHANGED if changed else AuditAction.WATCHWORD_ADDED
    record_action(session, actor=actor, action=action, details={**details, "category": word.category.value})
    session.commit()
    cache.invalidate()
    return _entry(row)


def remove_word(*, session: Session, cache: WordlistCache, language: str, phrase: str, actor: str) -> None:
    """Remove an entry (a shipped one stays removed across list updates); audited, commits."""
    phrase, shipped = _checked(language, phrase), cache.shipped
    row = session.scalar(select(WatchedWord).where(WatchedWord.language == language, WatchedWord.phrase == phrase))
    shipped_entry = next((e for e in shipped.entries if e.key == (language, phrase)), None)
    if (row is None or row.removed_at is not None) and (shipped_entry is None or row is not None):
        raise WatchwordNotFound(f"No watched word '{phrase}' ({language}).")
    if row is None:
        assert shipped_entry is not None
        row = WatchedWord(
            language=language, phrase=phrase, action=shipped_entry.action, category=shipped_entry.category
        )
        session.add(row)
    row.removed_at, row.updated_by = utcnow(), actor
    record_action(
        session, actor=actor, action=AuditAction.WATCHWORD_REMOVED, details={"language": language, "phrase": phrase}
    )
    session.commit()
    cache.invalidate()


def _checked(language: str, phrase: str) -> str:
    try:
        cleaned, _ = check_entry(language=language, phrase=phrase)
    except ValueError as exc:
        raise InvalidInput("Invalid watched word.", errors={"phrase": [str(exc)]}) from exc
    return cleaned


class WordlistCache:
    """The compiled effective list of this process, rebuilt when the overlay changed (checked every
    ``refresh_seconds``); thread-safe. A failed refresh keeps the last good list, or raises if there is none."""

    def __init__(self, shipped: ShippedList, *, refresh_seconds: float) -> None:
        self.shipped = shipped
        self.refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._wordlist: Wordlist | None = None
        self._signature: tuple[int, object] | None = None
        self._checked_at = 0.0

    def current(self, session: Session) -> Wordlist:
        with self._lock:
            if self._wordlist is not None and time.monotonic() - self._checked_at < self.refresh_seconds:
                return self._wordlist
            count, newest = session.execute(select(func.count(), func.max(WatchedWord.updated_at))).one()
            signature = (int(count), newest)
            if self._wordlist is None or signature != self._signature:
                self._wordlist = effective_list(session, self.shipped)
                self._signature = signature
            self._checked_at = time.monotonic()
            return self._wordlist

    def invalidate(self) -> None:
        """This process changed the list: the next submission reads it again."""
        with self._lock:
            self._checked_at = 0.0
            self._signature = None
