"""Thread pages of a small and a huge story, over real HTTP through gunicorn: is a page's cost independent of
the story's size?

``python bench/reads.py [--big 50000] [--requests 200] [--repeats 3] [--postgres URL]``

Seeds two stories in one database (beside 300 other stories of 20 comments): ``klein`` with 100 comments and
``gross`` with ``--big`` (a fifth top-level,
each with four replies, 90 % of them published, the rest held or rejected), fills the kept counts as
the migration does, and serves the app with gunicorn (one worker, no model). Then, interleaved, ``--repeats``
rounds of ``--requests`` keep-alive GETs per row: the first page (20 threads) of each story in the orders
``newest``, ``top`` and ``replies``, gzip-accepting like a browser, a revalidation with ``If-None-Match`` (304), and
``/healthz`` as the baseline that reads nothing.

Beside the HTTP rows, ``old query`` times the page query this release replaced (it counted every thread's
replies of the whole story, then the story's total) on a second database with the same comments at the schema
before this release (``BEFORE``), for the before/after figure.

Prints medians and p99 in ms, each story row's ratio to the small story's (the goal: within 1.10), and the
bytes on the wire. Results also go to ``.bench/reads.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from admin_queue import SECRET, WORDS, serve
from databases import fresh
from servers import SCRATCH

STORIES = {"klein": 100}
#: A site has many stories: without them the planner's statistics would see two and call ``article_id``
#: unselective (and the replaced query would scan the whole table even for the small story).
OTHERS = {f"andere-{n}": 20 for n in range(300)}
SORTS = ("newest", "top", "replies")


#: The schema before this release's read changes (no kept counts, no top-level indexes): the "before" database.
BEFORE = "0020_notifications"


def seed(url: str, big: int, revision: str = "head") -> None:
    from flask_migrate import upgrade

    from app import create_app
    from moderation.extensions import db

    app = create_app({"database_url": url, "toxicity_model": "none", "secret_key": SECRET})
    with app.app_context():
        upgrade(revision=revision)
        tables = sa.MetaData()
        tables.reflect(bind=db.engine)
        with db.engine.begin() as connection:
            for article, size in {**STORIES, "gross": big, **OTHERS}.items():
                _story(connection, tables.tables, article, size)
            if revision == "head":
                for statement in COUNTERS:  # as migration 0021 fills them
                    connection.execute(sa.text(statement))
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as connection:
                connection.execute(sa.text("ANALYZE"))
        db.engine.dispose()


COUNTERS = (
    "UPDATE articles SET published_count = (SELECT count(*) FROM comments WHERE comments.article_id = articles.id"
    " AND comments.status = 'published')",
    "UPDATE comments SET published_replies = (SELECT count(*) FROM comments AS reply WHERE reply.thread_id ="
    " comments.id AND reply.status = 'published') WHERE parent_id IS NULL",
)


def _story(connection: Any, tables: Any, article: str, size: int) -> None:
    """Each comment's text, status and votes follow from its place counted from the newest, so the newest page of
    both stories shows the very same comments: the rows differ only in what lies behind that page."""
    start = datetime(2026, 11, 1, tzinfo=UTC)
    row = {"id": article, "title": article, "comments_open": True, "created_at": start, "updated_at": start}
    connection.execute(tables["articles"].insert(), [row])
    first = connection.execute(sa.select(sa.func.coalesce(sa.func.max(tables["comments"].c.id), 0))).scalar() + 1
    rows, root = [], None
    for offset in range(size):
        index, from_newest = first + offset, size - offset
        rng = random.Random(from_newest)
        root = index if from_newest % 5 == 0 else root
        if root is None:  # the oldest comments of a story whose size is no multiple of five
            root = index
        parent = None if root == index else root
        # Top-level comments published (the newest page then holds the same 20 threads in both stories), replies
        # 90 % published and the rest held or rejected.
        status = "published" if parent is None else rng.choices(["published", "pending", "rejected"], [90, 5, 5])[0]
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))
        row = _row(index, article, parent, status, body, start + timedelta(seconds=index))
        rows.append(row | {"up": rng.randint(0, 30), "rank": rng.randint(0, 900_000)})
    for chunk in range(0, len(rows), 2000):
        connection.execute(tables["comments"].insert(), rows[chunk : chunk + 2000])


def _row(index: int, article: str, root: int | None, status: str, body: str, at: datetime) -> dict[str, Any]:
    return {
        "id": index,
        "article_id": article,
        "parent_id": root,
        "thread_id": root,
        "depth": 0 if root is None else 1,
        "author_name": f"Leser {index % 1500}",
        "body": body,
        "status": status,
        "reasons": [{"code": "rule", "rule_id": "watchword:de:beispiel", "message": "Bitte sachlich bleiben."}],
        "toxicity_scores": {"toxicity": 0.12, "insult": 0.08, "threat": 0.01, "identity_attack": 0.02},
        "thresholds": {"toxicity": {"hold": 0.5, "reject": 0.95}},
        "rule_hits": [],
        "language": "de",
        "reason_codes": " rule ",
        "open_reports": 0,
        "report_weight": 0.0,
        "needs_rescore": False,
        "flagged": False,
        "created_at": at,
    }


OLD_PAGE = """
SELECT c.*, coalesce(r.n, 0) AS reply_count FROM comments c
LEFT OUTER JOIN (SELECT thread_id, count(*) AS n FROM comments WHERE article_id = :a AND status = 'published'
                 AND thread_id IS NOT NULL GROUP BY thread_id) r ON r.thread_id = c.id
