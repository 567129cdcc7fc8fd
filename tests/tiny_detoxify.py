"""A tiny random-weight checkpoint in Detoxify's release format, so model loading is tested without the network.

Layout written under ``directory``::

    tiny.ckpt                  {"config": <detoxify config>, "state_dict": BertForSequenceClassification weights}
    bert-base-uncased/         config.json, vocab.txt, tokenizer_config.json

Like the real ``toxic_original`` release, the checkpoint's ``model_type`` is ``"bert-base-uncased"`` and config.json
is a *base* config (2 labels), not a 6-label one. That is deliberate: with this layout plain
``Detoxify(checkpoint=..., huggingface_config_path=...)`` fails offline (it asks the hub for ``model_type`` and
drops ``num_classes``), and ``moderation.toxicity.loading`` must load it anyway. Plain detoxify would only load it
offline from a working directory that contains ``bert-base-uncased/`` and with config.json already at 6 labels.
"""

from __future__ import annotations

import json
import string
from pathlib import Path

BASE_MODEL = "bert-base-uncased"
#: Jigsaw column names as stored in the "original" release checkpoint; detoxify renames three of them.
CLASSES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
LABELS = ("toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack")
_WORDS = "the a an and or not you your are is it this that i we they idiot stupid hate love good bad hello world"


def _vocab() -> list[str]:
    """Special tokens, every letter/digit on its own and as a ``##`` continuation, so any text tokenizes."""
    chars = list(string.ascii_lowercase + string.digits)
    return [
        "[PAD]",
        "[UNK]",
        "[CLS]",
        "[SEP]",
        "[MASK]",
        *chars,
        *(f"##{c}" for c in chars),
        *string.punctuation,
        *_WORDS.split(),
    ]


def build_tiny_checkpoint(directory: Path, *, seed: int = 0) -> tuple[Path, Path]:
    """Write the checkpoint and config dir; returns ``(checkpoint_path, config_dir)``. Same seed, same weights."""
    import torch
    import transformers

    config_dir = directory / BASE_MODEL
    config_dir.mkdir(parents=True, exist_ok=True)
    vocab = _vocab()
    (config_dir / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer_config = {"tokenizer_class": "BertTokenizer", "do_lower_case": True, "model_max_length": 512}
    (config_dir / "tokenizer_config.json").write_text(json.dumps(tokenizer_config), encoding="utf-8")
    config = transformers.BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64
    )
    config.save_pretrained(config_dir)  # a stock base config (2 labels), like the hub's bert-base-uncased
    config.num_labels = len(CLASSES)
    config.initializer_range = 0.5  # scores then differ visibly between texts and labels (0.02 leaves all near 0.5)
    torch.manual_seed(seed)
    model = transformers.BertForSequenceClassification(config)
    checkpoint_path = directory / "tiny.ckpt"
    torch.save({"config": detoxify_config(), "state_dict": model.state_dict()}, checkpoint_path)
    return checkpoint_path, config_dir


def detoxify_config(model_type: str = BASE_MODEL) -> dict[str, object]:
    """The keys detoxify 0.5.4 reads: ``arch.args`` (passed to its model builder) and ``dataset.args.classes``."""
    return {
        "name": "Jigsaw_BERT_tiny",
        "arch": {
            "type": "BERT",
            "args": {
                "num_classes": len(CLASSES),
                "model_type": model_type,
                "model_name": "BertForSequenceClassification",
                "tokenizer_name": "BertTokenizer",
            },
        },
        "dataset": {"type": "JigsawDataOriginal", "args": {"classes": list(CLASSES)}},
    }
