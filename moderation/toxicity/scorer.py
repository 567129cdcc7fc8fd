"""The ``Scorer`` interface the pipeline depends on, and the Detoxify implementation behind it.

A ``DetoxifyScorer`` loads its model at most once, lazily or on ``load()``; construction does no I/O. Scoring is split
into ``encode`` (tokenise, truncate) and ``score_encoded`` (pad one batch, run the model) so the micro-batcher can
sort requests by token length and cap a batch's padded size before any model time is spent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from moderation.thresholds import Thresholds
from moderation.toxicity.loading import (
    LoadedModel,
    ModelUnavailable,
    load_files,
    load_published,
    pad_batch,
    position_limit,
    quantize_int8,
)
from moderation.toxicity.loading import sha256_file as sha256_file
from moderation.toxicity.locked import LockedScorer
from moderation.toxicity.onnx import OnnxScorer, export_for, paths
from moderation.toxicity.registry import (
    BUNDLED,
    CHECKPOINT,
    NONE,
    ModelConfigError,
    ModelFiles,
    card_thresholds,
    resolve,
)
from moderation.toxicity.tracing import trace_classifier

QUANTIZE_CHOICES = ("none", "int8")
#: ``auto``: an ONNX export beside the checkpoint serves it when it matches (``onnx.py``), torch otherwise.
RUNTIME_CHOICES = ("auto", "torch", "onnx")


class Scorer(Protocol):
    """What the pipeline needs: a stable id to record next to verdicts, and batched label probabilities."""

    @property
    def model_id(self) -> str: ...

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]: ...


@runtime_checkable
class EncodingScorer(Protocol):
    """A scorer the micro-batcher can batch by token length."""

    def encode(self, texts: Sequence[str]) -> list[list[int]]: ...

    def score_encoded(self, batch: Sequence[Sequence[int]]) -> list[dict[str, float]]: ...


class NoModelScorer:
    """Toxicity scoring switched off: every call says so instead of pretending texts are clean."""

    model_id = NONE

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:  # noqa: ARG002 (the Scorer signature)
        raise ModelUnavailable(
            "no toxicity model configured (KOMMENTARE_TOXICITY_MODEL=none); set it to 'bundled' or another model "
            "to enable toxicity scoring"
        )


class DetoxifyScorer(LockedScorer):
    """One model per instance (one per process), shared by all threads behind the lock (``LockedScorer``). A
    failed load is remembered and re-raised instead of retried."""

    def __init__(
        self,
        *,
        name: str,
        files: ModelFiles | None,
        device: str = "cpu",
        quantize: str = "none",
        max_tokens: int = 256,
        threads: int = 0,
        trace: bool = False,
    ) -> None:
        super().__init__()
        self._name, self._files, self._device, self._threads = name, files, device, threads
        self._quantize, self._max_tokens, self._trace = quantize, max_tokens, trace
        self._token_limit = max_tokens  # lowered at load to what the model can read
        self._loaded: LoadedModel | None = None
        self._error: ModelUnavailable | None = None
        self._digest = ""

    @property
    def model_id(self) -> str:
        """``bundled:<file>@<sha>``, ``detoxify:<name>`` or ``detoxify-checkpoint:<file>@<sha>``; ``+int8`` when so."""
        suffix = "+int8" if self._quantize == "int8" else ""
        if self._files is None:
            return f"detoxify:{self._name}{suffix}"
        digest = f"@{self._digest}" if self._digest else ""
        prefix = "detoxify-checkpoint" if self._name == CHECKPOINT else self._name
        return f"{prefix}:{self._files.checkpoint.name}{digest}{suffix}"

    @property
    def default_thresholds(self) -> Thresholds | None:
        """The thresholds the model's card names (None: the model has none, the generic defaults apply)."""
        return card_thresholds(self._files)

    @property
    def labels(self) -> tuple[str, ...]:
        with self._lock:
            return self._ensure_loaded().labels

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids per text, truncated to ``max_tokens`` or what the model can read if less (special tokens
        included)."""
        with self._lock:
            loaded = self._ensure_loaded()
            if not texts:
                return []
            try:
                encoded = loaded.tokenizer(list(texts), truncation=True, max_length=self._token_limit)
            except Exception as exc:
                raise ModelUnavailable(f"toxicity model {self.model_id} failed to tokenise: {exc}") from exc
            return [list(ids) for ids in encoded["input_ids"]]

    def score_encoded(self, batch: Sequence[Sequence[int]]) -> list[dict[str, float]]:
        """Sigmoid per label like ``Detoxify.predict``, one plain-float dict per text."""
        with self._lock:
            loaded = self._ensure_loaded()
            if not batch:
                return []
            try:
                return _predict(loaded, batch)
            except Exception as exc:
                raise ModelUnavailable(f"toxicity model {self.model_id} failed to score: {exc}") from exc

    def _ensure_loaded(self) -> LoadedModel:
        """Caller holds ``self._lock``."""
        if self._loaded is not None:
            return self._loaded
        if self._error is not None:
            raise ModelUnavailable(str(self._error)) from self._error
        try:
            loaded = self._load()
        except ModelUnavailable as exc:
            self._error = exc
            raise
        except Exception as exc:
            self._error = ModelUnavailable(
                f"could not load toxicity model {self.model_id} ({type(exc).__name__}: {exc}); published models "
                f"download at first use, so without internet run `flask models pull {self._name}` where there is "
                f"internet and copy the model directory over, or use KOMMENTARE_TOXICITY_MODEL={BUNDLED}"
            )
            raise self._error from exc
        self._loaded = loaded
        return loaded

    def _load(self) -> LoadedModel:
        if self._threads > 0:
            import torch

            torch.set_num_threads(self._threads)
        if self._files is None:
            loaded = load_published(self._name, device=self._device)
        else:
            if self._files.checkpoint.is_file():
                self._digest = sha256_file(self._files.checkpoint)[:12]
            loaded = load_files(self._files, device=self._device)
        self._token_limit = min(self._max_tokens, position_limit(loaded.model, loaded.tokenizer) or self._max_tokens)
        if self._quantize == "int8":
            loaded = LoadedModel(quantize_int8(loaded.model), loaded.tokenizer, loaded.labels)
        if self._trace:
            loaded = LoadedModel(trace_classifier(loaded.model, loaded.tokenizer), loaded.tokenizer, loaded.labels)
        return loaded


def build_scorer(
    *,
    model: str,
    model_dir: Path,
    checkpoint: str = "",
    config_dir: str = "",
    device: str = "cpu",
    quantize: str = "none",
    max_tokens: int = 256,
    threads: int = 0,
    trace: bool = False,
    runtime: str = "torch",
) -> Scorer:
    """Map the ``KOMMENTARE_TOXICITY_*`` settings to a scorer; raises ``ModelConfigError``, loads nothing."""
    if quantize not in QUANTIZE_CHOICES:
        raise ValueError(f"KOMMENTARE_TOXICITY_QUANTIZE={quantize!r}; choose one of {', '.join(QUANTIZE_CHOICES)}")
    if runtime not in RUNTIME_CHOICES:
        raise ValueError(f"KOMMENTARE_TOXICITY_RUNTIME={runtime!r}; choose one of {', '.join(RUNTIME_CHOICES)}")
    files = resolve(name=model, model_dir=model_dir, checkpoint=checkpoint, config_dir=config_dir)
    if model == NONE:
        return NoModelScorer()

    def torch_scorer() -> DetoxifyScorer:
        return DetoxifyScorer(
            name=model,
            files=files,
            device=device,
            quantize=quantize,
            max_tokens=max_tokens,
            threads=threads,
            trace=trace,
        )

    if runtime == "torch":
        return torch_scorer()
    return _onnx_or_torch(model, files, runtime=runtime, quantize=quantize, threads=threads, torch_scorer=torch_scorer)


def _onnx_or_torch(
    model: str,
    files: ModelFiles | None,
    *,
    runtime: str,
    quantize: str,
    threads: int,
    torch_scorer: Callable[[], DetoxifyScorer],
) -> Scorer:
    """The export's scorer (torch as its fallback) when one matches the checkpoint; ``onnx`` insists on it."""
    export = export_for(files, quantize) if files is not None else None
    if export is not None:
        prefix = "detoxify-checkpoint" if model == CHECKPOINT else model
        suffix = "+onnx-int8" if quantize == "int8" else ""
        model_id = f"{prefix}:{export.sidecar['checkpoint']}@{export.sidecar['checkpoint_sha256'][:12]}{suffix}"
        return OnnxScorer(
            export=export,
            model_id=lambda: model_id,
            fallback=torch_scorer,
            threads=threads,
            default_thresholds=card_thresholds(files),
        )
    if runtime == "onnx":
        where = paths(files, quantize)[0] if files is not None else "beside a local checkpoint"
        raise ModelConfigError(
            f"KOMMENTARE_TOXICITY_RUNTIME=onnx, but no export matching the checkpoint is at {where}; run "
            "`flask models export-onnx`, or use KOMMENTARE_TOXICITY_RUNTIME=auto"
        )
    return torch_scorer()


def _predict(loaded: LoadedModel, batch: Sequence[Sequence[int]]) -> list[dict[str, float]]:
    """Right-pads the batch to its longest member; the caller keeps similar lengths together."""
    import torch

    input_ids, attention = pad_batch(batch, loaded.tokenizer.pad_token_id or 0)
    device = loaded.model.device if hasattr(loaded.model, "device") else "cpu"
    with torch.inference_mode():
        logits = loaded.model(input_ids=input_ids.to(device), attention_mask=attention.to(device)).logits
        probabilities: list[list[float]] = torch.sigmoid(logits).cpu().tolist()
    return [{label: float(row[i]) for i, label in enumerate(loaded.labels)} for row in probabilities]
