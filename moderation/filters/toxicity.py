"""Detoxify toxicity scoring behind a small ``Scorer`` interface the moderation pipeline can depend on.

Importing this module is cheap and does no I/O: torch, transformers and detoxify are imported inside the load
function, and a ``DetoxifyScorer`` loads its model lazily, once, on the first ``score()``/``load()``.

Why local checkpoints do not go through ``detoxify.Detoxify`` (detoxify 0.5.4, transformers 5): its loader calls
``<Config>.from_pretrained(model_type)`` with the checkpoint's ``model_type`` (e.g. ``"bert-base-uncased"``) even when
``huggingface_config_path`` is given, so it asks the Hugging Face hub and fails offline; and with
``huggingface_config_path`` it passes the config *path* to the model, dropping the checkpoint's ``num_classes``, so a
stock base config (2 labels) fails with a classifier size mismatch. It only works offline if a directory literally
named like ``model_type`` sits in the working directory. ``_load_checkpoint`` therefore reads the same checkpoint
format itself and builds model and tokenizer from ``config_dir`` with ``local_files_only=True``. Published names keep
detoxify's own (downloading) path, which works unchanged under transformers 5.

Local checkpoints are read with ``torch.load(weights_only=True)`` (detoxify uses ``False``): an operator-supplied file
should not be able to run code. Transformers 5 silently builds a specials-only tokenizer when ``vocab.txt`` is
missing, so ``_build`` compares tokenizer and model vocabulary sizes instead of scoring everything as ``[UNK]``.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

_RELEASES = "https://github.com/unitaryai/detoxify/releases/download/"


@dataclass(frozen=True)
class DetoxifyModel:
    """Where a published checkpoint lives and which Hugging Face base model its config/tokenizer files come from."""

    url: str
    base_model: str
    model_class: str
    tokenizer_class: str


_BERT = ("bert-base-uncased", "BertForSequenceClassification", "BertTokenizer")
_ROBERTA = ("roberta-base", "RobertaForSequenceClassification", "RobertaTokenizer")
_XLMR = ("xlm-roberta-base", "XLMRobertaForSequenceClassification", "XLMRobertaTokenizer")
_ALBERT = ("albert-base-v2", "AlbertForSequenceClassification", "AlbertTokenizer")
#: Copied from ``detoxify.detoxify.MODEL_URLS`` (a test keeps them equal) so reading it needs no torch import.
DETOXIFY_MODELS: dict[str, DetoxifyModel] = {
    "original": DetoxifyModel(_RELEASES + "v0.1-alpha/toxic_original-c1212f89.ckpt", *_BERT),
    "unbiased": DetoxifyModel(_RELEASES + "v0.3-alpha/toxic_debiased-c7548aa0.ckpt", *_ROBERTA),
    "multilingual": DetoxifyModel(_RELEASES + "v0.4-alpha/multilingual_debiased-0b549669.ckpt", *_XLMR),
    "original-small": DetoxifyModel(_RELEASES + "v0.1.2/original-albert-0e1d6498.ckpt", *_ALBERT),
    "unbiased-small": DetoxifyModel(_RELEASES + "v0.1.2/unbiased-albert-c8519128.ckpt", *_ALBERT),
}
CHECKPOINT = "checkpoint"
NONE = "none"
_CHOICES = ", ".join([NONE, *DETOXIFY_MODELS, CHECKPOINT])
#: Detoxify renames the Jigsaw column names to these; we do the same so labels match across models.
_RENAMES = {"toxic": "toxicity", "identity_hate": "identity_attack", "severe_toxic": "severe_toxicity"}
#: All Detoxify base models have 512 positions; the cap holds even if a config dir's tokenizer has no max length.
_MAX_TOKENS = 512


class ModelUnavailable(Exception):
    """Scoring cannot run (no model, load failure, inference error)."""


class Scorer(Protocol):
    """What the pipeline needs: a stable id to record next to verdicts, and batched label probabilities."""

    @property
    def model_id(self) -> str: ...

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]: ...


class NoModelScorer:
    """The default: toxicity scoring is switched off, so every call says so instead of pretending texts are clean."""

    model_id = NONE

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:  # noqa: ARG002 (the Scorer signature)
        raise ModelUnavailable(
            "no toxicity model configured (KOMMENTARE_TOXICITY_MODEL=none); set it to one of "
            f"{_CHOICES.removeprefix(NONE + ', ')} to enable toxicity scoring"
        )


@dataclass(frozen=True)
class _Loaded:
    model: Any
    tokenizer: Any
    labels: tuple[str, ...]


class DetoxifyScorer:
    """A Detoxify model loaded at most once per instance, on first use, and scored one batch at a time.

    One lock serialises both the load (so concurrent first requests do not load twice) and inference (the Rust
    tokenizer raises "Already borrowed" when called from several threads at once). A failed load is remembered and
    re-raised instead of retried, so a broken model costs one attempt per process, not one per request.
    """

    def __init__(
        self, *, model: str, checkpoint: str | None = None, config_dir: str | None = None, device: str = "cpu"
    ) -> None:
        _check_settings(model, checkpoint, config_dir)
        self._model, self._device = model, device
        self._checkpoint = Path(checkpoint) if model == CHECKPOINT and checkpoint else None
        self._config_dir = Path(config_dir) if model == CHECKPOINT and config_dir else None
        self._lock = threading.Lock()
        self._loaded: _Loaded | None = None
        self._error: ModelUnavailable | None = None
        self._digest = ""

    @property
    def model_id(self) -> str:
        """``detoxify:<name>``, or ``detoxify-checkpoint:<file>@<sha256[:12]>`` (the hash appears once loaded)."""
        if self._checkpoint is None:
            return f"detoxify:{self._model}"
        suffix = f"@{self._digest}" if self._digest else ""
        return f"detoxify-checkpoint:{self._checkpoint.name}{suffix}"

    @property
    def labels(self) -> tuple[str, ...]:
        """Detoxify's class names in output order; loads the model if that has not happened yet."""
        with self._lock:
            return self._ensure_loaded().labels

    def load(self) -> None:
        """Load now (e.g. at startup) so the first request does not pay for it; raises ``ModelUnavailable``."""
        with self._lock:
            self._ensure_loaded()

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """One dict per text, label -> probability; any failure becomes ``ModelUnavailable``."""
        if isinstance(texts, str):
            raise TypeError("score() takes a sequence of texts, not a single string")
        with self._lock:
            loaded = self._ensure_loaded()
            try:
                return _predict(loaded, list(texts))
            except Exception as exc:
                raise ModelUnavailable(f"toxicity model {self.model_id} failed to score: {exc}") from exc

    def _ensure_loaded(self) -> _Loaded:
        """Caller holds ``self._lock``."""
        if self._loaded is not None:
            return self._loaded
        if self._error is not None:
            raise ModelUnavailable(str(self._error)) from self._error
        try:
            if self._checkpoint and self._config_dir:
                self._digest = _sha256(self._checkpoint)[:12]
                self._loaded = _load_checkpoint(self._checkpoint, self._config_dir, self._device)
            else:
                self._loaded = _load_published(self._model, self._device)
        except ModelUnavailable as exc:
            self._error = exc
            raise
        except Exception as exc:
            self._error = ModelUnavailable(
                f"could not load toxicity model {self.model_id} ({type(exc).__name__}: {exc}); published models "
                f"download at first use, so without internet set KOMMENTARE_TOXICITY_MODEL={CHECKPOINT} instead"
            )
            raise self._error from exc
        return self._loaded


