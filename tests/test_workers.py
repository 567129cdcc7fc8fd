"""`flask worker` runs every background job and stops them all together: on SIGTERM, and when one of them dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from moderation.workers import JOBS, supervise

SLEEPER = [sys.executable, "-c", "import time\nwhile True: time.sleep(0.1)"]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_one_job_dying_stops_the_others_and_fails() -> None:
    started = time.monotonic()
    code = supervise([SLEEPER, [sys.executable, "-c", "raise SystemExit(3)"]], grace_seconds=5)
    assert code == 3 and time.monotonic() - started < 10


def test_a_job_that_ignores_sigterm_is_killed_after_the_grace_period() -> None:
    stubborn = [
        sys.executable,
        "-c",
        "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\ntime.sleep(60)",
    ]
    started = time.monotonic()
    assert supervise([stubborn, [sys.executable, "-c", "pass"]], grace_seconds=1) == 1  # ended by itself: a failure
    assert time.monotonic() - started < 15


def test_flask_worker_stops_every_job_on_sigterm(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    env = {
        **os.environ,
        "FLASK_APP": "app:create_app",
        "KOMMENTARE_ENVIRONMENT": "development",
        "KOMMENTARE_DATABASE_URL": f"sqlite:///{tmp_path / 'worker.db'}",
        "KOMMENTARE_TOXICITY_MODEL": "none",
        "KOMMENTARE_RESCORE_POLL_SECONDS": "0.2",
        "KOMMENTARE_WEBHOOK_POLL_SECONDS": "0.2",
    }
    flask = [sys.executable, "-m", "flask"]
    subprocess.run([*flask, "db", "upgrade"], cwd=root, env=env, check=True, capture_output=True, timeout=120)
    parent = subprocess.Popen(
        [*flask, "worker"], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert parent.stdout is not None
    pids: list[int] = []
    for line in parent.stdout:  # the app's own log lines come first
        if line.startswith("started "):
            pids.append(int(line.rsplit("pid ", 1)[1].rstrip(")\n")))
        if len(pids) == len(JOBS):
            break
    time.sleep(3)  # both jobs started their loops
    assert all(alive(pid) for pid in pids) and parent.poll() is None
    parent.send_signal(signal.SIGTERM)
    try:
        assert parent.wait(timeout=60) == 0, parent.stdout.read()
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in pids)


@pytest.mark.parametrize("job", JOBS)
def test_every_job_is_a_command_of_the_app(job: tuple[str, ...]) -> None:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "FLASK_APP": "app:create_app", "KOMMENTARE_ENVIRONMENT": "development"}
    shown = subprocess.run(
        [sys.executable, "-m", "flask", *job, "--help"], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert shown.returncode == 0 and "SIGTERM/SIGINT" in shown.stdout
