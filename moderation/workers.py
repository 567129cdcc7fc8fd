"""Shared shape of the background loops (`flask webhooks worker`, `flask models rescore`)."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType


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
