"""A BERT-base-sized Detoxify checkpoint with random weights, for timing only (``python bench/bert_base.py``).

The real ``toxic_original`` release cannot be downloaded here (no internet), but speed depends on shape, not on
weights: ``transformers.BertConfig()`` defaults (hidden 768, 12 layers, 12 heads, 3072 intermediate, 30522 vocab,
512 positions) with 6 labels costs what the release costs per token. Layout (same as ``tests/tiny_detoxify.py``)::

    .bench/bert-base/bert-base.ckpt
    .bench/bert-base/bert-base-uncased/{config.json, vocab.txt, tokenizer_config.json}

config.json already says 6 labels, so plain ``Detoxify(checkpoint=..., huggingface_config_path=...)`` loads it too
(offline, from a working directory holding ``bert-base-uncased/``): the naive baseline needs exactly that.
The vocabulary holds the benchmark corpus's words, so comments tokenise like real text (about one token per word)
instead of letter by letter. Built once (about 30 s, 440 MB); later calls reuse it.
"""

from __future__ import annotations

import itertools
import json
import string
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

ROOT = Path(__file__).resolve().parent.parent / ".bench" / "bert-base"
TINY_ROOT = ROOT.with_name("bert-tiny")
TINY = {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64}
BASE_MODEL = "bert-base-uncased"
VOCAB_SIZE = 30522
CLASSES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
#: Made-up words fill the vocabulary to BERT's 30522 entries (the embedding matrix's size is what matters for speed).
_SYLLABLES = [c + v for c in "bdklmnrst" for v in "aeiou"] + ["ver", "ung", "ein", "sch", "lich", "keit", "heit"]


def vocabulary() -> list[str]:
    """Specials, single characters and ``##`` continuations (any text tokenises), corpus words, then made-up words."""
    chars = list(string.ascii_lowercase + string.digits + "äöüß")
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, *(f"##{c}" for c in chars), *string.punctuation]
    tokens += corpus.words()
    seen = set(tokens)
    for parts in itertools.chain.from_iterable(itertools.product(_SYLLABLES, repeat=n) for n in (2, 3, 4)):
        if len(tokens) >= VOCAB_SIZE:
            break
        word = "".join(parts)
        if word not in seen:
            seen.add(word)
            tokens.append(word)
    return tokens[:VOCAB_SIZE]


def detoxify_config() -> dict[str, object]:
    """The keys detoxify 0.5.4 and Kommentare read from a checkpoint."""
    return {
        "arch": {
            "args": {
                "num_classes": len(CLASSES),
                "model_type": BASE_MODEL,
                "model_name": "BertForSequenceClassification",
                "tokenizer_name": "BertTokenizer",
            }
        },
        "dataset": {"args": {"classes": list(CLASSES)}},
    }


def ensure_checkpoint(root: Path = ROOT, shape: dict[str, int] | None = None) -> tuple[Path, Path]:
    """``(checkpoint, config_dir)``, (re)building what is missing or stale; the weights depend only on the size.

    ``shape`` overrides ``BertConfig`` sizes (``TINY``: a model so small that what remains is the request path).
    """
    checkpoint, config_dir = root / f"{root.name}.ckpt", root / BASE_MODEL
    vocab_file = config_dir / "vocab.txt"
    complete = all((config_dir / name).is_file() for name in ("config.json", "vocab.txt", "tokenizer_config.json"))
    if not complete or vocab_file.read_text(encoding="utf-8") != _vocab_text():
        _write_config_dir(config_dir, shape or {})
    if not checkpoint.is_file():
        _write_checkpoint(checkpoint, config_dir)
    return checkpoint, config_dir


def _vocab_text() -> str:
    vocab = vocabulary()
    assert len(vocab) == VOCAB_SIZE == len(set(vocab)), "vocabulary must be exactly 30522 distinct tokens"
    return "\n".join(vocab) + "\n"


def _write_config_dir(config_dir: Path, shape: dict[str, int]) -> None:
    import transformers

    config_dir.mkdir(parents=True, exist_ok=True)
    tokenizer_config = {"tokenizer_class": "BertTokenizer", "do_lower_case": True, "model_max_length": 512}
    (config_dir / "tokenizer_config.json").write_text(json.dumps(tokenizer_config), encoding="utf-8")
    config = transformers.BertConfig()
    for name, value in shape.items():
        setattr(config, name, value)
    config.num_labels = len(CLASSES)
    config.save_pretrained(config_dir)
    (config_dir / "vocab.txt").write_text(_vocab_text(), encoding="utf-8")  # last: its content marks completion


def _write_checkpoint(checkpoint: Path, config_dir: Path) -> None:
    """Written under a temporary name first, so an interrupted build is never mistaken for a finished one."""
    import torch
    import transformers

    torch.manual_seed(0)
    model = transformers.BertForSequenceClassification(transformers.BertConfig.from_pretrained(config_dir))
    partial = checkpoint.with_suffix(".partial")
    torch.save({"config": detoxify_config(), "state_dict": model.state_dict()}, partial)
    partial.replace(checkpoint)


if __name__ == "__main__":
    print(*ensure_checkpoint(), sep="\n")
