"""The moderators' queue page with 10,000 pending comments, over real HTTP through gunicorn.

``python bench/admin_queue.py [--pending 10000] [--requests 200] [--repeats 3] [--postgres URL]``

Seeds a fresh database (``databases.fresh``) with ``--pending`` held comments (as many published, a tenth as many
rejected; reasons, rule hits, scores and thresholds like the pipeline stores; reader reports on one in twenty;
1,500 authors over 20 articles), logs a moderator in, and serves the app with gunicorn (one worker, no model:
the page never runs one). Then, interleaved, ``--repeats`` rounds of ``--requests`` keep-alive GETs per row:

- ``login page``: the baseline, a page of the same app that reads nothing from the database;
- ``queue``: ``/admin/`` (pending, first 50 items with histories, claims and all tab counts);
- ``queue deep``: a page 5,000 items in (keyset cursor);
- ``search``: ``q=`` substring over body and author; ``reason``: ``reason=rule&language=de``;
- ``live``: the 10-second poll (``/admin/live``, nothing new).

Prints median and p99 in ms and each row's median ratio to the baseline from the same run; the target is the
issue's p99 <= 100 ms for ``queue``. Results also go to ``.bench/admin_queue.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from databases import fresh
from servers import SCRATCH, VENV_BIN, free_port

PASSWORD = "bench-passwort-lang-genug"
SECRET = "bench-secret-" + "0" * 40
WORDS = [
    "Regierung",
    "Krieg",
    "Soldaten",
    "Nordkorea",
    "Moskau",
    "Kiew",
    "Frieden",
    "Waffen",
    "Bericht",
    "Wahrheit",
    "Westen",
    "Medien",
    "Politik",
    "Verhandlungen",
    "Sanktionen",
    "Lazarett",
    "Verwundete",
    "Propaganda",
    "Kreml",
    "Zeitung",
]


def seed(url: str, pending: int) -> None:
    """Schema by migration, then bulk rows through SQLAlchemy Core (the ORM would take minutes for 20k rows)."""
    from flask_migrate import upgrade

    from app import create_app
    from moderation.auth import Role
    from moderation.extensions import db
    from moderation.moderators.service import create_moderator

    app = create_app({"database_url": url, "toxicity_model": "none", "secret_key": SECRET})
    with app.app_context():
        upgrade()
        create_moderator(
            session=db.session(), name="petra", actor="bench", role=Role.MODERATOR, password=PASSWORD, with_token=False
        )
        rows = list(_comments(pending))
        with db.engine.begin() as connection:
            articles = sorted({row["article_id"] for row in rows})
            connection.execute(
                sa.text("INSERT INTO articles (id, comments_open, created_at, updated_at) VALUES (:id, true, :t, :t)"),
                [{"id": a, "t": "2026-11-01 00:00:00+00:00"} for a in articles],
            )
            comments = db.metadata.tables["comments"]
            for start in range(0, len(rows), 2000):
                connection.execute(comments.insert(), rows[start : start + 2000])
            reports = db.metadata.tables["reports"]
            connection.execute(
                reports.insert(),
                [
                    {
                        "comment_id": row["id"],
                        "reason": "abuse",
                        "text": "",
                        "created_at": row["created_at"],
                        "reporter_key": f"r{row['id']}",
                    }
                    for row in rows
                    if row["open_reports"]
                ],
            )
        _analyze(db.engine)
        db.engine.dispose()


def _analyze(engine: Any) -> None:
    """Planner statistics and the visibility map, as autovacuum (PostgreSQL) or ``PRAGMA optimize`` would have them
    on a live database; a freshly bulk-loaded table has neither and would measure a state production never sits in."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE comments"))
    else:
        with engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))


def _comments(pending: int) -> Any:
    from datetime import UTC, datetime, timedelta

    rng = random.Random(20261201)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    statuses = ["pending"] * pending + ["published"] * pending + ["rejected"] * (pending // 10)
    rng.shuffle(statuses)
    for index, status in enumerate(statuses, start=1):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))) + " du Vollidiot."
        word = body.index("Vollidiot")
        reported = status != "rejected" and index % 20 == 0
        yield {
            "id": index,
            "article_id": f"artikel-{index % 20}",
            "depth": 0,
            "author_name": f"Leser {rng.randint(1, 1500)}",
            "email": None,
            "body": body,
            "status": status,
            "reasons": [{"code": "rule", "rule_id": "watchword:de:vollidiot", "message": "Bitte ohne Beleidigungen."}],
            "reason_codes": " rule ",
            "language": "de",
            "toxicity_scores": {"toxicity": 0.61, "insult": 0.57, "threat": 0.01, "identity_attack": 0.02},
            "thresholds": {"toxicity": {"hold": 0.5, "reject": 0.95}, "insult": {"hold": 0.5, "reject": 0.95}},
            "rule_hits": [
                {
                    "rule_id": "watchword:de:vollidiot",
                    "action": "hold",
                    "start": word,
                    "end": word + 9,
                    "match": "Vollidiot",
                    "weight": 1.0,
                }
            ],
            "model_id": "bundled:kommentare-e5",
            "ruleset_version": "2026.11",
            "open_reports": 1 if reported else 0,
            "needs_rescore": False,
            "flagged": False,
            "created_at": start + timedelta(seconds=index * 60),
        }


