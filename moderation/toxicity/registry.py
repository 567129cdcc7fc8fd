"""The models Kommentare knows, and where each one's files live on disk.

Every model is a Detoxify-format checkpoint (``{"config": ..., "state_dict": ...}``) plus a directory with its base
model's Hugging Face config and tokenizer files, named like the checkpoint's ``model_type`` (the layout under which
plain ``detoxify.Detoxify(checkpoint=..., huggingface_config_path=...)`` also works from that directory).

* ``bundled`` ships inside the package (trained by ``make train-model``), so a fresh machine moderates offline.
* The five published Detoxify models live under ``<model dir>/<name>/`` once ``flask models pull NAME`` (or a hand
  copy) put them there; until then they download on first use through detoxify itself, which needs internet.
* ``checkpoint`` is any Detoxify-format file the operator names in settings.

Nothing here imports torch: reading the registry is cheap enough for start-up checks and ``flask models list``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from moderation.thresholds import Thresholds, validate_overrides

#: Where detoxify 0.5.4 downloads its releases from (``detoxify.detoxify.DOWNLOAD_URL``; a test keeps them equal).
RELEASES_URL = "https://github.com/unitaryai/detoxify/releases/download/"
HUB_URL = "https://huggingface.co"
BUNDLED = "bundled"
CHECKPOINT = "checkpoint"
NONE = "none"
BUNDLED_DIR = Path(__file__).parent / "bundled"
BUNDLED_BASE = "kommentare-e5"
#: Tokenizer files worth fetching when the base repository has them; a missing one is not an error.
OPTIONAL_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")


class ModelConfigError(ValueError):
    """The settings name a model that cannot be used; the message says what to change."""


@dataclass(frozen=True)
class PublishedModel:
    """A Detoxify release: its checkpoint's path under the release URL and the base model it needs."""

    name: str
    release_path: str
    base_model: str
    model_class: str
    tokenizer_class: str
    base_files: tuple[str, ...]

    @property
    def url(self) -> str:
        return RELEASES_URL + self.release_path

    @property
    def checkpoint_name(self) -> str:
        return self.release_path.rsplit("/", 1)[-1]

    @property
    def sha256_prefix(self) -> str:
        """Release files are named ``<stem>-<first 8 hex of sha256>.ckpt`` (torch.hub's convention)."""
        return self.checkpoint_name.removesuffix(".ckpt").rsplit("-", 1)[-1]


_BERT = ("bert-base-uncased", "BertForSequenceClassification", "BertTokenizer", ("config.json", "vocab.txt"))
_ROBERTA = (
    "roberta-base",
    "RobertaForSequenceClassification",
    "RobertaTokenizer",
    ("config.json", "vocab.json", "merges.txt"),
)
_XLMR = (
    "xlm-roberta-base",
    "XLMRobertaForSequenceClassification",
    "XLMRobertaTokenizer",
    ("config.json", "sentencepiece.bpe.model"),
)
_ALBERT = ("albert-base-v2", "AlbertForSequenceClassification", "AlbertTokenizer", ("config.json", "spiece.model"))
PUBLISHED: dict[str, PublishedModel] = {
    model.name: model
    for model in (
        PublishedModel("original", "v0.1-alpha/toxic_original-c1212f89.ckpt", *_BERT),
        PublishedModel("unbiased", "v0.3-alpha/toxic_debiased-c7548aa0.ckpt", *_ROBERTA),
        PublishedModel("multilingual", "v0.4-alpha/multilingual_debiased-0b549669.ckpt", *_XLMR),
        PublishedModel("original-small", "v0.1.2/original-albert-0e1d6498.ckpt", *_ALBERT),
        PublishedModel("unbiased-small", "v0.1.2/unbiased-albert-c8519128.ckpt", *_ALBERT),
    )
}
CHOICES = (NONE, BUNDLED, *PUBLISHED, CHECKPOINT)


