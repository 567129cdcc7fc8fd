"""Turning model files into a ready torch model and tokenizer, through detoxify's own loader.

Local checkpoints go through ``detoxify.detoxify.get_model_and_tokenizer`` with the config dir's absolute path as
``model_type``. Why not ``detoxify.Detoxify(checkpoint=..., huggingface_config_path=...)`` directly (detoxify 0.5.4,
transformers 5): it calls ``<Config>.from_pretrained(model_type)`` with the checkpoint's ``model_type`` (e.g.
``"bert-base-uncased"``), which asks the Hugging Face hub and fails offline unless a directory of that name sits in
the working directory; and with ``huggingface_config_path`` it builds the model from the path's config, dropping the
checkpoint's ``num_classes``, so a stock base config (2 labels) fails with a classifier size mismatch. Passing the
directory as ``model_type`` and no ``huggingface_config_path`` avoids both and touches no network; HF_HUB_OFFLINE is
set around the call as well.

Checkpoints are read with ``torch.load(weights_only=True)`` (detoxify uses ``False``) so an operator-supplied file
cannot run code. Published names without local files keep detoxify's own downloading path.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderation.toxicity.registry import ModelFiles

#: Detoxify renames the Jigsaw column names to these; we do the same so labels match across models.
RENAMES = {"toxic": "toxicity", "identity_hate": "identity_attack", "severe_toxic": "severe_toxicity"}


class ModelUnavailable(Exception):
    """Scoring cannot run (no model, load failure, inference error)."""


@dataclass(frozen=True)
class LoadedModel:
    model: Any
    tokenizer: Any
    labels: tuple[str, ...]


def sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def load_files(files: ModelFiles, *, device: str) -> LoadedModel:
    """Load a local checkpoint with its config dir; every failure is one ``ModelUnavailable`` naming the fix."""
    if not files.checkpoint.is_file():
        raise ModelUnavailable(
            f"toxicity checkpoint {files.checkpoint} does not exist; set KOMMENTARE_TOXICITY_CHECKPOINT to a "
            "Detoxify .ckpt file, or run `flask models pull NAME` for a published model"
        )
    arch, classes, state_dict = _read_checkpoint(files.checkpoint, device)
    model, tokenizer = _build(arch, state_dict, files, device)
    return LoadedModel(model, tokenizer, tuple(RENAMES.get(c, c) for c in classes))


def load_published(name: str, *, device: str) -> LoadedModel:
    """Detoxify's own path: downloads checkpoint, base config and tokenizer on first use, then caches them."""
    from detoxify import Detoxify

    detox = Detoxify(model_type=name, device=device)
    return LoadedModel(detox.model.eval(), detox.tokenizer, tuple(detox.class_names))


def quantize_int8(model: Any) -> Any:
    """Dynamic int8 for every Linear layer: about 2-4x faster on CPU, scores drift slightly (see README).

    torch 2.13 marks eager-mode quantisation deprecated in favour of torchao, which is not installed here; the
    warnings are silenced for this call only, so the rest of the process still sees its warnings.
    """
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        return torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
            model, {torch.nn.Linear}, dtype=torch.qint8
        )


def position_limit(model: Any, tokenizer: Any) -> int | None:
    """How many tokens (special tokens included) the model can read at once, if it says.

    A longer input does not fail politely: it breaks the position embeddings. The bundled model has 128 positions
    and RoBERTa-style models lose two to their padding offset.
    """
    limits = []
    config = getattr(model, "config", None)
    positions = getattr(config, "max_position_embeddings", None)
    if isinstance(positions, int):
        offset = 2 if getattr(config, "model_type", "") in ("roberta", "xlm-roberta", "camembert") else 0
        limits.append(positions - offset)
    declared = getattr(tokenizer, "model_max_length", None)
    if isinstance(declared, int) and declared < 1_000_000:  # transformers' "no limit" is a huge sentinel
        limits.append(declared)
    return min(limits) if limits else None


def pad_batch(rows: Sequence[Sequence[int]], pad_id: int) -> tuple[Any, Any]:
    """Right-padded token ids and their attention mask, as the model is called everywhere."""
    import torch

    width = max(len(ids) for ids in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for row, tokens in enumerate(rows):
        ids[row, : len(tokens)] = torch.tensor(tokens, dtype=torch.long)
        mask[row, : len(tokens)] = 1
    return ids, mask


def _read_checkpoint(path: Path, device: str) -> tuple[dict[str, Any], list[str], Any]:
    import torch

    try:
        loaded = torch.load(path, map_location=device, weights_only=True)
        arch = loaded["config"]["arch"]["args"]
        dataset = loaded["config"].get("dataset", {}).get("args", {})
        return arch, dataset.get("classes") or arch["classes"], loaded["state_dict"]
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
        if isinstance(exc, pickle.UnpicklingError):  # torch's own text suggests weights_only=False; we refuse that
            reason = "corrupt, or it pickles objects beyond tensors and plain data"
        raise ModelUnavailable(
            f"toxicity checkpoint {path} is not a readable Detoxify checkpoint ({reason}); replace it with a "
            "Detoxify .ckpt holding {'config': ..., 'state_dict': ...}"
        ) from exc


def _build(arch: dict[str, Any], state_dict: Any, files: ModelFiles, device: str) -> tuple[Any, Any]:
    base = arch.get("model_type", files.base)
    config_dir = files.config_dir
    fix = (
        f"set KOMMENTARE_TOXICITY_CONFIG_DIR to a directory holding config.json and the tokenizer files of {base} "
        f"(`flask models pull NAME`, or `hf download {base} --include '*.json' '*.txt' '*.model' --local-dir DIR`)"
    )
    if not (config_dir / "config.json").is_file():
        raise ModelUnavailable(f"toxicity config dir {config_dir} has no config.json; {fix}")
    try:
        with hub_offline():
            from detoxify.detoxify import get_model_and_tokenizer

            model, tokenizer = get_model_and_tokenizer(
                model_type=str(config_dir.resolve()),
                model_name=arch["model_name"],
                tokenizer_name=arch["tokenizer_name"],
                num_classes=arch["num_classes"],
                state_dict=state_dict,
            )
    except Exception as exc:
        raise ModelUnavailable(
            f"toxicity config dir {config_dir} does not fit the checkpoint ({type(exc).__name__}: {exc}); {fix}"
        ) from exc
    _check_vocabulary(model, tokenizer, config_dir, fix)
    return model.to(device).eval(), tokenizer


def _check_vocabulary(model: Any, tokenizer: Any, config_dir: Path, fix: str) -> None:
    """Transformers 5 silently builds a specials-only tokenizer when vocab files are missing: every text = [UNK]."""
    vocab_size = int(model.config.vocab_size)
    if not vocab_size // 2 < len(tokenizer) <= vocab_size:
        raise ModelUnavailable(
            f"toxicity config dir {config_dir} has a {len(tokenizer)}-token tokenizer for a {vocab_size}-token model "
            f"(tokenizer files missing or from another model); {fix}"
        )


@contextmanager
def hub_offline() -> Iterator[None]:
    """Belt and braces next to local paths: huggingface_hub reads HF_HUB_OFFLINE once, at its first import."""
    previous = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = previous