def serve(url: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMMENTARE_")}
    env.update(
        KOMMENTARE_DATABASE_URL=url,
        KOMMENTARE_TOXICITY_MODEL="none",
        KOMMENTARE_ADMIN_COOKIE_SECURE="false",
        KOMMENTARE_SECRET_KEY=SECRET,
        GUNICORN_CMD_ARGS="--access-logfile /dev/null",
    )
    command = [str(VENV_BIN / "gunicorn"), "-w", "1", "--threads", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"]
    log = (SCRATCH / "admin_queue-gunicorn.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log, cwd=Path(__file__).resolve().parent.parent)
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not answer; see .bench/admin_queue-gunicorn.log")


class Client:
    """One keep-alive connection with the moderator's session cookie."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return response.status, text

    def log_in(self) -> None:
        _, page = self.request("GET", "/admin/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        form = urllib.parse.urlencode({"username": "petra", "password": PASSWORD, "csrf_token": token})
        status, _ = self.request("POST", "/admin/login", form)
        assert status == 302, status


def rows(client: Client) -> dict[str, str]:
    _, page = client.request("GET", "/admin/")
    items = re.findall(r'data-comment-id="(\d+)"', page)
    assert len(items) == 50, f"expected a full first page, got {len(items)}"
    deep = "/admin/"
    for _ in range(100):  # 100 pages of 50: 5,000 items in
        _, html = client.request("GET", deep)
        found = re.search(r'href="(/admin/\?[^"]*cursor=[^"]+)"', html)
        if not found:
            break
        deep = found.group(1).replace("&amp;", "&")
    return {
        "login page": "/admin/login",
        "queue": "/admin/",
        "queue deep": deep,
        "search": "/admin/?q=leser+77",
        "reason": "/admin/?reason=rule&language=de",
        "live": f"/admin/live?state=pending&newer_than={max(map(int, items)) + 10**6}",
    }


def measure(client: Client, paths: dict[str, str], requests: int, repeats: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(repeats):
        for name, path in paths.items():  # interleaved: every row sees the same machine load
            for _ in range(requests):
                began = time.perf_counter()
                status, _ = client.request("GET", path)
                timings[name].append((time.perf_counter() - began) * 1000)
                assert status == 200, (name, status)
    return timings


def report(timings: dict[str, list[float]], pending: int) -> dict[str, Any]:
    baseline = statistics.median(timings["login page"])
    print(f"\nqueue page with {pending:,} pending comments (gunicorn, 1 worker, keep-alive, ms)")
    print(f"{'row':<12} {'median':>8} {'p99':>8} {'x login':>8}")
    summary = {}
    for name, values in timings.items():
        values = sorted(values)
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        median = statistics.median(values)
        summary[name] = {"median_ms": round(median, 2), "p99_ms": round(p99, 2), "ratio": round(median / baseline, 2)}
        print(f"{name:<12} {median:>8.1f} {p99:>8.1f} {median / baseline:>8.1f}")
    verdict = "met" if summary["queue"]["p99_ms"] <= 100 else "NOT met"
    print(f"target: queue p99 <= 100 ms: {verdict} ({summary['queue']['p99_ms']} ms)")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pending", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    SCRATCH.mkdir(exist_ok=True)
    with fresh("admin_queue", args.postgres) as url:
        began = time.perf_counter()
        seed(url, args.pending)
        print(f"seeded {args.pending:,} pending comments in {time.perf_counter() - began:.1f} s")
        process, port = serve(url)
        try:
            client = Client(port)
            client.log_in()
            paths = rows(client)
            measure(client, paths, 10, 1)  # warm-up
            summary = report(measure(client, paths, args.requests, args.repeats), args.pending)
        finally:
            process.terminate()
            process.wait(timeout=30)
    database = "postgresql" if args.postgres else "sqlite"
    out = SCRATCH / "admin_queue.json"
    out.write_text(json.dumps({"pending": args.pending, "database": database, "rows": summary}, indent=2))


if __name__ == "__main__":
    main()
