"""Writes side by side with Isso 0.14: the baseline row measured in the same run, on the same machine and load.

``python bench/isso.py [--repeats 3] [--duration 20] [--clients 16] [--postgres URL]``

Isso is installed into its own venv (``.bench/isso-venv``, ``pip install isso==0.14.0 gunicorn``) the first time,
configured with moderation and its guard (rate limits) off, and served by gunicorn with the same 2 workers × 2
threads as Kommentare. Kommentare runs its default configuration (``gunicorn.conf.py``, the bundled model with
every stage on: rules, watched words, campaigns, trust; a fresh SQLite database with the reader history, as in
``toxicity_http.py``). The same load generator (``loadgen.py --target``, its own process) posts the same authors
and texts to both: 16 keep-alive clients back to back, a warm-up, then the measured window. Rows are interleaved
over ``--repeats``; the table shows medians, comments/s and server CPU per comment, and each row's ratio to Isso's
from the same run. With ``--postgres`` (a server URL whose account may create databases) a third row runs Kommentare
on a fresh PostgreSQL database on the same host, with its ratio to the SQLite row. ``--fastest`` adds a row with
the cheapest configuration the shipped models allow (``KOMMENTARE_TOXICITY_QUANTIZE=int8``,
``KOMMENTARE_CLAIMS_ENABLED=false``; every other stage on), to show how much of the gap the models are. Results
also go to ``.bench/isso.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from configs import kommentare
from databases import fresh
from servers import SCRATCH, Server, ServerSpec, free_port, running
from toxicity_http import run_loadgen

ISSO = "isso==0.14.0"
ISSO_VENV = SCRATCH / "isso-venv"
KOMMENTARE = {"ENVIRONMENT": "development"}  # a benchmark: the built-in secret
#: The shipped models at their cheapest: the int8 toxicity graph, no claim encoder.
FASTEST = {**KOMMENTARE, "TOXICITY_QUANTIZE": "int8", "CLAIMS_ENABLED": "false"}


def isso_venv() -> Path:
    """The baseline's own venv, made once (pip's registry is reachable wherever ``make install`` works)."""
    python = ISSO_VENV / "bin" / "python"
    if not (ISSO_VENV / "bin" / "gunicorn").is_file():
        subprocess.run([sys.executable, "-m", "venv", str(ISSO_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", ISSO, "gunicorn"], check=True)
    return ISSO_VENV / "bin"


def isso_server(bin_dir: Path, seed: int) -> Server:
    """Isso on a fresh database: moderation and guard off, its host the port it listens on (its CSRF check)."""
    port, folder = free_port(), SCRATCH / "isso"
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / f"comments-{seed}.db"
    database.unlink(missing_ok=True)
    config = folder / "isso.cfg"
    config.write_text(
        f"[general]\ndbpath = {database}\nhost = http://127.0.0.1:{port}/\n"
        "[moderation]\nenabled = false\n[guard]\nenabled = false\n"
    )
    log = (folder / "gunicorn.log").open("wb")
    env = {**os.environ, "ISSO_SETTINGS": str(config)}
    command = [str(bin_dir / "gunicorn"), "-w", "2", "--threads", "2", "-b", f"127.0.0.1:{port}", "isso.run"]
    # Run from Isso's own folder: in the repository gunicorn would also read Kommentare's ./gunicorn.conf.py.
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log, process_group=0, cwd=folder)
    server = Server(ServerSpec("isso 0.14", "isso.run", {}, migrate=False), process, port, folder / "gunicorn.log")
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/info")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise SystemExit(f"Isso did not answer; see {folder / 'gunicorn.log'}")


def closed(clients: int, warmup: float, duration: float, target: str) -> list[str]:
    return [
        "closed",
        "--clients",
        str(clients),
        "--warmup",
        str(warmup),
        "--duration",
        str(duration),
        "--target",
        target,
    ]


def measure_isso(bin_dir: Path, args: argparse.Namespace, seed: int) -> dict[str, Any]:
    server = isso_server(bin_dir, seed)
    try:
        return run_loadgen(server, closed(args.clients, args.warmup, args.duration, "isso"), seed)
    finally:
        server.stop()


def measure_kommentare(
    args: argparse.Namespace, seed: int, postgres: str | None = None, settings: dict[str, str] = KOMMENTARE
) -> dict[str, Any]:
    config = kommentare("kommentare", "bundled", settings)
    with fresh(config.name, postgres) as url:
        spec = replace(config.spec, env={**config.spec.env, "KOMMENTARE_DATABASE_URL": url})
        with running(spec) as server:
            return run_loadgen(server, closed(args.clients, args.warmup, args.duration, "kommentare"), seed)


def cpu_ms_per_comment(row: dict[str, Any], duration: float) -> float:
    """Server CPU over the run per comment answered in the measured window (the warm-up's CPU included, as the
    same share of every row)."""
    comments = max(1.0, row["scored_per_second"] * duration)
    return float(1000 * row["server_cores"] * row["wall_seconds"] / comments)


def report(runs: dict[str, list[dict[str, Any]]], duration: float) -> dict[str, Any]:
    rates = {name: statistics.median(r["scored_per_second"] for r in rows) for name, rows in runs.items()}
    cpus = {name: statistics.median(cpu_ms_per_comment(r, duration) for r in rows) for name, rows in runs.items()}
    p99 = {name: statistics.median(r["p99_ms"] or 0 for r in rows) for name, rows in runs.items()}
    print(f"\n{'row':<12} {'comments/s':>11} {'x isso':>7} {'CPU ms/comment':>15} {'x isso':>7} {'p99 ms':>8}")
    for name in runs:
        line = f"{name:<12} {rates[name]:>11.1f} {rates[name] / rates['isso']:>7.2f} {cpus[name]:>15.2f}"
        print(f"{line} {cpus[name] / cpus['isso']:>7.2f} {p99[name]:>8.0f}")
    met = rates["kommentare"] >= 1.5 * rates["isso"]
    print(f"target: Kommentare >= 1.5x Isso's comments/s: {'met' if met else 'NOT met'}")
    if "postgresql" in runs:
        ratio = rates["postgresql"] / rates["kommentare"]
        met = ratio >= 0.9 and p99["postgresql"] <= 150
        print(
            f"PostgreSQL / SQLite: {ratio:.2f}, p99 {p99['postgresql']:.0f} ms (target >= 0.9, <= 150 ms): "
            f"{'met' if met else 'NOT met'}"
        )
    return {"comments_per_second": rates, "cpu_ms_per_comment": cpus, "p99_ms": p99}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--postgres", metavar="URL", help="also run Kommentare on PostgreSQL (a fresh database)")
    parser.add_argument("--fastest", action="store_true", help="also run Kommentare with int8 and claims off")
    args = parser.parse_args()
    SCRATCH.mkdir(exist_ok=True)
    bin_dir = isso_venv()
    names = ("isso", "kommentare", *(("postgresql",) if args.postgres else ()), *(("fastest",) if args.fastest else ()))
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for repeat in range(args.repeats):  # interleaved: every row sees the same machine state
        runs["isso"].append(measure_isso(bin_dir, args, seed=repeat + 1))
        runs["kommentare"].append(measure_kommentare(args, seed=repeat + 1))
        if args.postgres:
            runs["postgresql"].append(measure_kommentare(args, seed=repeat + 1, postgres=args.postgres))
        if args.fastest:
            runs["fastest"].append(measure_kommentare(args, seed=repeat + 1, settings=FASTEST))
        rates = ", ".join(f"{name} {rows[-1]['scored_per_second']}/s" for name, rows in runs.items())
        print(f"[{repeat + 1}/{args.repeats}] {rates}", flush=True)
    summary = report(runs, args.duration)
    (SCRATCH / "isso.json").write_text(json.dumps({"runs": runs, "summary": summary}, indent=2))


if __name__ == "__main__":
    main()
