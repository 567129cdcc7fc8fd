"""CPU per submitted comment against databases holding 0, 100k and 1M stored comments (the curve issue 15 asks for).

``python bench/scale.py [--sizes 0,100000,1000000] [--rounds 3] [--comments 1000] [--rebuild] [--no-detection-row]``

Each size is a real, migrated SQLite database (``.bench/scale/scale-N-vV.db``, built once and reused while
``VERSION`` matches): the returning readers of ``history.py``, then N stored comments bulk-loaded with their
campaign fingerprints and band buckets (``campaign_corpus.py``: Zipf-vocabulary texts over 90 days, campaigns of
near-copies, 1 % rejected), so every index the submission path reads is as big as a newsroom's after years.

A measurement copies the database (so each round starts from the same state), starts the app in a child process
with the default configuration (bundled model, every stage on) and posts ``--comments`` comments of the load
generator's corpus through the whole WSGI stack (Flask's test client: routing, schema, submission, commit, answer),
after 200 unmeasured ones; it reports that process's CPU time per comment (the ONNX scoring thread included).
One thread, so the figure is CPU, not contention. Sizes are interleaved over ``--rounds``; medians are printed with
each size's ratio to the empty database of the same run (and the fastest round's, the least disturbed on a shared
machine), and a row with campaign detection off shows how much of any growth is detection's. Results also go to
``.bench/scale.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import campaign_corpus as cc

REPO = Path(__file__).resolve().parent.parent
SCRATCH = REPO / ".bench" / "scale"
VERSION = 1  # bump when the seed changes: cached databases are then rebuilt
WARMUP = 200


def database(n: int, rebuild: bool) -> Path:
    """The seeded database for size ``n``, built if missing."""
    path = SCRATCH / f"scale-{n}-v{VERSION}-c{cc.VERSION}.db"
    if path.exists() and not rebuild:
        return path
    SCRATCH.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    began = time.perf_counter()
    env = {**os.environ, "KOMMENTARE_DATABASE_URL": f"sqlite:///{path}", "KOMMENTARE_ENVIRONMENT": "development"}
    flask = [str(REPO / ".venv" / "bin" / "flask"), "--app", "app:create_app", "db", "upgrade"]
    subprocess.run(flask, env=env, cwd=REPO, check=True, capture_output=True)
    if n:
        _load(path, n)
    subprocess.run([sys.executable, str(REPO / "bench" / "history.py")], env=env, cwd=REPO, check=True)
    print(f"built {path.name} in {time.perf_counter() - began:.0f} s", flush=True)
    return path


def _load(path: Path, n: int) -> None:
    """Bulk-load ``n`` comments, fingerprints and buckets into the migrated schema (sqlite3, one process pool)."""
    import multiprocessing

    from moderation.types import utcnow

    start = utcnow() - cc.SPAN - timedelta(hours=1)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    now = cc.sqlite_time(utcnow())
    articles = [(f"artikel-{i}", now, now) for i in range(max(10, n // 50))]
    connection.executemany(
        "INSERT INTO articles (id, comments_open, published_count, created_at, updated_at) VALUES (?, 1, 0, ?, ?)",
        articles,
    )
    with multiprocessing.Pool(os.cpu_count() or 1) as pool:
        for batch in cc.rows(n, start, pool.map):
            cc.insert_sqlite(connection, batch)
    connection.execute(
        "UPDATE articles SET published_count = (SELECT count(*) FROM comments c "
        "WHERE c.article_id = articles.id AND c.status = 'published')"
    )
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()


def measure(path: Path, comments: int, detection: bool) -> dict[str, Any]:
    """One child process posting to a fresh copy of ``path``; returns its figures."""
    copy = SCRATCH / "run.db"
    for suffix in ("", "-wal", "-shm", ".write-lock"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(path, copy)
    command = [sys.executable, __file__, "--child", str(copy), "--comments", str(comments)]
    command += [] if detection else ["--no-detection"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"measurement failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def child(path: str, comments: int, detection: bool) -> None:
    """Post through the app in this process and print CPU ms per comment as JSON."""
    import random

    import corpus

    from app import create_app

    os.environ.setdefault("KOMMENTARE_ENVIRONMENT", "development")
    overrides = {"database_url": f"sqlite:///{path}", "auto_create_articles": True, "ratelimit_enabled": False}
    overrides |= {} if detection else {"campaign_detection": False}
    app = create_app(overrides)
    client, rng = app.test_client(), random.Random(7)
    bodies = [
        json.dumps({"author_name": corpus.author(rng), "body": corpus.comment(rng, 5_000_000 + i)})
        for i in range(WARMUP + comments)
    ]
    statuses: dict[int, int] = {}

    def post(index: int) -> None:
        answer = client.post(
            f"/api/v1/articles/artikel-{index % 10}/comments", data=bodies[index], content_type="application/json"
        )
        statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

    for index in range(WARMUP):
        post(index)
    statuses.clear()
    cpu, wall = time.process_time(), time.perf_counter()
    for index in range(WARMUP, WARMUP + comments):
        post(index)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(json.dumps({"cpu_ms": 1000 * cpu / comments, "wall_ms": 1000 * wall / comments, "statuses": statuses}))


def report(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    medians = {name: statistics.median(r["cpu_ms"] for r in rows) for name, rows in runs.items()}
    fastest = {name: min(r["cpu_ms"] for r in rows) for name, rows in runs.items()}
    base, base_fastest = medians[next(iter(runs))], fastest[next(iter(runs))]
    print(f"\n{'stored comments':<26} {'CPU ms/comment':>15} {'x empty':>8} {'fastest':>8} {'x empty':>8}  rounds")
    for name, rows in runs.items():
        rounds = " / ".join(f"{r['cpu_ms']:.2f}" for r in rows)
        line = f"{name:<26} {medians[name]:>15.2f} {medians[name] / base:>8.2f} {fastest[name]:>8.2f}"
        print(f"{line} {fastest[name] / base_fastest:>8.2f}  {rounds}")
    sized = [m for name, m in medians.items() if "detection off" not in name]
    flat = max(sized) <= 1.10 * base
    print(f"target: CPU per comment within 10 % of the empty database's at every size: {'met' if flat else 'NOT met'}")
    return {"cpu_ms": medians, "fastest_cpu_ms": fastest, "flat": flat}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="0,100000,1000000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--no-detection-row", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--no-detection", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.comments, detection=not args.no_detection)
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    paths = {size: database(size, args.rebuild) for size in sizes}
    if args.rounds == 0:  # ``--rounds 0``: only build the databases
        return
    rows = [(f"{size:,}", paths[size], True) for size in sizes]
    if not args.no_detection_row:
        rows.append((f"{sizes[-1]:,}, detection off", paths[sizes[-1]], False))
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _, _ in rows}
    for round_ in range(args.rounds):  # interleaved: every size sees the same machine state
        for name, path, detection in rows:
            runs[name].append(measure(path, args.comments, detection))
            print(f"[{round_ + 1}/{args.rounds}] {name}: {runs[name][-1]['cpu_ms']:.2f} ms", flush=True)
    summary = report(runs)
    (SCRATCH.parent / "scale.json").write_text(json.dumps({"runs": runs, "summary": summary}, indent=2))


if __name__ == "__main__":
    main()
