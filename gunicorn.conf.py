"""gunicorn settings for ``make run`` and production (override any of them with GUNICORN_CMD_ARGS).

Threads in one process share one copy of the toxicity model; the app is imported after fork in each worker
(no ``preload_app``) so no worker inherits a database connection, a thread or a torch model from its parent. Only
the single-threaded ONNX Runtime sessions are built here in the master (``on_starting``) and inherited, so the
workers share one copy of the weights.

Defaults fit 2 cores (``make bench``): two processes, each running Python on one core with one torch thread
(``KOMMENTARE_TOXICITY_THREADS=1``), and only two request threads each, because more threads in one process mostly
queue for its interpreter lock, and the one holding the database write lock waits with them. On bigger machines
set ``KOMMENTARE_WORKERS`` to the number of cores.
"""

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

#: Each worker counts its metrics into files here and a scrape adds them up (prometheus_client's multiprocess
#: mode); set PROMETHEUS_MULTIPROC_DIR to share it with `flask worker` on the same host.
METRICS_DIR = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", str(Path(tempfile.gettempdir()) / f"kommentare-metrics-{os.getpid()}")
)


def on_starting(server: object) -> None:  # noqa: ARG001 (gunicorn's hook signature)
    """Start every run with empty counters (files of a previous run's workers would be added up too), and load the
    ONNX graphs once here, before the workers are forked, so they all share one copy of the weights (README
    "Production"; ``KOMMENTARE_SHARE_MODELS=false`` leaves each worker its own)."""
    shutil.rmtree(METRICS_DIR, ignore_errors=True)
    Path(METRICS_DIR).mkdir(parents=True, exist_ok=True)
    from moderation.allocator import tune_allocator
    from moderation.settings import Settings
    from moderation.submission.sharing import share_models

    tune_allocator()  # inherited by the workers: they give large freed buffers back to the system
    try:
        settings = Settings.from_env()
    except ValueError:
        return  # each worker stops with the message that names the variable
    share_models(settings, instance_path=Path(settings.instance_path or Path(__file__).resolve().parent / "instance"))


def worker_exit(server: object, worker: object) -> None:  # noqa: ARG001
    """Runs in the worker as it ends: one that inherited the master's ONNX Runtime exits here, past the runtime's
    exit handler that would wait forever on a thread only the master has (``onnx_sessions.end_forked_process``)."""
    from moderation.onnx_sessions import end_forked_process

    end_forked_process()


def child_exit(server: object, worker: Any) -> None:  # noqa: ARG001
    """A worker that exits stops counting: its live gauges drop out of the sum."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


workers = int(os.environ.get("KOMMENTARE_WORKERS", "2"))
threads = int(os.environ.get("KOMMENTARE_THREADS", "2"))
worker_class = "gthread"
preload_app = False
timeout = 60
#: The app writes its own access lines (JSON, with the request id, without client addresses or query strings).
accesslog = None
# Request limits gunicorn enforces before the app sees anything (its own 400/414 answers are plain text or HTML:
# the reverse proxy should refuse such requests first, see README "Security").
limit_request_line = 4094
limit_request_fields = 60
limit_request_field_size = 8190
