"""Per-label default thresholds for a model, chosen on validation data for a stated precision, into its model card.

    python scripts/fit_thresholds.py --data ../shared/datasets --card moderation/toxicity/bundled/model-card.json

The bundled model is scored on the GermEval 2018 validation split its training script held out (same split: 15 %
stratified, seed from the card). For each label, ``hold`` is the lowest score at which the comments scoring at
least that much were offensive with precision >= ``--hold-precision`` (0.8), ``reject`` the same for
``--reject-precision`` (0.99: the model alone rejects only where it is near-certain); a label that never reaches a
precision gets no threshold for that level (the model alone never holds or rejects on it). Nothing is tuned on a
test split; the service loads these as the model's defaults (README "Thresholds moderators can trust"), and
``KOMMENTARE_THRESHOLDS`` and per-article overrides still win.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import toxicity_data as td

from moderation.toxicity.registry import bundled_files
from moderation.toxicity.scorer import DetoxifyScorer

LABELS = td.LABELS


def lowest_threshold(
    labels: Sequence[float], scores: Sequence[float], precision: float, min_flagged: int = 1
) -> float | None:
    """The lowest score t with precision(score >= t) >= ``precision`` over at least ``min_flagged`` comments, None if
    no t reaches it (pure). The minimum keeps a threshold from resting on one or two lucky validation tweets."""
    ranked = sorted(zip(scores, labels, strict=True), reverse=True)
    hits = 0
    best: float | None = None
    for seen, (score, label) in enumerate(ranked, start=1):
        hits += label >= 0.5
        if hits / seen >= precision and seen >= min_flagged:
            best = score
    return None if best is None else round(best, 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--card", type=Path, default=Path("moderation/toxicity/bundled/model-card.json"))
    parser.add_argument("--hold-precision", type=float, default=0.8)
    parser.add_argument("--reject-precision", type=float, default=0.99)
    parser.add_argument("--min-flagged", type=int, default=20, help="comments a threshold must flag at least")
    args = parser.parse_args()
    card = json.loads(args.card.read_text(encoding="utf-8"))
    _, val = td.stratified_split(td.read_germeval(args.data / td.GERMEVAL_TRAIN), 0.15, int(card["seeds"]["split"]))
    scorer = DetoxifyScorer(name="bundled", files=bundled_files(), max_tokens=256)
    scores = [s for i in range(0, len(val), 32) for s in scorer.score([e.text for e in val[i : i + 32]])]
    thresholds: dict[str, dict[str, float]] = {}
    for index, label in enumerate(LABELS):
        truth = [example.labels[index] for example in val]
        predicted = [row[label] for row in scores]
        levels = {
            "hold": lowest_threshold(truth, predicted, args.hold_precision, args.min_flagged),
            "reject": lowest_threshold(truth, predicted, args.reject_precision, args.min_flagged),
        }
        thresholds[label] = {level: value for level, value in levels.items() if value is not None}
        print(f"{label:<16} hold {levels['hold']}  reject {levels['reject']}")
    card["default_thresholds"] = {label: levels for label, levels in thresholds.items() if levels}
    card["default_thresholds_selection"] = (
        f"lowest score with precision >= {args.hold_precision} (hold) / >= {args.reject_precision} (reject) over at "
        f"least {args.min_flagged} flagged tweets of the GermEval 2018 validation split ({len(val)} tweets); labels "
        "without a level never hold/reject by the model"
    )
    args.card.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {args.card}")


if __name__ == "__main__":
    main()