def build_scorer(*, model: str, checkpoint: str | None, config_dir: str | None, device: str = "cpu") -> Scorer:
    """Map the ``KOMMENTARE_TOXICITY_*`` settings to a scorer; loads nothing (that happens on first use)."""
    if model == NONE:
        return NoModelScorer()
    return DetoxifyScorer(model=model, checkpoint=checkpoint, config_dir=config_dir, device=device)


def _check_settings(model: str, checkpoint: str | None, config_dir: str | None) -> None:
    """Settings mistakes are ``ValueError`` at startup, not a ``ModelUnavailable`` on every request."""
    if model != CHECKPOINT and model not in DETOXIFY_MODELS:
        raise ValueError(f"unknown toxicity model {model!r}; choose one of {_CHOICES}")
    if model == CHECKPOINT and not (checkpoint and config_dir):
        raise ValueError(
            "toxicity model 'checkpoint' needs both KOMMENTARE_TOXICITY_CHECKPOINT (a Detoxify .ckpt file) and "
            "KOMMENTARE_TOXICITY_CONFIG_DIR (the base model's Hugging Face config and tokenizer files)"
        )
    if model != CHECKPOINT and (checkpoint or config_dir):
        raise ValueError(
            f"a toxicity checkpoint/config dir is set but the model is {model!r}; "
            f"set KOMMENTARE_TOXICITY_MODEL={CHECKPOINT} to use the local checkpoint, or unset them"
        )


