"""What every real scorer shares: one lock per process around a tokenizer and a model that load once."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any


class LockedScorer:
    """``load`` and ``score`` over a subclass's ``_ensure_loaded``, ``encode`` and ``score_encoded``.

    The Rust tokenizer raises "Already borrowed" when called from several threads at once, and one inference at a
    time is what a CPU-bound model wants anyway, so one re-entrant lock serialises both.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()

    def _ensure_loaded(self) -> Any:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def encode(self, texts: Sequence[str]) -> list[list[int]]:  # pragma: no cover
        raise NotImplementedError

    def score_encoded(self, batch: Sequence[Sequence[int]]) -> list[dict[str, float]]:  # pragma: no cover
        raise NotImplementedError

    def load(self) -> None:
        """Load now (at start-up) so the first reader does not pay for it; raises ``ModelUnavailable``."""
        with self._lock:
            self._ensure_loaded()

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        if isinstance(texts, str):
            raise TypeError("score() takes a sequence of texts, not a single string")
        with self._lock:
            return self.score_encoded(self.encode(texts))
