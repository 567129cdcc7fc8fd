"""Campaign detection cost per comment against indexes of 10k, 100k and 1M stored comments.

``python bench/campaigns.py [--quick] [--sizes 10000,100000,1000000] [--probes 2000] [--rebuild]``

For each size, a synthetic index (``campaign_corpus.py``) is built once into ``.bench/campaigns/index-N.db``
(reused while ``VERSION`` matches; ``--rebuild`` forces it), or into the PostgreSQL server at
``KOMMENTARE_BENCH_DATABASE_URL`` (an account that may create databases; one database per size). Then, on one
thread, for each probe comment (90% new unrelated texts, 10% near-copies of stored campaigns):

- ``fingerprint``: canonical text, shingles, MinHash, band keys (``minhash.fingerprint``);
- ``lookup``: LSH candidates from the band buckets plus exact Jaccard confirmation (``candidates.near_copies``);
- ``screen``: everything the submission path reads (``detection.screen``: the two above, the account's first
  comment, URL pushes, the article's burst);
- ``write``: the index rows one comment adds (fingerprint + 16 buckets), in a savepoint rolled back after.

Median and p99 in microseconds, per probe kind, with each size's ratio to the 10k baseline of the same run.
Results also go to ``.bench/campaigns.json``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import campaign_corpus as cc
import sqlalchemy as sa
from sqlalchemy.orm import Session

from moderation.campaigns.candidates import near_copies, stored_shingles
from moderation.campaigns.detection import CampaignConfig, Posting, screen
from moderation.campaigns.minhash import TextPrint, fingerprint
from moderation.campaigns.models import BandBucket, Fingerprint
from moderation.comments.models import Comment
from moderation.extensions import db
from moderation.readers import models as _readers  # noqa: F401 (registers the table comments.reader_id refers to)
from moderation.types import utcnow

SCRATCH = Path(__file__).resolve().parent.parent / ".bench"
TABLES = ("articles", "readers", "campaigns", "comments", "campaign_fingerprints", "campaign_buckets", "campaign_urls")
CONFIG = CampaignConfig(secret="bench")


def build(n: int, url: str, start: Any) -> float:
    """Create the schema and bulk-load ``n`` comments; returns seconds taken."""
    began = time.perf_counter()
    engine = sa.create_engine(url)
    db.metadata.drop_all(engine, tables=[db.metadata.tables[t] for t in reversed(TABLES)])
    db.metadata.create_all(engine, tables=[db.metadata.tables[t] for t in TABLES])
    engine.dispose()
    articles = [(f"artikel-{i}",) for i in range(max(10, n // 50))]
    with multiprocessing.Pool(os.cpu_count() or 1) as pool:
        load = _load_sqlite if url.startswith("sqlite") else _load_postgres
        load(url, articles, cc.rows(n, start, pool.map))
    return time.perf_counter() - began


def _load_sqlite(url: str, articles: list[tuple[str]], chunks: Any) -> None:
    connection = sqlite3.connect(sa.make_url(url).database or "")
    connection.execute("PRAGMA journal_mode=OFF")
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA cache_size=-1000000")
    now = cc.sqlite_time(utcnow())
    connection.executemany(
        "INSERT INTO articles (id, comments_open, created_at, updated_at) VALUES (?, 1, ?, ?)",
        [(a, now, now) for (a,) in articles],
    )
    for batch in chunks:
        cc.insert_sqlite(connection, batch)
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()


def _load_postgres(url: str, articles: list[tuple[str]], chunks: Any) -> None:
    import psycopg  # only needed for PostgreSQL runs

    plain = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as connection, connection.cursor() as cursor:
        with cursor.copy("COPY articles (id, comments_open, created_at, updated_at) FROM STDIN") as copy:
            now = utcnow().isoformat()
            for (article,) in articles:
                copy.write_row((article, True, now, now))
        for batch in chunks:
            with cursor.copy(f"COPY comments ({cc.COMMENT_COLUMNS}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(cc.comment_tuple(row, sqlite=False))
            with cursor.copy(f"COPY campaign_fingerprints ({cc.FINGERPRINT_COLUMNS}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(cc.fingerprint_tuple(row, sqlite=False))
            with cursor.copy("COPY campaign_buckets (band_key, comment_id) FROM STDIN") as copy:
                for bucket in sorted({(key, r.id) for r in batch for key in r.keys}):
                    copy.write_row(bucket)
            connection.commit()
        cursor.execute("SELECT setval('comments_id_seq', (SELECT max(id) FROM comments))")
        cursor.execute("ANALYZE")


def index_url(n: int, rebuild: bool) -> tuple[str, float | None]:
    """The index database for size ``n``, built if missing or stale; returns its URL and the build seconds."""
    server = os.environ.get("KOMMENTARE_BENCH_DATABASE_URL", "")
    start = utcnow() - cc.SPAN - timedelta(hours=1)
    if server:
        name = f"kommentare_bench_{n}_v{cc.VERSION}"
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if exists and rebuild:
                connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            if not exists or rebuild:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = sa.make_url(server).set(database=name).render_as_string(hide_password=False)
        return url, (build(n, url, start) if rebuild or not exists else None)
    path = SCRATCH / "campaigns" / f"index-{n}-v{cc.VERSION}.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and not rebuild:
        return f"sqlite:///{path}", None
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}", build(n, f"sqlite:///{path}", start)


def probes(n: int, count: int) -> list[tuple[str, str]]:
    """90% new unrelated comments, 10% near-copies of the index's campaign templates."""
    generator = cc.TextGenerator(seed=99, templates=max(5, n // 2000))
    return [
        ("near-copy", generator.copy_of(i % generator.templates)) if i % 10 == 9 else ("fresh", generator.fresh())
        for i in range(count)
    ]


@dataclass
class Stage:
    """Wall and CPU (this thread) microseconds of one stage over all probes of one kind."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def time(self, fn: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
        result = fn()
        self.cpu.append((time.thread_time_ns() - cpu) / 1000)
        self.wall.append((time.perf_counter_ns() - wall) / 1000)
        return result


STAGES = ("fingerprint", "lookup", "screen", "write")


def _engine(url: str) -> sa.Engine:
    """As the app connects: on SQLite with WAL, a busy timeout and foreign keys on (see ``app._sqlite_pragmas``)."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def pragmas(connection: Any, _record: Any) -> None:
            for pragma in ("foreign_keys=ON", "journal_mode=WAL", "busy_timeout=5000"):
                connection.execute(f"PRAGMA {pragma}")

    return engine


def measure(url: str, n: int, count: int, warmup: int = 100) -> dict[str, Any]:
    """Per probe kind: each stage's timings and the mean number of near-copies confirmed."""
    engine = _engine(url)
    stored_shingles.cache_clear()
    stages: dict[str, dict[str, Stage]] = {}
    copies: dict[str, list[int]] = {}
    with Session(engine) as session:
        for index, (kind, text) in enumerate(probes(n, count + warmup)):
            timed = stages.setdefault(kind if index >= warmup else "warm-up", {name: Stage() for name in STAGES})
            posting = Posting(article_id=f"artikel-{index % max(10, n // 50)}", body=text, author_name=f"p{index}")
            copies.setdefault(kind, []).append(_probe(session, timed, posting))
    engine.dispose()
    stages.pop("warm-up")
    return {"stages": stages, "copies": {kind: statistics.mean(found) for kind, found in copies.items()}}


def _probe(session: Session, stages: dict[str, Stage], posting: Posting) -> int:
    """Time each stage for one comment, in its own transaction like a request; returns the near-copies confirmed."""
    since = utcnow() - CONFIG.rejected_window
    printed = stages["fingerprint"].time(partial(fingerprint, posting.body))
    lookup = partial(near_copies, session, printed, similarity=CONFIG.similarity, since=since, limit=200)
    found = stages["lookup"].time(lookup)
    stages["screen"].time(partial(screen, session=session, config=CONFIG, posting=posting, now=utcnow()))
    comment_id = _spare_comment(session)
    stages["write"].time(partial(_write, session, comment_id, printed))
    session.rollback()  # nothing a probe writes stays, and every probe reads in a fresh transaction
    return len(found)


def _spare_comment(session: Session) -> int:
    """A comment to hang the probe's index rows on (rolled back with them)."""
    comment_id = (session.scalar(sa.select(sa.func.max(Comment.id))) or 0) + 1
    row = {"id": comment_id, "article_id": "artikel-0", "author_name": "x", "body": "x", "status": "published"}
    session.connection().execute(
        sa.insert(Comment.__table__), [{**row, "depth": 0, "reasons": [], "rule_hits": [], "created_at": utcnow()}]
    )
    return comment_id


def _write(session: Session, comment_id: int, printed: TextPrint | None) -> None:
    """What ``indexing._index`` adds for one comment (not committed)."""
    connection = session.connection()
    row = {"comment_id": comment_id, "article_id": "artikel-0", "account_key": "x" * 64, "account_new": True}
    connection.execute(sa.insert(Fingerprint), [{**row, "text_hash": None, "created_at": utcnow()}])
    if printed is not None:
        buckets = [{"band_key": key, "comment_id": comment_id} for key in dict.fromkeys(printed.keys)]
        connection.execute(sa.insert(BandBucket), buckets)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(result: dict[str, Any], kind: str) -> dict[str, float]:
    """Medians and p99 (wall and CPU) of the per-comment cost fingerprint + lookup, and of each stage."""
    stages = result["stages"][kind]
    total_wall = [a + b for a, b in zip(stages["fingerprint"].wall, stages["lookup"].wall, strict=True)]
    total_cpu = [a + b for a, b in zip(stages["fingerprint"].cpu, stages["lookup"].cpu, strict=True)]
    row = {"p50": statistics.median(total_wall), "p99": pct(total_wall, 0.99)}
    row |= {"cpu p50": statistics.median(total_cpu), "cpu p99": pct(total_cpu, 0.99)}
    for name in STAGES:
        row[f"{name} p50"] = statistics.median(stages[name].wall)
        row[f"{name} cpu"] = statistics.median(stages[name].cpu)
    row["screen p99"] = pct(stages["screen"].wall, 0.99)
    row["copies"] = result["copies"][kind]
    return row


COLUMNS: tuple[str, ...] = (
    "p50",
    "p99",
    "x10k",
    "cpu p50",
    "cpu p99",
    "fingerprint cpu",
    "lookup cpu",
    "screen p50",
    "screen p99",
)
COLUMNS += ("screen cpu", "write p50", "copies")


def report(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Print the table (microseconds; fingerprint + lookup unless a stage is named) and return its rows."""
    rows = []
    print(f"\n{'index':>9} {'probe':>9} " + " ".join(f"{c:>{max(7, len(c))}}" for c in COLUMNS))
    for result in results:
        for kind in ("fresh", "near-copy"):
            row = summary(result, kind)
            row["x10k"] = row["p50"] / summary(results[0], kind)["p50"]
            cells = " ".join(f"{row[c]:>{max(7, len(c))}.{2 if c == 'x10k' else 0}f}" for c in COLUMNS)
            print(f"{result['n']:>9,} {kind:>9} {cells}")
            rows.append({"n": result["n"], "probe": kind, **row})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--quick", action="store_true", help="10k and 100k only, 500 probes")
    parser.add_argument("--probes", type=int, default=2000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    count = 500 if args.quick else args.probes
    results = []
    for n in sizes:
        url, built = index_url(n, args.rebuild)
        if built is not None:
            print(f"built the {n:,}-comment index in {built:.0f} s", flush=True)
        results.append({"n": n, "built_s": built, **measure(url, n, count)})
        print(f"measured {n:,}", flush=True)
    rows = report(results)
    print(f"probes per size: {count} (after 100 warm-up); x10k: p50 relative to the 10k index of this run")
    SCRATCH.mkdir(exist_ok=True)
    (SCRATCH / "campaigns.json").write_text(json.dumps({"sizes": sizes, "probes": count, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