WHERE c.article_id = :a AND c.parent_id IS NULL AND (c.status = 'published' OR (c.status = 'deleted' AND
      coalesce(r.n, 0) > 0))
ORDER BY c.id DESC LIMIT 21
"""
OLD_TOTAL = "SELECT count(*) FROM comments WHERE article_id = :a AND status = 'published'"


def old_query_ms(url: str, article: str, repeats: int) -> list[float]:
    """The replaced page query plus the story's total, as the previous release ran them (ms per page)."""
    engine = sa.create_engine(url)
    timings = []
    with engine.connect() as connection:
        for _ in range(repeats):
            began = time.perf_counter()
            connection.execute(sa.text(OLD_PAGE), {"a": article}).all()
            connection.execute(sa.text(OLD_TOTAL), {"a": article}).scalar()
            timings.append((time.perf_counter() - began) * 1000)
    engine.dispose()
    return timings


class Client:
    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        self.connection.request("GET", path, headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())


def rows(client: Client) -> dict[str, tuple[str, dict[str, str], int]]:
    browser = {"Accept-Encoding": "gzip, deflate, br"}
    table: dict[str, tuple[str, dict[str, str], int]] = {"healthz": ("/healthz", {}, 200)}
    for sort in SORTS:
        for article in ("klein", "gross"):
            table[f"{article} {sort}"] = (f"/api/v1/articles/{article}/comments?sort={sort}", browser, 200)
    _, _, headers = client.get("/api/v1/articles/gross/comments?sort=newest", browser)
    table["gross 304"] = (
        "/api/v1/articles/gross/comments?sort=newest",
        {**browser, "If-None-Match": headers["ETag"]},
        304,
    )
    return table


def measure(
    client: Client, table: dict[str, tuple[str, dict[str, str], int]], requests: int, repeats: int
) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name in table}
    for _ in range(repeats):
        for name, (path, headers, expected) in table.items():  # interleaved: the same load for every row
            for _ in range(requests):
                began = time.perf_counter()
                status, _, _ = client.get(path, headers)
                timings[name].append((time.perf_counter() - began) * 1000)
                assert status == expected, (name, status)
    return timings


