"""Synthetic comment index for ``campaigns.py``: realistic-looking texts, a few campaigns, bulk-loaded.

Texts are sentences of words drawn from a Zipf-distributed vocabulary (the German words of ``corpus.py`` plus
generated pseudo-words, so unrelated comments share common words but few 5-grams), some with stock phrases
("Danke für den Artikel") or links, from about 8 to 120 words. Every 100th stored comment is a near-copy (0-3
words changed, case and punctuation games) of one of ``n / 2000`` campaign templates, and every 1000th a copy of
template 0 (one big campaign: about 1,000 members at 1M). Comments span the last 90 days (the default rejected
window), from ``n / 5`` accounts on ``n / 50`` articles; 1% are rejected, a third of those by a moderator.

The index is built with the service's own fingerprint code (in a process pool) and the production schema
(``metadata.create_all``), then bulk-loaded: ``sqlite3.executemany`` into a scratch file, or ``COPY`` on
PostgreSQL.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

import corpus

from moderation.campaigns.minhash import fingerprint

VERSION = 1  # bump when texts or schema change: cached index files are then rebuilt
SPAN = timedelta(days=89)
STOCK_PHRASES = (
    "Danke für den Artikel.",
    "Das sehe ich genauso.",
    "Wer soll das bezahlen?",
    "So kann es nicht weitergehen.",
    "Typisch, mal wieder.",
    "Endlich sagt es mal jemand!",
    "Quelle?",
    "Da bin ich anderer Meinung.",
)
_SYLLABLES = "ba be bi bo bu da de di do du ge gi ha he hi ka ke ko la le li lo ma me mi mo na ne ni no ra re ri ro"
_SYLLABLES += " sa se si so ta te ti to wa we wi ber ter ung lich keit schaft heit ein aus auf vor zu an"


def vocabulary(rng: random.Random, size: int = 12_000) -> list[str]:
    real = sorted({w for w in " ".join((*corpus.SUBJECTS, *corpus.VERBS, *corpus.FILLERS)).split() if w.isalpha()})
    syllables = _SYLLABLES.split()
    words = list(real)
    while len(words) < size:
        words.append("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    rng.shuffle(words)
    return words


@dataclass
class TextGenerator:
    """Deterministic for a seed; ``templates`` are the campaign texts copies are made from."""

    seed: int
    templates: int

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.words = vocabulary(random.Random(1))  # one vocabulary for every generator
        self.weights = list(accumulate(1 / (rank + 1) for rank in range(len(self.words))))
        template_rng = random.Random(2)  # one set of templates for the index and its probes
        self.template_texts = [self.fresh(template_rng, minimum=25) for _ in range(self.templates)]

    def fresh(self, rng: random.Random | None = None, minimum: int = 8) -> str:
        rng = rng or self.rng
        count = max(minimum, min(120, int(rng.lognormvariate(3.2, 0.6))))
        words = rng.choices(self.words, cum_weights=self.weights, k=count)
        sentences, position = [], 0
        while position < count:
            length = rng.randint(6, 15)
            chunk = words[position : position + length]
            sentences.append(" ".join(chunk).capitalize() + rng.choice(".!?."))
            position += length
        if rng.random() < 0.25:
            sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(STOCK_PHRASES))
        if rng.random() < 0.05:
            sentences.append(f"https://www.example-{rng.randrange(500)}.de/artikel/{rng.randrange(10**6)}")
        return " ".join(sentences)

    def copy_of(self, template: int) -> str:
        words = self.template_texts[template].split()
        for _ in range(self.rng.randint(0, 3)):
            words[self.rng.randrange(len(words))] = self.rng.choices(self.words, cum_weights=self.weights)[0]
        text = " ".join(words)
        return text.upper() if self.rng.random() < 0.1 else text.replace(".", "!!") if self.rng.random() < 0.2 else text

    def stored(self, index: int) -> str:
        """Text of stored comment ``index`` (campaign copies interleaved with ordinary comments)."""
        if index % 1000 == 999:
            return self.copy_of(0)
        if index % 100 == 99:
            return self.copy_of(self.rng.randrange(self.templates))
        return self.fresh()


@dataclass(frozen=True)
class Row:
    """One stored comment with its index entries."""

    id: int
    article_id: str
    account: str
    created_at: datetime
    body: str
    status: str
    moderated_by: str | None
    digest: int | None
    keys: tuple[int, ...]


def fingerprint_texts(texts: list[str]) -> list[tuple[int | None, tuple[int, ...]]]:
    """Pool worker: the service's own fingerprint of each text."""
    out: list[tuple[int | None, tuple[int, ...]]] = []
    for text in texts:
        printed = fingerprint(text)
        out.append((printed.digest, printed.keys) if printed else (None, ()))
    return out


