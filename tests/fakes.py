"""Fakes for slow external ports: a deterministic scorer behind the real ``Scorer`` interface."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from moderation.toxicity.loading import ModelUnavailable

LABELS = ("toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack")


class KeywordScorer:
    """Scores by keywords so tests can choose an outcome: 'idiot' or 'giftzwerg' rejects, 'dumm' holds, anything
    else is civil. "Giftzwerg" is on no watched-words list, so tests of the model's own decisions use it."""

    model_id = "fake:keyword@1"

    def __init__(self) -> None:
        self.calls = 0

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        self.calls += 1
        return [self._one(text.casefold()) for text in texts]

    @staticmethod
    def _one(text: str) -> dict[str, float]:
        scores = dict.fromkeys(LABELS, 0.01)
        if "idiot" in text or "giftzwerg" in text:
            scores.update(toxicity=0.98, insult=0.97)
        elif "dumm" in text:
            scores.update(toxicity=0.62, insult=0.55)
        return scores


class SwitchableScorer:
    """Delegates to one scorer until switched to another: a model that fails, then comes back (or stalls)."""

    def __init__(self, scorer: object) -> None:
        self.current: Any = scorer

    @property
    def model_id(self) -> str:
        return str(self.current.model_id)

    def switch(self, scorer: object) -> None:
        self.current = scorer

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        result: list[dict[str, float]] = self.current.score(texts)
        return result


class FailingScorer:
    model_id = "fake:failing"

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        raise ModelUnavailable("simulated inference failure")


class BlockingScorer:
    """Blocks until released, to simulate a model that misses its deadline."""

    model_id = "fake:blocking"

    def __init__(self) -> None:
        self.release = threading.Event()

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        self.release.wait(timeout=10)
        return [dict.fromkeys(LABELS, 0.0) for _ in texts]
