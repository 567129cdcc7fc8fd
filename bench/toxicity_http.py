"""End-to-end toxicity throughput through the real HTTP endpoint: ``python bench/toxicity_http.py [--quick]``.

Measures, in one run and on the same machine state, a naive "Detoxify behind Flask" server and Kommentare with a
BERT-base-sized checkpoint (fp32 batched, int8 batched, one-at-a-time) and with the bundled model (fp32, int8),
all under gunicorn with the service's defaults (1 worker, 8 threads). For each: a closed loop (C keep-alive clients
back to back, after a warm-up) for throughput and latency, then an open loop at a fixed 50 requests/s for latency
under a realistic arrival pattern, and the server tree's peak RSS. The load generator is a separate process
sharing the same cores; its CPU use, the server's and everything else's (``bg``) are reported in cores, because
on 2 cores any of them moves the result. Results: a table on stdout and ``.bench/toxicity_http.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from types import FrameType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bert_base
import configs
import databases
import report
from servers import SCRATCH, Server, ServerFailed, ServerSpec, running

LOADGEN = Path(__file__).resolve().parent / "loadgen.py"
RESULTS = SCRATCH / "toxicity_http.json"


@dataclass(frozen=True)
class Timing:
    """Seconds and counts for one configuration's measurement."""

    warmup: float
    duration: float
    open_duration: float
    rate: float = 50.0
    clients: int = 16
    open_senders: int = 48
    grace: float = 10.0


FULL = Timing(warmup=3, duration=10, open_duration=8, grace=5)
QUICK = Timing(warmup=1, duration=3, open_duration=3, grace=2)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short windows, no layout variants (about 2 minutes)")
    parser.add_argument("--repeats", type=int, default=1, help="runs per configuration, interleaved; medians shown")
    parser.add_argument("--variants", action=argparse.BooleanOptionalAction, default=None, help="worker/thread layouts")
    parser.add_argument("--batch-stats", action="store_true", help="count the service's model batches (diagnostic)")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server URL: a fresh database per config there")
    parser.add_argument("--only", default="", help="comma-separated substrings of config names to run")
    parser.add_argument("--clients", type=int, help="closed-loop concurrent clients (default 16)")
    parser.add_argument("--duration", type=float, help="closed-loop measured seconds")
    parser.add_argument(
        "--nice", type=int, default=0, help="scheduling priority for this run and its servers (negative needs root)"
    )
    args = parser.parse_args(argv)
    if args.variants is None:
        args.variants = not args.quick
    return args


def timing(args: argparse.Namespace) -> Timing:
    base = QUICK if args.quick else FULL
    overrides = {"clients": args.clients, "duration": args.duration}
    return Timing(**{**asdict(base), **{k: v for k, v in overrides.items() if v is not None}})


