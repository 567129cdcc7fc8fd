"""The claim encoder: multilingual-e5-small (not fine-tuned) as an int8 ONNX graph, one text per run.

Loaded lazily, on the first comment (or ``load()`` at start-up), like the toxicity model. One text per run keeps a
text's vector independent of other texts: int8 activation scales are computed per run.
"""

from __future__ import annotations

import functools
import json
import threading
from pathlib import Path
from typing import Any

import numpy as np

from moderation.onnx_sessions import open_session, run

BUNDLED = Path(__file__).resolve().parent / "bundled"
GRAPH = "encoder.int8.onnx"
#: e5 expects a task prefix; "query: " is its prefix for symmetric similarity.
PREFIX = "query: "


class EncoderUnavailable(RuntimeError):
    """The encoder's files are missing or unreadable; the message says which and how to fix it."""


class ClaimEncoder:
    """Sentence vectors (unit length) for comments and claims; thread-safe once loaded."""

    def __init__(self, directory: Path = BUNDLED, *, threads: int = 1) -> None:
        self.directory = directory
        self.threads = threads
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None

    @property
    def graph(self) -> Path:
        return self.directory / GRAPH

    @functools.cached_property
    def encoder_id(self) -> str:
        """Names the graph by its content, so a stored hit says exactly which encoder produced it (read once: every
        hit carries it)."""
        card = self.card()
        return f"e5-small-claims@{card.get('graph_sha256', 'unknown')[:8]}"

    def card(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads((self.directory / "card.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise EncoderUnavailable(f"claim encoder card unreadable in {self.directory}: {exc}") from exc
        return data

    def background(self) -> np.ndarray:
        """Benign texts' raw vectors (see scripts/claim_encoder.py); thresholds are fitted on them."""
        try:
            vectors: np.ndarray = np.load(self.directory / "background.npy").astype(np.float32)
            return vectors
        except (OSError, ValueError) as exc:
            raise EncoderUnavailable(f"claim encoder background unreadable in {self.directory}: {exc}") from exc

    def load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            try:
                from tokenizers import Tokenizer

                session = open_session(self.graph, threads=self.threads)
                tokenizer = Tokenizer.from_file(str(self.directory / "tokenizer.json"))
            except Exception as exc:  # a missing file, a broken graph: say where
                raise EncoderUnavailable(f"claim encoder could not load from {self.directory}: {exc}") from exc
            self._session, self._tokenizer = session, tokenizer

    def embed_raw(self, text: str) -> np.ndarray:
        """The encoder's unit vector of ``text`` (before centring)."""
        self.load()
        ids = self._tokenizer.encode(PREFIX + text).ids
        feed = {"input_ids": np.array([ids], dtype=np.int64), "attention_mask": np.ones((1, len(ids)), np.int64)}
        [vectors] = run(self._session, ["embedding"], feed)
        return np.asarray(vectors[0], dtype=np.float32)
