"""Starting, probing, measuring and stopping the gunicorn servers under test.

Each server runs in its own process group, so a stop reaches gunicorn's master and workers and nothing else; it
stays in our session, so it shares the run's scheduling group and priority (``--nice``). ``running`` stops it on
exit, Ctrl-C or an exception. Memory and CPU are read from ``/proc`` for the master and all its descendants,
because a worker count above 1 multiplies the model.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = REPO / ".venv" / "bin"
SCRATCH = REPO / ".bench"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class ServerFailed(RuntimeError):
    """The server exited or never answered; the message names its log file."""


@dataclass(frozen=True)
class ServerSpec:
    """One configuration: the WSGI app, its environment, and where gunicorn must run it from."""

    name: str
    app: str
    env: dict[str, str]
    chdir: Path = REPO
    pythonpath: tuple[Path, ...] = (REPO,)
    migrate: bool = True


@dataclass
class Server:
    """A running gunicorn master; ``port`` is where it listens."""

    spec: ServerSpec
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    peak_rss: int = 0
    _sampler: threading.Thread | None = field(default=None, repr=False)
    _stop_sampling: threading.Event = field(default_factory=threading.Event, repr=False)

    def tree(self) -> list[int]:
        """The master and every descendant (workers), found through ``/proc/*/stat`` parent ids."""
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                stat = _read(entry / "stat")
                if stat:
                    parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        found, frontier = [self.process.pid], [self.process.pid]
        while frontier:
            frontier = [pid for pid, parent in parents.items() if parent in frontier]
            found += frontier
        return found

    def rss_bytes(self) -> int:
        """Sum of VmRSS over the tree (shared pages count once per process, as ``ps`` would show them)."""
        total = 0
        for pid in self.tree():
            for line in _read(Path(f"/proc/{pid}/status")).splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        return total

    def cpu_seconds(self) -> float:
        """User plus system CPU of the live tree (exited workers would be missing; gunicorn keeps them alive)."""
        total = 0
        for pid in self.tree():
            fields = _read(Path(f"/proc/{pid}/stat")).rsplit(")", 1)[-1].split()
            if len(fields) > 12:
                total += int(fields[11]) + int(fields[12])
        return total / CLOCK_TICKS

    def start_sampling(self, interval: float = 0.25) -> None:
        """Track peak RSS in a background thread until ``stop``."""

        def sample() -> None:
            while not self._stop_sampling.wait(interval):
                self.peak_rss = max(self.peak_rss, self.rss_bytes())

        self._sampler = threading.Thread(target=sample, name=f"rss-{self.spec.name}", daemon=True)
        self._sampler.start()

    def log_records(self, marker: str) -> list[dict[str, Any]]:
        """Every JSON object that follows ``marker`` in the server's log (read after ``stop``), however lines mix."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        decoder, records = json.JSONDecoder(), []
        for chunk in text.split(marker)[1:]:
            try:
                records.append(decoder.raw_decode(chunk)[0])
            except json.JSONDecodeError:
                continue  # a record cut short by a killed worker
        return records

    def stop(self) -> None:
        """SIGQUIT the process group, SIGKILL after 10 s.

        gunicorn's quick shutdown: a graceful one (SIGTERM) would first score every comment still queued by an
        overloaded configuration, for nothing. Workers still exit through ``sys.exit``, so atexit hooks run.
        """
        self._stop_sampling.set()
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGQUIT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:  # the process exited between listing and reading
        return ""


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)  # the group we created with process_group=0: its id is the master's pid


def free_port() -> int:
    """A port the kernel says is free now (small race with other programs, acceptable for a benchmark)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(spec: ServerSpec, *, boot_timeout: float = 180.0) -> Iterator[Server]:
    """Start the server, wait until it answers a comment, and stop it whatever happens."""
    server = _launch(spec)
    try:
        _wait_ready(server, boot_timeout)
        server.start_sampling()
        yield server
    finally:
        server.stop()


def _launch(spec: ServerSpec) -> Server:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("KOMMENTARE_")}  # only spec.env counts
    env = {**inherited, "HF_HUB_OFFLINE": "1", **spec.env}
    env["GUNICORN_CMD_ARGS"] = "--access-logfile /dev/null"  # an access log line per request would be measured too
    if spec.migrate:
        _migrate(spec.name, env)
        _seed_history(spec.name, env)
    port = free_port()
    log = SCRATCH / "logs" / f"{spec.name.replace(' ', '_')}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [str(VENV_BIN / "gunicorn"), "--config", str(REPO / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}"]
    command += ["--chdir", str(spec.chdir), "--pythonpath", ",".join(map(str, spec.pythonpath)), spec.app]
    with log.open("wb") as handle:
        process = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT, process_group=0)
    return Server(spec, process, port, log)


def _migrate(name: str, env: dict[str, str]) -> None:
    flask = [str(VENV_BIN / "flask"), "--app", "app:create_app", "db", "upgrade"]
    done = subprocess.run(flask, cwd=REPO, env=env, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise ServerFailed(f"{name}: `flask db upgrade` failed: {done.stderr.strip()[-1500:]}")


def _seed_history(name: str, env: dict[str, str]) -> None:
    """Returning readers with a month-old comment each (``history.py``), so most load-generator authors are not new."""
    command = [str(VENV_BIN / "python"), str(REPO / "bench" / "history.py")]
    done = subprocess.run(command, cwd=REPO, env=env, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise ServerFailed(f"{name}: seeding the reader history failed: {done.stderr.strip()[-1500:]}")


def _wait_ready(server: Server, timeout: float) -> None:
    """Wait for the port, then post one probe comment with a long timeout: the worker answers once its model loaded.

    One probe at a time, each to its own article: retried probes queued behind a booting worker would otherwise
    race to auto-create the same article (a service bug, see ``loadgen.prime``).
    """
    deadline = time.monotonic() + timeout
    for attempt in itertools.count():
        if server.process.poll() is not None:
            code = server.process.returncode
            raise ServerFailed(f"{server.spec.name}: gunicorn exited with {code}; see {server.log}")
        if time.monotonic() > deadline:
            raise ServerFailed(f"{server.spec.name}: no answer within {timeout:.0f} s; see {server.log}")
        status = _probe(server.port, f"probe-{attempt}", max(1.0, deadline - time.monotonic()))
        if status in (201, 202, 422):
            return
        if status is not None:
            raise ServerFailed(f"{server.spec.name}: probe answered {status}; see {server.log}")
        time.sleep(0.3)


def _probe(port: int, article: str, timeout: float) -> int | None:
    """The probe's status, or ``None`` when nothing listens yet or the connection dropped (worker died)."""
    body = json.dumps({"author_name": "probe", "body": "Ein erster Kommentar zum Aufwärmen."}).encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", f"/api/v1/articles/{article}/comments", body, {"Content-Type": "application/json"})
        return connection.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()
