"""Fakes for slow external ports: a deterministic scorer behind the real ``Scorer`` interface, and a bag-of-words
claim encoder behind the claim matcher's ``EncoderPort``."""

from __future__ import annotations

import re
import threading
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

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


class HashingClaimEncoder:
    """A fast stand-in for the claim encoder: bag-of-words vectors (words of four letters or more, hashed into 256
    dimensions), so a comment that repeats a claim's words is near it and other text is not. ``fail = True`` makes
    it raise."""

    encoder_id = "fake:hashing-claims@3"
    DIMENSIONS = 256
    BACKGROUND = (
        "Guten Morgen, schönes Wetter heute in Berlin.",
        "Thanks for the article, I enjoyed reading it over breakfast.",
        "Der Verkehr in der Innenstadt ist seit Wochen eine Katastrophe.",
        "My team lost again last night, what a season.",
        "Kann jemand ein gutes Rezept für Apfelkuchen empfehlen?",
        "The concert was loud but the band played every song we hoped for.",
        "Die Bahn hatte wieder einmal zwanzig Minuten Verspätung.",
        "We planted tomatoes in the garden and they are finally red.",
        # benign texts on the catalogue's subjects, so only a comment that repeats a claim comes nearer
        "The government published its report on Ukraine, Russia and the war today.",
        "Die Regierung hat heute über die Ukraine, Russland und den Krieg berichtet.",
        "NATO and the European Union met in Brussels to discuss sanctions and weapons for Ukraine.",
        "Western media reported on the referendum, the elections and the refugees in Europe.",
    )

    def __init__(self) -> None:
        self.fail = False
        self.calls = 0

    def background(self) -> Any:
        """The background texts and their mirror images: the mean is zero, so centring changes nothing (word
        counts share no direction that centring would have to remove) and the thresholds come from the texts."""
        vectors = np.stack([self._vector(text) for text in self.BACKGROUND])
        return np.concatenate([vectors, -vectors])

    def embed_raw(self, text: str) -> Any:
        self.calls += 1
        if self.fail:
            raise RuntimeError("simulated claim encoder failure")
        return self._vector(text)

    def _vector(self, text: str) -> Any:
        vector = np.zeros(self.DIMENSIONS, dtype=np.float32)
        for word in re.findall(r"\w{4,}", text.casefold()):
            vector[zlib.crc32(word.encode("utf-8")) % self.DIMENSIONS] += 1.0
        return vector / max(float(np.linalg.norm(vector)), 1e-9)