def account_of(index: int, accounts: int) -> str:
    return hashlib.sha256(f"bench-account-{index % accounts}".encode()).hexdigest()


def rows(n: int, start: datetime, pool_map: object, chunk: int = 20_000) -> Iterator[list[Row]]:
    """The ``n`` stored comments in chunks, fingerprinted through ``pool_map`` (``multiprocessing.Pool.map``)."""
    generator = TextGenerator(seed=3, templates=max(5, n // 2000))
    accounts, articles = max(10, n // 5), max(10, n // 50)
    for first in range(0, n, chunk):
        ids = range(first, min(n, first + chunk))
        texts = [generator.stored(i) for i in ids]
        parts = [texts[i : i + 1000] for i in range(0, len(texts), 1000)]
        prints = [p for part in pool_map(fingerprint_texts, parts) for p in part]  # type: ignore[operator]
        batch = []
        for i, text, (digest, keys) in zip(ids, texts, prints, strict=True):
            rejected = i % 100 == 42
            batch.append(
                Row(
                    id=i + 1,
                    article_id=f"artikel-{i % articles}",
                    account=account_of(i * 7919, accounts),
                    created_at=start + SPAN * (i / n),
                    body=text,
                    status="rejected" if rejected else "published",
                    moderated_by="mod" if rejected and i % 300 == 42 else None,
                    digest=digest,
                    keys=keys,
                )
            )
        yield batch


def sqlite_time(value: datetime) -> str:
    """SQLAlchemy's SQLite DATETIME storage format (``UTCDateTime`` stores naive UTC there)."""
    return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def comment_tuple(row: Row, *, sqlite: bool) -> tuple[object, ...]:
    created = sqlite_time(row.created_at) if sqlite else row.created_at.isoformat()
    return (row.id, row.article_id, 0, "Leser", row.body, row.status, "[]", "[]", 0, created, row.moderated_by)


COMMENT_COLUMNS = (
    "id, article_id, depth, author_name, body, status, reasons, rule_hits, open_reports, created_at, moderated_by"
)
FINGERPRINT_COLUMNS = "comment_id, article_id, account_key, account_new, text_hash, created_at"


def fingerprint_tuple(row: Row, *, sqlite: bool) -> tuple[object, ...]:
    created = sqlite_time(row.created_at) if sqlite else row.created_at.isoformat()
    return (row.id, row.article_id, row.account, False, row.digest, created)


def insert_sqlite(connection: Any, batch: list[Row]) -> None:
    """One chunk of rows into SQLite with ``sqlite3``: comments, fingerprints and band buckets, then commit."""
    marks = ", ".join("?" * 11)
    connection.executemany(
        f"INSERT INTO comments ({COMMENT_COLUMNS}) VALUES ({marks})", [comment_tuple(r, sqlite=True) for r in batch]
    )
    connection.executemany(
        f"INSERT INTO campaign_fingerprints ({FINGERPRINT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
        [fingerprint_tuple(r, sqlite=True) for r in batch],
    )
    buckets = sorted({(key, r.id) for r in batch for key in r.keys})
    connection.executemany("INSERT INTO campaign_buckets (band_key, comment_id) VALUES (?, ?)", buckets)
    connection.commit()
