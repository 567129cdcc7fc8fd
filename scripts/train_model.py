"""Train the bundled German+English toxicity model and write it in Detoxify's checkpoint format.

Usage (from the repository root)::

    python scripts/train_model.py --data ../shared/datasets --out moderation/toxicity/bundled

Why from scratch: the pretrained Detoxify checkpoints are English-only or hundreds of MB, and only GermEval 2018
and Davidson et al. may train shipped weights. The result is a tiny ``BertForSequenceClassification`` (≤ 10 MB)
with its own WordPiece vocabulary, loadable offline by plain ``detoxify``.

Why this recipe (each step was kept because it raised GermEval-validation AUC):

* attention queries start at zero, so every head attends uniformly and ``[CLS]`` begins as the mean of the token
  values, a bag-of-subwords model that training refines into real attention;
* masked-LM "self-pretraining" on the training texts before fine-tuning (no outside corpus is allowed);
* every epoch sees all German rows but only a fresh sample of the 21k English ones, so German is not drowned;
* token dropout, dropout and early stopping on a validation split carved from GermEval *train*.

The GermEval test file is never used for training or for any choice; it is scored once, at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import tokenizers
import torch
import transformers
from transformers import BertForSequenceClassification, BertTokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
import toxicity_data as td
from training import SPECIAL_TOKENS, Encoded, Hyper, evaluate, predict, train

REPO_ROOT = Path(__file__).resolve().parent.parent
MODEL_TYPE = "kommentare-small"


def parse_args(argv: list[str] | None = None) -> tuple[argparse.Namespace, Hyper]:
    """CLI: paths plus an override flag for every field of :class:`Hyper`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO_ROOT.parent / "shared" / "datasets")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "moderation" / "toxicity" / "bundled")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (recorded for reproducibility)")
    defaults = Hyper()
    for name, value in asdict(defaults).items():
        if not isinstance(value, tuple):
            parser.add_argument("--" + name.replace("_", "-"), type=type(value), default=value)
    args = parser.parse_args(argv)
    fields = {k: getattr(args, k) for k in asdict(defaults) if not isinstance(getattr(defaults, k), tuple)}
    return args, Hyper(**fields)


def seed_everything(seed: int, threads: int) -> None:
    """Fix the (only) random source and force deterministic kernels so a rerun reproduces the checkpoint."""
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


def load_splits(data: Path, hp: Hyper) -> dict[str, list[td.Example]]:
    """GermEval train → train/val (val picks epoch and threshold); Davidson → train/held-out; GermEval test as is."""
    ge_train, ge_val = td.stratified_split(td.read_germeval(data / td.GERMEVAL_TRAIN), hp.val_fraction, hp.split_seed)
    dav_train, dav_test = td.stratified_split(td.read_davidson(data / td.DAVIDSON), hp.davidson_holdout, hp.split_seed)
    return {
        "train": ge_train + dav_train,
        "germeval_val": ge_val,
        "germeval_test": td.read_germeval(data / td.GERMEVAL_TEST),
        "davidson_test": dav_test,
    }


def build_tokenizer(texts: list[str], hp: Hyper, hf_dir: Path) -> BertTokenizer:
    """Train a lower-cased WordPiece vocab on the training texts, then reload it exactly as Detoxify will."""
    vocab = td.train_wordpiece(texts, hp.vocab_size, SPECIAL_TOKENS)
    hf_dir.mkdir(parents=True, exist_ok=True)
    (hf_dir / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer_config = {
        "tokenizer_class": "BertTokenizer",
        "do_lower_case": True,
        "model_max_length": hp.max_len,
        **dict(zip(["pad_token", "unk_token", "cls_token", "sep_token", "mask_token"], SPECIAL_TOKENS, strict=True)),
    }
    (hf_dir / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2) + "\n", encoding="utf-8")
    tokenizer: BertTokenizer = BertTokenizer.from_pretrained(str(hf_dir))
    if tokenizer.convert_ids_to_tokens(list(range(len(vocab)))) != vocab:
        raise RuntimeError("BertTokenizer did not read vocab.txt back line for line")
    return tokenizer


def encode(examples: list[td.Example], tokenizer: BertTokenizer, hp: Hyper) -> Encoded:
    """Tokenise once up front, exactly as ``Detoxify.predict`` will (truncation at ``max_len``)."""
    return Encoded(
        ids=tokenizer([e.text for e in examples], truncation=True, max_length=hp.max_len)["input_ids"],
        labels=torch.tensor([e.labels for e in examples]),
        mask=torch.tensor([e.mask for e in examples]),
        german=torch.tensor([e.source == "germeval" for e in examples]),
    )


