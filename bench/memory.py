"""Memory per gunicorn worker with the bundled model: each worker its own copy against copies shared with the master.

``python bench/memory.py [--repeats 2] [--duration 15]``

Each row is a real gunicorn (``gunicorn.conf.py``: 2 workers × 2 threads) on a fresh SQLite database with the
reader history and the default model and claim encoder, both served through ONNX Runtime. Rows:

- ``own copies``: each worker loads its own (``KOMMENTARE_SHARE_MODELS=false``) with glibc's default allocator
  (``MALLOC_ARENA_MAX=16``, eight per core as glibc's default, which also leaves its dynamic mmap threshold on);
  the state before issue 15's sharing;
- ``shared``: the master loads the graphs before it forks (``moderation/onnx_sessions.py``), same allocator;
- ``shared + allocator``: today's default, the master also fixes glibc's mmap threshold and arenas
  (``moderation/allocator.py``).

After a closed loop of 8 keep-alive clients (``loadgen.closed_loop``: 5 s warm-up, then ``--duration`` s) it reads
each process's RSS, PSS (shared pages divided among the processes sharing them: what adds up to the host's
memory) and USS (pages only this process holds: what one more worker costs) from ``/proc/<pid>/smaps_rollup``.
Rows are interleaved over ``--repeats``; medians are printed with each row's ratio to ``own copies`` of the same
run. The goal (issue 15): at most 250 MB per worker; scores are the same session's (``tests/serving/``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from configs import kommentare
from databases import fresh
from loadgen import closed_loop, summary
from servers import SCRATCH, running

BASE = {"ENVIRONMENT": "development"}  # a benchmark, not a production set-up: the built-in secret
GLIBC_DEFAULT = {"MALLOC_ARENA_MAX": "16"}
#: name: (KOMMENTARE_* settings without the prefix, other environment)
ROWS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "own copies": ({**BASE, "SHARE_MODELS": "false"}, GLIBC_DEFAULT),
    "shared": ({**BASE, "SHARE_MODELS": "true"}, GLIBC_DEFAULT),
    "shared + allocator": (BASE, {}),
}


def memory_mb(pid: int) -> dict[str, float]:
    """RSS, PSS and USS of one process, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
    kb = {key: int(value.split()[0]) for key, value in fields.items()}
    return {"rss": kb["Rss"] / 1024, "pss": kb["Pss"] / 1024, "uss": (kb["Private_Clean"] + kb["Private_Dirty"]) / 1024}


def tree_memory(server: Any) -> tuple[dict[str, float], list[dict[str, float]]]:
    """The master's memory and each worker's."""
    sizes = {pid: memory_mb(pid) for pid in server.tree()}
    master = sizes.pop(server.process.pid, {"rss": 0.0, "pss": 0.0, "uss": 0.0})
    return master, list(sizes.values())


def run_row(name: str, settings: dict[str, str], environment: dict[str, str], duration: float) -> dict[str, Any]:
    config = kommentare(name, "bundled", settings)
    with fresh(name, None) as url:
        spec = replace(config.spec, env={**config.spec.env, "KOMMENTARE_DATABASE_URL": url, **environment})
        with running(spec) as server:
            began = time.monotonic()
            results = closed_loop(server.port, 8, 5.0, duration, seed=7, new_share=0.05)
            load = summary(results, duration, time.monotonic() - began)
            master, workers = tree_memory(server)
    return {"master": master, "workers": workers, **load}


def median_of(rows: list[dict[str, Any]], pick: Callable[[dict[str, Any]], float]) -> float:
    return float(statistics.median(pick(run) for run in rows))


def worst_worker(rows: list[dict[str, Any]], kind: str) -> float:
    """The median over repeats of the larger worker's ``kind`` (rss, pss or uss)."""
    return median_of(rows, lambda run: max(worker[kind] for worker in run["workers"]))


def host_pss(run: dict[str, Any]) -> float:
    """What the whole gunicorn tree costs the host: the master's PSS and every worker's."""
    return float(run["master"]["pss"] + sum(worker["pss"] for worker in run["workers"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--duration", type=float, default=15.0)
    args = parser.parse_args()
    SCRATCH.mkdir(exist_ok=True)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in ROWS}
    for _ in range(args.repeats):
        for name, (settings, environment) in ROWS.items():  # interleaved: the same machine state for every row
            runs[name].append(run_row(name, settings, environment, args.duration))
    base = median_of(runs["own copies"], host_pss)
    header = f"{'row':<20} {'worker RSS':>10} {'PSS':>6} {'USS':>6} {'master PSS':>10} {'all PSS':>8} {'x own':>6}"
    print(f"\n{header} {'comments/s':>11} {'p99 ms':>7}")
    for name, rows in runs.items():
        rss, pss, uss = (worst_worker(rows, kind) for kind in ("rss", "pss", "uss"))
        master = median_of(rows, lambda run: run["master"]["pss"])
        total = median_of(rows, host_pss)
        rate, p99 = (
            median_of(rows, lambda run: run["scored_per_second"]),
            median_of(rows, lambda run: run["p99_ms"] or 0),
        )
        print(
            f"{name:<20} {rss:>10.0f} {pss:>6.0f} {uss:>6.0f} {master:>10.0f} {total:>8.0f} {total / base:>6.2f} "
            f"{rate:>11.1f} {p99:>7.0f}"
        )
    worker = worst_worker(runs["shared + allocator"], "pss")
    print(f"target: at most 250 MB per worker (PSS, the default row): {'met' if worker <= 250 else 'NOT met'}")
    (SCRATCH / "memory.json").write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