@dataclass(frozen=True)
class ModelFiles:
    """A checkpoint and its config dir on disk; ``base`` names the Hugging Face model the config came from."""

    checkpoint: Path
    config_dir: Path
    base: str

    @property
    def present(self) -> bool:
        return self.checkpoint.is_file() and (self.config_dir / "config.json").is_file()

    @property
    def card(self) -> Path:
        """``model-card.json`` beside the checkpoint: how the model was trained, and its default thresholds."""
        return self.checkpoint.parent / MODEL_CARD


MODEL_CARD = "model-card.json"


def card_thresholds(files: ModelFiles | None) -> Thresholds | None:
    """The model's own default thresholds from its card (chosen on validation data, see scripts/fit_thresholds.py);
    None when the model has no card or the card names none. ``ModelConfigError`` if the card's values are invalid."""
    if files is None or not files.card.is_file():
        return None
    raw = json.loads(files.card.read_text(encoding="utf-8")).get("default_thresholds")
    if raw is None:
        return None
    try:
        return validate_overrides(raw)
    except ValueError as exc:
        raise ModelConfigError(f"{files.card}: default_thresholds: {exc}") from exc


def bundled_files() -> ModelFiles:
    """The newest-named bundled checkpoint (``make train-model`` leaves exactly one)."""
    found = sorted(BUNDLED_DIR.glob(f"{BUNDLED_BASE}-*.ckpt"))
    checkpoint = found[-1] if found else BUNDLED_DIR / f"{BUNDLED_BASE}.ckpt"
    return ModelFiles(checkpoint, BUNDLED_DIR / BUNDLED_BASE, BUNDLED_BASE)


def published_files(model: PublishedModel, model_dir: Path) -> ModelFiles:
    folder = model_dir / model.name
    return ModelFiles(folder / model.checkpoint_name, folder / model.base_model, model.base_model)


def resolve(*, name: str, model_dir: Path, checkpoint: str = "", config_dir: str = "") -> ModelFiles | None:
    """Local files for ``name``; ``None`` means no files (model ``none``, or a published model not pulled yet)."""
    if name not in CHOICES:
        raise ModelConfigError(f"unknown toxicity model {name!r}; choose one of {', '.join(CHOICES)}")
    if name != CHECKPOINT and (checkpoint or config_dir):
        raise ModelConfigError(
            f"a toxicity checkpoint/config dir is set but the model is {name!r}; "
            f"set KOMMENTARE_TOXICITY_MODEL={CHECKPOINT} to use the local checkpoint, or unset them"
        )
    if name == NONE:
        return None
    if name == BUNDLED:
        return bundled_files()
    if name == CHECKPOINT:
        if not (checkpoint and config_dir):
            raise ModelConfigError(
                "toxicity model 'checkpoint' needs both KOMMENTARE_TOXICITY_CHECKPOINT (a Detoxify .ckpt file) and "
                "KOMMENTARE_TOXICITY_CONFIG_DIR (the base model's Hugging Face config and tokenizer files)"
            )
        return ModelFiles(Path(checkpoint), Path(config_dir), "<base model>")
    files = published_files(PUBLISHED[name], model_dir)
    return files if files.present else None


def check_files(files: ModelFiles) -> None:
    """Start-up check, no torch: the files must exist; whether they load is checked when the model loads."""
    if not files.checkpoint.is_file():
        raise ModelConfigError(
            f"toxicity checkpoint {files.checkpoint} does not exist; set KOMMENTARE_TOXICITY_CHECKPOINT to a Detoxify "
            f".ckpt file, run `flask models pull NAME`, or run `make train-model` for the bundled model"
        )
    if not (files.config_dir / "config.json").is_file():
        raise ModelConfigError(
            f"toxicity config dir {files.config_dir} has no config.json; put the config and tokenizer files of "
            f"{files.base} there (`flask models pull NAME` does it for published models)"
        )
