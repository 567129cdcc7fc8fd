"""``make eval-model``: what int8 quantisation costs the bundled model, measured on the labelled sets.

Scores the GermEval 2018 test set and the Davidson held-out split (the same split the training script made, read
back from the model card) with the fp32 model and with dynamic int8, both loaded exactly as the service loads them
(ONNX Runtime: the fp32 export and its int8 graph), and prints per label the ROC-AUC of each, the AUC change, and
the largest absolute score difference, and F1 at the hold threshold the service uses for the model (its card's).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import toxicity_data as td

from moderation.settings import DEFAULT_THRESHOLDS
from moderation.toxicity.registry import BUNDLED_DIR
from moderation.toxicity.scorer import build_scorer


def _sets(data: Path, card: dict[str, Any]) -> dict[str, list[td.Example]]:
    hp = card["hyperparameters"]
    davidson = td.read_davidson(data / td.DAVIDSON)
    _, davidson_test = td.stratified_split(davidson, hp["davidson_holdout"], hp["split_seed"])
    return {"germeval2018_test": td.read_germeval(data / td.GERMEVAL_TEST), "davidson_heldout": davidson_test}


def _score(quantize: str, texts: list[str]) -> tuple[list[dict[str, float]], float]:
    scorer = build_scorer(model="bundled", model_dir=Path("unused"), quantize=quantize, runtime="onnx", threads=1)
    started = time.perf_counter()
    scores = [row for i in range(0, len(texts), 16) for row in scorer.score(texts[i : i + 16])]
    return scores, len(texts) / (time.perf_counter() - started)


def _compare(
    examples: list[td.Example], fp32: list[dict[str, float]], int8: list[dict[str, float]], card: dict[str, Any]
) -> list[str]:
    """One row per label; F1 at the hold threshold the service uses for this model (its card's, else the generic)."""
    shipped = card.get("default_thresholds", {})
    rows = []
    for index, label in enumerate(td.LABELS):
        known = [i for i, e in enumerate(examples) if e.mask[index]]
        labels = [examples[i].labels[index] for i in known]
        auc32 = td.roc_auc(labels, [fp32[i][label] for i in known])
        auc8 = td.roc_auc(labels, [int8[i][label] for i in known])
        drift = max(abs(fp32[i][label] - int8[i][label]) for i in range(len(examples)))
        hold = shipped.get(label, DEFAULT_THRESHOLDS[label])["hold"]
        f1 = td.f1_at(labels, [fp32[i][label] for i in known], hold) if auc32 is not None else None
        if auc32 is None or auc8 is None or f1 is None:
            rows.append(f"| {label} | n/a | n/a | n/a | {drift:.4f} | n/a |")
        else:
            cells = f"{auc32:.4f} | {auc8:.4f} | {auc8 - auc32:+.4f} | {drift:.4f} | {f1:.3f} @ {hold}"
            rows.append(f"| {label} | {cells} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    args = parser.parse_args()
    card = json.loads((BUNDLED_DIR / "model-card.json").read_text(encoding="utf-8"))
    for name, examples in _sets(args.data, card).items():
        texts = [e.text for e in examples]
        fp32, speed32 = _score("none", texts)
        int8, speed8 = _score("int8", texts)
        print(f"\n{name} ({len(texts)} texts; scoring {speed32:.0f}/s fp32, {speed8:.0f}/s int8 in batches of 16)")
        print("| label | AUC fp32 | AUC int8 | change | max abs score diff | F1 fp32 @ the model's hold |")
        print("|---|---|---|---|---|---|")
        print("\n".join(_compare(examples, fp32, int8, card)))


if __name__ == "__main__":
    main()