def save_checkpoint(model: BertForSequenceClassification, out: Path) -> Path:
    """Write ``{"config", "state_dict"}`` as Detoxify expects, named by its hash; older bundled checkpoints go."""
    config = {
        "name": "Kommentare-small",
        "arch": {
            "type": "BERT",
            "args": {
                "num_classes": len(td.LABELS),
                "model_type": MODEL_TYPE,
                "model_name": "BertForSequenceClassification",
                "tokenizer_name": "BertTokenizer",
            },
        },
        "dataset": {"type": "GermEval2018+Davidson2017", "args": {"classes": list(td.LABELS)}},
    }
    state_dict = {key: value.detach().clone().contiguous() for key, value in model.state_dict().items()}
    staging = out / f"{MODEL_TYPE}.ckpt.partial"
    torch.save({"config": config, "state_dict": state_dict}, staging)
    final = out / f"{MODEL_TYPE}-{td.sha256_file(staging)[:8]}.ckpt"
    for old in out.glob(f"{MODEL_TYPE}-*.ckpt"):
        old.unlink()
    staging.replace(final)
    return final


def write_bundle(out: Path, model: BertForSequenceClassification, tokenizer_dir: Path) -> Path:
    """Write the HF config dir (config.json, vocab.txt, tokenizer_config.json) and the checkpoint into ``out``."""
    hf_dir = out / MODEL_TYPE
    hf_dir.mkdir(parents=True, exist_ok=True)
    for name in ("vocab.txt", "tokenizer_config.json"):
        (hf_dir / name).write_bytes((tokenizer_dir / name).read_bytes())
    model.config.save_pretrained(str(hf_dir))
    return save_checkpoint(model, out)


def model_card(args: argparse.Namespace, hp: Hyper, checkpoint: Path, results: dict[str, object]) -> dict[str, object]:
    """Everything needed to audit or reproduce the bundled model."""
    data_files = (td.GERMEVAL_TRAIN, td.GERMEVAL_TEST, td.DAVIDSON)
    return {
        "checkpoint": checkpoint.name,
        "checkpoint_sha256": td.sha256_file(checkpoint),
        "model_type": MODEL_TYPE,
        "classes": list(td.LABELS),
        "label_mapping": td.LABEL_MAPPING,
        "text_cleaning": td.clean_text.__doc__.split("\n\n")[1].strip() if td.clean_text.__doc__ else "",
        "seeds": {"torch": hp.seed, "split": hp.split_seed},
        "data_sha256": {name: td.sha256_file(args.data / name) for name in data_files},
        "splits": "GermEval train: 15% stratified validation (epoch + threshold); Davidson: 15% stratified held out",
        "hyperparameters": {**asdict(hp), "threads": args.threads},
        "versions": {
            "python": sys.version.split()[0],
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "tokenizers": tokenizers.__version__,
        },
        "command": "python scripts/train_model.py " + " ".join(sys.argv[1:]),
        **results,
    }


def main(argv: list[str] | None = None) -> None:
    """Train, pick the threshold on validation, score the held-out sets once, and write the bundle."""
    started = time.monotonic()
    args, hp = parse_args(argv)
    seed_everything(hp.seed, args.threads)
    splits = load_splits(args.data, hp)
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = build_tokenizer([e.text for e in splits["train"]], hp, Path(tmp))
        encoded = {name: encode(examples, tokenizer, hp) for name, examples in splits.items()}
        model, history = train(hp, encoded["train"], encoded["germeval_val"], len(tokenizer))
        val_scores = predict(model, encoded["germeval_val"].ids)[:, 0].tolist()
        threshold, _ = td.best_f1_threshold(encoded["germeval_val"].labels[:, 0].tolist(), val_scores)
        metrics = {name: evaluate(model, encoded[name], threshold) for name in splits if name != "train"}
        args.out.mkdir(parents=True, exist_ok=True)
        checkpoint = write_bundle(args.out, model, Path(tmp))
    results = {
        "threshold": round(threshold, 6),
        "threshold_selection": "max toxicity F1 on the GermEval validation split",
        "parameters": sum(p.numel() for p in model.parameters()),
        "history": history,
        "metrics": metrics,
        "training_time_s": round(time.monotonic() - started, 1),
    }
    card = model_card(args, hp, checkpoint, results)
    (args.out / "model-card.json").write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({"checkpoint": checkpoint.name, "threshold": threshold, "metrics": metrics}, indent=2))


if __name__ == "__main__":
    main()