def wire_sizes(client: Client) -> dict[str, int]:
    path = "/api/v1/articles/gross/comments?sort=newest"
    plain = len(client.get(path, {})[1])
    return {"identity": plain, **{enc: len(client.get(path, {"Accept-Encoding": enc})[1]) for enc in ("gzip", "br")}}


def shown(client: Client, table: dict[str, tuple[str, dict[str, str], int]]) -> dict[str, int]:
    """Comments on each row's page: ``top`` and ``replies`` pick other threads in a big story than in a small one."""

    def count(nodes: list[dict[str, Any]]) -> int:
        return sum(1 + count(node["replies"]) for node in nodes)

    return {
        name: count(json.loads(client.get(path, {})[1])["threads"])
        for name, (path, _, status) in table.items()
        if path.startswith("/api/") and status == 200
    }


def report(
    timings: dict[str, list[float]], old: dict[str, list[float]], sizes: dict[str, int], nodes: dict[str, int]
) -> dict[str, Any]:
    print(f"{'row':<16} {'median':>8} {'p99':>8} {'comments':>9} {'vs klein':>9} {'per comment':>12}")
    summary: dict[str, Any] = {}
    for name, values in timings.items():
        values = sorted(values)
        median = statistics.median(values)
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        article, _, sort = name.partition(" ")
        small = timings.get(f"klein {sort}") if article == "gross" else None
        ratio = median / statistics.median(small) if small else None
        per = ratio * nodes[f"klein {sort}"] / nodes[name] if ratio else None
        summary[name] = {
            "median_ms": round(median, 2),
            "p99_ms": round(p99, 2),
            "comments": nodes.get(name),
            "ratio_to_small": ratio and round(ratio, 2),
            "ratio_per_comment": per and round(per, 2),
        }
        cells = [f"{ratio:.2f}" if ratio else "", f"{per:.2f}" if per else ""]
        print(f"{name:<16} {median:>8.2f} {p99:>8.2f} {nodes.get(name, ''):>9} {cells[0]:>9} {cells[1]:>12}")
    for article, values in old.items():
        print(f"{'old query ' + article:<16} {statistics.median(values):>8.2f}  (SQL: replaced query + total)")
        summary[f"old query {article}"] = {"median_ms": round(statistics.median(values), 2)}
    print(f"bytes on the wire, big story page: {sizes}")
    same = summary["gross newest"]["ratio_to_small"] <= 1.10  # the same 100 comments on both pages
    per_comment = all(summary[f"gross {sort}"]["ratio_per_comment"] <= 1.10 for sort in SORTS)
    print(f"target: the big story's newest page (the same comments) within 1.10 of the small one's: {_met(same)}")
    print(f"        every order within 1.10 per comment shown: {_met(per_comment)}")
    return {"rows": summary, "bytes": sizes}


def _met(flag: bool) -> str:
    return "met" if flag else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--big", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    SCRATCH.mkdir(exist_ok=True)
    with fresh("reads-before", args.postgres) as before:
        seed(before, args.big, revision=BEFORE)
        old = {article: old_query_ms(before, article, args.requests) for article in ("klein", "gross")}
    with fresh("reads", args.postgres) as url:
        began = time.perf_counter()
        seed(url, args.big)
        print(f"seeded {args.big + 100:,} comments in {time.perf_counter() - began:.1f} s")
        process, port = serve(url)
        try:
            client = Client(port)
            table = rows(client)
            measure(client, table, 10, 1)  # warm-up
            nodes = shown(client, table)
            timings = measure(client, table, args.requests, args.repeats)
            print(f"\nthread pages: 100-comment story vs {args.big:,}-comment story (gunicorn, 1 worker, ms)")
            summary = report(timings, old, wire_sizes(client), nodes)
        finally:
            process.terminate()
            process.wait(timeout=30)
    database = "postgresql" if args.postgres else "sqlite"
    (SCRATCH / "reads.json").write_text(json.dumps({"big": args.big, "database": database, **summary}, indent=2))


if __name__ == "__main__":
    main()