def _sha256(path: Path) -> str:
    """Identifies the exact weights in ``model_id``; also the place a missing file is reported clearly."""
    if not path.is_file():
        raise ModelUnavailable(
            f"toxicity checkpoint {path} does not exist; set KOMMENTARE_TOXICITY_CHECKPOINT to a Detoxify .ckpt "
            f"file, e.g. {DETOXIFY_MODELS['original'].url}"
        )
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _load_published(name: str, device: str) -> _Loaded:
    """Detoxify's own path: downloads checkpoint, base config and tokenizer on first use, then caches them."""
    from detoxify import Detoxify

    detox = Detoxify(model_type=name, device=device)
    detox.model.eval()
    return _Loaded(detox.model, detox.tokenizer, tuple(detox.class_names))


def _load_checkpoint(path: Path, config_dir: Path, device: str) -> _Loaded:
    """Same checkpoint format as detoxify, but config and tokenizer come only from ``config_dir`` (see module doc)."""
    import pickle

    import torch

    try:
        loaded = torch.load(path, map_location=device, weights_only=True)
        arch = loaded["config"]["arch"]["args"]
        dataset = loaded["config"].get("dataset", {}).get("args", {})
        classes = dataset.get("classes") or arch["classes"]
        state_dict = loaded["state_dict"]
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
        if isinstance(exc, pickle.UnpicklingError):  # torch's own text suggests weights_only=False; we refuse that
            reason = "corrupt, or it pickles objects beyond tensors and plain data"
        raise ModelUnavailable(
            f"toxicity checkpoint {path} is not a readable Detoxify checkpoint ({reason}); replace it with a "
            "Detoxify .ckpt holding {'config': ..., 'state_dict': ...}"
        ) from exc
    model, tokenizer = _build(arch, state_dict, config_dir, device)
    return _Loaded(model, tokenizer, tuple(_RENAMES.get(c, c) for c in classes))


def _build(arch: dict[str, Any], state_dict: Any, config_dir: Path, device: str) -> tuple[Any, Any]:
    base = arch.get("model_type", "<base model>")
    fix = (
        f"set KOMMENTARE_TOXICITY_CONFIG_DIR to a directory holding config.json and the tokenizer files of {base} "
        f"(`hf download {base} --include '*.json' --include '*.txt' --include '*.model' --local-dir DIR`)"
    )
    if not (config_dir / "config.json").is_file():
        raise ModelUnavailable(f"toxicity config dir {config_dir} has no config.json; {fix}")
    try:
        with _hub_offline():
            import transformers

            model_class = getattr(transformers, arch["model_name"])
            config = model_class.config_class.from_pretrained(
                config_dir, num_labels=arch["num_classes"], local_files_only=True
            )
            model = model_class.from_pretrained(None, config=config, state_dict=state_dict, local_files_only=True)
            tokenizer = getattr(transformers, arch["tokenizer_name"]).from_pretrained(config_dir, local_files_only=True)
    except Exception as exc:
        raise ModelUnavailable(
            f"toxicity config dir {config_dir} does not fit the checkpoint ({type(exc).__name__}: {exc}); {fix}"
        ) from exc
    vocab_size = int(model.config.vocab_size)
    if not vocab_size // 2 < len(tokenizer) <= vocab_size:  # transformers 5 builds an empty tokenizer without vocab
        raise ModelUnavailable(
            f"toxicity config dir {config_dir} has a {len(tokenizer)}-token tokenizer for a {vocab_size}-token model "
            f"(tokenizer files missing or from another model); {fix}"
        )
    return model.to(device).eval(), tokenizer


@contextmanager
def _hub_offline() -> Iterator[None]:
    """Belt and braces next to ``local_files_only``: huggingface_hub reads HF_HUB_OFFLINE once, at its first import."""
    previous = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = previous


def _predict(loaded: _Loaded, texts: list[str]) -> list[dict[str, float]]:
    """Sigmoid per label like ``Detoxify.predict``, but one plain-float dict per text (theirs is per label)."""
    import torch

    if not texts:
        return []
    max_length = min(int(getattr(loaded.tokenizer, "model_max_length", _MAX_TOKENS)), _MAX_TOKENS)
    with torch.inference_mode():
        batch = loaded.tokenizer(texts, return_tensors="pt", truncation=True, padding=True, max_length=max_length)
        probabilities = torch.sigmoid(loaded.model(**batch.to(loaded.model.device)).logits).cpu().tolist()
    return [{label: float(row[i]) for i, label in enumerate(loaded.labels)} for row in probabilities]
