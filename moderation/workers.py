"""The background loops (`flask webhooks worker`, `flask models rescore`): their shared stop signal, and
`flask worker`, which runs them all as child processes and stops them all together.

Each loop is its own process (the re-score job loads its own model copy; a stuck webhook receiver never delays
scoring). `flask worker` forwards SIGTERM/SIGINT to every child, waits for each to finish its round, and when one
exits by itself stops the others and exits with its code, so a service manager sees one unit that is either
whole or down (before, `make worker` left the re-score job running after the webhook worker stopped).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

import click
from flask.cli import ScriptInfo

#: The jobs `flask worker` runs: one child process each.
JOBS: tuple[tuple[str, ...], ...] = (
    ("webhooks", "worker"),
    ("models", "rescore"),
    ("privacy", "retention", "--watch"),
    ("notifications", "send"),
)
#: How long a child may take to finish its round after SIGTERM before it is killed.
GRACE_SECONDS = 30.0


@contextmanager
def stop_on_signals() -> Iterator[Callable[[], bool]]:
    """Yields ``stopping()``: true once SIGTERM/SIGINT arrived, so the round in progress finishes before exit."""
    stopped = False

    def stop(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001 (the signal handler signature)
        nonlocal stopped
        stopped = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield lambda: stopped
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def supervise(commands: Sequence[Sequence[str]], *, grace_seconds: float = GRACE_SECONDS, poll: float = 0.2) -> int:
    """Run every command until a signal arrives or one of them exits; then stop the rest (SIGTERM, then SIGKILL
    after ``grace_seconds``). Returns 0 after a signal when every child stopped cleanly, else the first failure."""
    children = [subprocess.Popen(list(command)) for command in commands]
    for command, child in zip(commands, children, strict=True):
        click.echo(f"started {' '.join(command[-2:])} (pid {child.pid})")
    with stop_on_signals() as stopping:
        while not stopping() and all(child.poll() is None for child in children):
            time.sleep(poll)
        signalled = stopping()
    ended_first = [child.returncode for child in children if child.returncode is not None]
    _stop_all(children, grace_seconds)
    if not signalled:
        return next((code for code in ended_first if code), 1)  # a job that ends by itself is a failure
    return next((code for code in (child.returncode for child in children) if code not in (0, -signal.SIGTERM)), 0)


def _stop_all(children: list[subprocess.Popen[bytes]], grace_seconds: float) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    for child in children:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@click.command("worker")
@click.pass_obj
def worker_command(info: ScriptInfo) -> None:
    """Run every background job (webhook delivery, re-scoring) until SIGTERM/SIGINT; stop them all together."""
    app_option = ["--app", info.app_import_path] if info.app_import_path else []
    commands = [[sys.executable, "-m", "flask", *app_option, *job] for job in JOBS]
    raise SystemExit(supervise(commands))
