"""Serving a checked model through ONNX Runtime: the same weights and scores without torch in the worker.

A worker that imports torch and transformers for the bundled model holds about 450-550 MB; the model itself is
5 MB. ``flask models export-onnx`` loads the checkpoint through the Detoxify path (``loading.load_files``, still
the only loading interface), exports its graph beside the checkpoint (``<stem>.onnx``) with the fast tokenizer
(``<stem>.tokenizer.json``) and a sidecar (``<stem>.onnx.json``) that names the checkpoint's and the graph's
SHA-256 and a few probe texts with the torch scores. A worker whose model has a sidecar matching its checkpoint
serves it with ``onnxruntime`` and ``tokenizers`` alone (``KOMMENTARE_TOXICITY_RUNTIME=auto``): at load it scores
the probes and keeps the graph only if every score is within 1e-4 of torch's; otherwise (or if the runtime cannot
start) it falls back to the torch scorer with a warning. The model id stays the checkpoint's: the same weights.

With ``KOMMENTARE_TOXICITY_QUANTIZE=int8`` the worker serves ``<stem>.int8.onnx`` instead, the same graph with its
linear layers dynamically quantised to int8 by ONNX Runtime: its sidecar's probe scores are the int8 graph's own (so
the load check proves the file and the runtime, not agreement with fp32), its drift from fp32 is recorded beside
them, and the model id ends in ``+onnx-int8``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderation.onnx_sessions import open_session, run
from moderation.thresholds import Thresholds
from moderation.toxicity.loading import ModelUnavailable, sha256_file
from moderation.toxicity.locked import LockedScorer
from moderation.toxicity.registry import ModelFiles

log = logging.getLogger(__name__)

#: Largest score difference to torch the probe check accepts.
TOLERANCE = 1e-4
PROBES = (
    "Danke für den gründlichen Bericht über die Verwundeten.",
    "Du bist ein Idiot und solltest den Mund halten.",
    "Die Propaganda aus Moskau glaubt doch niemand mehr, oder?",
    "This is a civil comment in English about the hospital story.",
    " ".join(["Ein sehr langer Kommentar, der weit über das hinausgeht, was das Modell lesen kann."] * 20),
)


@dataclass(frozen=True)
class OnnxExport:
    graph: Path
    tokenizer: Path
    sidecar: dict[str, Any]


def paths(files: ModelFiles, quantize: str = "none") -> tuple[Path, Path, Path]:
    """Graph, tokenizer and sidecar beside the checkpoint; ``int8`` names the dynamically quantised graph."""
    stem = files.checkpoint.with_suffix("")
    graph = f"{stem}.int8.onnx" if quantize == "int8" else f"{stem}.onnx"
    return Path(graph), Path(f"{stem}.tokenizer.json"), Path(f"{graph}.json")


def export_for(files: ModelFiles, quantize: str = "none") -> OnnxExport | None:
    """The export beside the checkpoint if it was made from exactly this checkpoint and is intact, else None."""
    graph, tokenizer, sidecar_path = paths(files, quantize)
    if not (graph.is_file() and tokenizer.is_file() and sidecar_path.is_file() and files.checkpoint.is_file()):
        return None
    sidecar = json.loads(sidecar_path.read_text())
    if sidecar.get("checkpoint_sha256") != sha256_file(files.checkpoint):
        log.warning("%s was exported from another checkpoint: serving with torch", graph.name)
        return None
    if sidecar.get("onnx_sha256") != sha256_file(graph):
        log.warning("%s does not match its sidecar: serving with torch", graph.name)
        return None
    return OnnxExport(graph, tokenizer, sidecar)


class OnnxScorer(LockedScorer):
    """The ``EncodingScorer`` of an export: one session and tokenizer per process behind one lock (as
    ``DetoxifyScorer``); ``fallback`` builds the torch scorer used when the probe check or the runtime fails."""

    def __init__(
        self,
        *,
        export: OnnxExport,
        model_id: Callable[[], str],
        fallback: Callable[[], Any],
        threads: int = 1,
        default_thresholds: Thresholds | None = None,
    ) -> None:
        super().__init__()
        self._export, self._model_id, self._fallback, self._threads = export, model_id, fallback, threads
        #: The model card's thresholds (as the torch scorer reports them).
        self.default_thresholds = default_thresholds
        self._session: Any = None
        self._tokenizer: Any = None
        self._delegate: Any = None

    @property
    def model_id(self) -> str:
        return str(self._delegate.model_id) if self._delegate is not None else self._model_id()

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self._export.sidecar["labels"])

    @property
    def runtime(self) -> str:
        """``onnx``, or ``torch`` after a fallback (``unloaded`` before the first load)."""
        if self._delegate is not None:
            return "torch"
        return "onnx" if self._session is not None else "unloaded"

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        with self._lock:
            if self._ensure_loaded() is not None:
                return list(self._delegate.encode(texts))
            return [list(item.ids) for item in self._tokenizer.encode_batch(list(texts))] if texts else []

    def score_encoded(self, batch: Sequence[Sequence[int]]) -> list[dict[str, float]]:
        with self._lock:
            if self._ensure_loaded() is not None:
                return list(self._delegate.score_encoded(batch))
            try:
                return _run(self._session, batch, self._export.sidecar) if batch else []
            except Exception as exc:
                raise ModelUnavailable(f"toxicity model {self.model_id} (onnx) failed to score: {exc}") from exc

    def _ensure_loaded(self) -> Any:
        """None when the graph serves; the torch scorer after a fallback. Caller holds the lock."""
        if self._session is not None or self._delegate is not None:
            return self._delegate
        try:
            self._session, self._tokenizer = _open(self._export, self._threads)
            drift = _probe_drift(self._session, self._tokenizer, self._export.sidecar)
        except Exception as exc:  # the runtime cannot start: torch serves
            return self._fall_back(f"{type(exc).__name__}: {exc}")
        if drift > TOLERANCE:
            return self._fall_back(f"probe scores differ from torch by {drift:.2e} (> {TOLERANCE})")
        log.info("toxicity model %s served by onnxruntime (probe drift %.1e)", self.model_id, drift)
        return None

    def _fall_back(self, why: str) -> Any:
        log.warning("ONNX export %s not used (%s): serving with torch", self._export.graph.name, why)
        self._session = None
        self._delegate = self._fallback()
        return self._delegate


def _open(export: OnnxExport, threads: int) -> tuple[Any, Any]:
    from tokenizers import Tokenizer

    session = open_session(export.graph, threads=threads)  # the master's, when it loaded this graph before fork
    tokenizer = Tokenizer.from_file(str(export.tokenizer))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=int(export.sidecar["token_limit"]))
    return session, tokenizer


def _run(session: Any, batch: Sequence[Sequence[int]], sidecar: dict[str, Any]) -> list[dict[str, float]]:
    """Right-pads like ``loading.pad_batch``; sigmoid per label like ``Detoxify.predict``."""
    import numpy as np

    width = max(len(row) for row in batch)
    ids = np.full((len(batch), width), int(sidecar["pad_token_id"]), dtype=np.int64)
    mask = np.zeros_like(ids)
    for index, row in enumerate(batch):
        ids[index, : len(row)] = row
        mask[index, : len(row)] = 1
    logits = run(session, ["logits"], {"input_ids": ids, "attention_mask": mask})[0]
    probabilities = 1.0 / (1.0 + np.exp(-logits))
    return [{label: float(row[i]) for i, label in enumerate(sidecar["labels"])} for row in probabilities]


def _probe_drift(session: Any, tokenizer: Any, sidecar: dict[str, Any]) -> float:
    """The largest difference between the graph's and torch's scores of the probe texts (and their token ids)."""
    probes = sidecar["probes"]
    encoded = [list(item.ids) for item in tokenizer.encode_batch([probe["text"] for probe in probes])]
    if encoded != [probe["ids"] for probe in probes]:
        return float("inf")
    scores = _run(session, encoded, sidecar)
    pairs = zip(scores, probes, strict=True)
    return max(abs(row[label] - float(probe["scores"][label])) for row, probe in pairs for label in row)