def system_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (``/proc/stat``), to attribute what neither side used."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def run_loadgen(server: Server, mode_args: list[str], seed: int) -> dict[str, Any]:
    """Run one load-generator process against ``server``; adds CPU use in cores over the run's wall time."""
    command = [sys.executable, str(LOADGEN), *mode_args, "--port", str(server.port), "--seed", str(seed)]
    server_cpu, busy, began = server.cpu_seconds(), system_busy_seconds(), time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise ServerFailed(f"load generator failed against {server.spec.name}: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    wall = time.monotonic() - began
    server_cpu = server.cpu_seconds() - server_cpu
    other = system_busy_seconds() - busy - server_cpu - result["cpu_seconds"]
    result.update(
        server_cores=round(server_cpu / wall, 2),
        gen_cores=round(result["cpu_seconds"] / wall, 2),
        other_cores=round(max(0.0, other) / wall, 2),
    )
    return result


def measure(config: configs.Config, plan: Timing, seed: int, postgres: str | None) -> dict[str, Any]:
    """Start the server on a fresh database, run the closed then the open loop against it, stop it."""
    with databases.fresh(config.name, postgres) as url:
        spec = config.spec
        if spec.migrate:  # a Kommentare server
            spec = replace(spec, env={**spec.env, "KOMMENTARE_DATABASE_URL": url})
        return _measure(config, spec, plan, seed)


def _measure(config: configs.Config, spec: ServerSpec, plan: Timing, seed: int) -> dict[str, Any]:
    began = time.monotonic()
    with running(spec) as server:
        boot = time.monotonic() - began
        closed = ["closed", "--clients", str(plan.clients), "--warmup", str(plan.warmup)]
        closed += ["--duration", str(plan.duration)]
        opened = ["open", "--rate", str(plan.rate), "--duration", str(plan.open_duration)]
        opened += ["--clients", str(plan.open_senders), "--grace", str(plan.grace)]
        traffic = ["--new-share", str(config.new_share)]
        closed_result = run_loadgen(server, closed + traffic, seed)
        open_result = run_loadgen(server, opened + traffic, seed + 1)
        rss = max(server.peak_rss, server.rss_bytes())
    batches = server.log_records("BATCH_STATS ")  # written as the workers exit
    return {
        "config": config.name,
        "model": config.model,
        "variant": config.variant,
        "settings": spec.env | {"app": spec.app},
        "boot_seconds": round(boot, 1),
        "closed": closed_result,
        "open": open_result,
        "peak_rss_mb": round(rss / 2**20, 1),
        "batch_stats": batches,
    }


def selected(args: argparse.Namespace) -> list[configs.Config]:
    checkpoint, config_dir = bert_base.ensure_checkpoint()
    chosen = [
        configs.naive(checkpoint, config_dir),
        *configs.bert_base(checkpoint, config_dir, variants=args.variants),
        *configs.bundled(variants=args.variants),
    ]
    if args.variants:
        chosen += configs.ceiling(*bert_base.ensure_checkpoint(bert_base.TINY_ROOT, bert_base.TINY))
    if configs.bundled_missing():
        print(f"SKIPPED bundled rows: no .ckpt in {configs.BUNDLED_DIR} yet (run `make train-model`)", flush=True)
    if args.batch_stats:
        chosen = [configs.with_batch_stats(c) for c in chosen]
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    return [c for c in chosen if not wanted or any(w in c.name for w in wanted)]


Runs = dict[str, list[dict[str, Any]]]


def run_all(
    chosen: list[configs.Config], plan: Timing, repeats: int, postgres: str | None, save: Callable[[Runs], object]
) -> Runs:
    """Repeats are interleaved (A B C A B C) so slow drift on the machine spreads over all configurations.

    ``save`` gets the runs so far after every measurement, so a crash or Ctrl-C late in a run keeps the rest.
    """
    runs: dict[str, list[dict[str, Any]]] = {c.name: [] for c in chosen}
    for repeat in range(repeats):
        for config in chosen:
            try:
                row = measure(config, plan, 1000 * repeat + len(runs[config.name]) * 7 + 1, postgres)
            except ServerFailed as exc:
                print(f"FAILED {config.name}: {exc}", flush=True)
                continue
            runs[config.name].append(row)
            print(f"[{repeat + 1}/{repeats}] {_progress(row)}", flush=True)
            save(runs)
    return runs


def _progress(row: dict[str, Any]) -> str:
    closed, opened = row["closed"], row["open"]
    batches = "".join(f"; batches {b['mean_batch']} texts, {b['padding_share']} padding" for b in row["batch_stats"])
    return (
        f"{row['config']}: {closed['scored_per_second']}/s p99 {closed['p99_ms']} ms; "
        f"50/s p99 {opened['p99_ms']} ms; boot {row['boot_seconds']} s; load generator {closed['gen_cores']} cores"
        + batches
    )


def write_results(runs: Runs, meta: dict[str, Any], *, complete: bool) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Medians per configuration and target verdicts, written to ``RESULTS`` (also returned)."""
    rows = [report.median_row(r) for r in runs.values() if r]
    verdicts = report.targets(rows)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    document = {"meta": {**meta, "complete": complete}, "rows": rows, "targets": verdicts}
    RESULTS.write_text(json.dumps(document, indent=2) + "\n")
    return rows, verdicts


def describe(args: argparse.Namespace, idle_load: float) -> dict[str, Any]:
    return {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "timing": asdict(timing(args)),
        "repeats": args.repeats,
        "argv": sys.argv[1:],
        "background_cores_before": idle_load,
        "niceness": os.getpriority(os.PRIO_PROCESS, 0),
        "database": "postgresql" if args.postgres else "sqlite",
    }


def background_load(seconds: float = 2.0) -> float:
    """Cores kept busy by other processes right before the run; anything above ~0.2 skews every row."""
    busy, began = system_busy_seconds(), time.monotonic()
    time.sleep(seconds)
    load = (system_busy_seconds() - busy) / (time.monotonic() - began)
    if load > 0.2:
        print(f"WARNING: other processes already use {load:.2f} of {os.cpu_count()} cores; numbers will be low")
    return round(load, 2)


def prioritise(niceness: int) -> None:
    """Servers and load generators inherit it: on a shared 2-core box, e.g. ``--nice -10`` keeps others' jobs from
    taking half the CPU mid-measurement (``bg CPU`` shows what they still got).

    With autogroup scheduling (most desktop and container kernels) nice only ranks processes inside one session,
    so the session's own autogroup nice is set too; servers stay in this session for that reason.
    """
    try:
        os.setpriority(os.PRIO_PROCESS, 0, niceness)
        autogroup = Path("/proc/self/autogroup")
        if autogroup.exists():
            autogroup.write_text(str(niceness))
    except OSError:
        print(f"WARNING: cannot set niceness {niceness} (needs root); running at the default priority")


def _terminate(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through every ``running`` block, which stops its server


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored (`cmd &`)
    args = parse_args()
    if args.nice:
        prioritise(args.nice)
    meta = describe(args, background_load())
    chosen = selected(args)
    runs = run_all(
        chosen, timing(args), args.repeats, args.postgres, lambda partial: write_results(partial, meta, complete=False)
    )
    rows, verdicts = write_results(runs, meta, complete=True)
    print()
    print(report.table(rows))
    print()
    print(report.targets_text(verdicts))
    print(f"\nwritten: {RESULTS}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted; every server this run started has been stopped")
