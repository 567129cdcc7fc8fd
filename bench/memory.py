"""Memory per gunicorn worker with the bundled model: torch against ONNX Runtime, under the same load.

``python bench/memory.py [--repeats 2] [--duration 15]``

Each row is a real gunicorn (``gunicorn.conf.py``: 2 workers × 2 threads) on a fresh SQLite database with the
reader history, the bundled model served by torch (``KOMMENTARE_TOXICITY_RUNTIME=torch``, traced as by default)
or through its ONNX export (``auto``). After a closed loop of 8 keep-alive clients (``loadgen.closed_loop``: 5 s
warm-up, then ``--duration`` s) it reads VmRSS of the master and each worker from ``/proc`` and the comments/s.
Rows are interleaved over ``--repeats``; medians are printed with each row's ratio to the torch row of the same
run. The goal (issue 15): at most 250 MB per worker, scores within 1e-4 (``tests/toxicity/test_onnx.py``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from configs import kommentare
from databases import fresh
from loadgen import closed_loop, summary
from servers import SCRATCH, running

BASE = {"ENVIRONMENT": "development"}  # a benchmark, not a production set-up: the built-in secret
ROWS = {"bundled, torch": {**BASE, "TOXICITY_RUNTIME": "torch"}, "bundled, onnx": {**BASE, "TOXICITY_RUNTIME": "auto"}}


def worker_rss_mb(server: Any) -> tuple[float, list[float]]:
    """The master's VmRSS and each worker's, in MB."""
    sizes = {}
    for pid in server.tree():
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes[pid] = int(line.split()[1]) / 1024
    master = sizes.pop(server.process.pid, 0.0)
    return master, sorted(sizes.values())


def run_row(name: str, settings: dict[str, str], duration: float) -> dict[str, Any]:
    config = kommentare(name, "bundled", settings)
    with fresh(name, None) as url:
        spec = replace(config.spec, env={**config.spec.env, "KOMMENTARE_DATABASE_URL": url})
        with running(spec) as server:
            began = time.monotonic()
            results = closed_loop(server.port, 8, 5.0, duration, seed=7, new_share=0.05)
            load = summary(results, duration, time.monotonic() - began)
            master, workers = worker_rss_mb(server)
    return {"master_mb": round(master, 1), "workers_mb": [round(w, 1) for w in workers], **load}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--duration", type=float, default=15.0)
    args = parser.parse_args()
    SCRATCH.mkdir(exist_ok=True)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in ROWS}
    for _ in range(args.repeats):
        for name, settings in ROWS.items():  # interleaved: the same machine state for both
            runs[name].append(run_row(name, settings, args.duration))
    torch_worker = statistics.median(max(run["workers_mb"]) for run in runs["bundled, torch"])
    print(f"\n{'row':<16} {'worker MB (max)':>16} {'x torch':>8} {'master MB':>10} {'comments/s':>11} {'p99 ms':>8}")
    for name, rows in runs.items():
        worker = statistics.median(max(run["workers_mb"]) for run in rows)
        rate = statistics.median(run["scored_per_second"] for run in rows)
        p99 = statistics.median(run["p99_ms"] or 0 for run in rows)
        master = statistics.median(run["master_mb"] for run in rows)
        print(f"{name:<16} {worker:>16.0f} {worker / torch_worker:>8.2f} {master:>10.0f} {rate:>11.1f} {p99:>8.0f}")
    onnx = statistics.median(max(run["workers_mb"]) for run in runs["bundled, onnx"])
    print(f"target: at most 250 MB per worker with the default model: {'met' if onnx <= 250 else 'NOT met'}")
    (SCRATCH / "memory.json").write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
