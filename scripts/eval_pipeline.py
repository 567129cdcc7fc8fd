"""The whole default pipeline (rules, watched words, the bundled model at its card's thresholds) on labelled data:
the queue load at defaults (benign comments held or rejected) and what it catches.

    python scripts/eval_pipeline.py --data ../shared/datasets [--limit N]

Rows: GermEval 2018 test (German tweets; never trained on), SFU comments (English news comments, majority "not
toxic"). Each set is run twice, interleaved in one process: with the model's own thresholds (what ships) and with
the generic 0.5 hold / 0.95 reject of earlier releases, so the change in queue load is measured on the same rows.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from moderation.filters.rules import load_ruleset
from moderation.settings import DEFAULT_THRESHOLDS, Settings
from moderation.submission.pipeline import ModerationPipeline
from moderation.toxicity.registry import bundled_files
from moderation.toxicity.runtime import base_thresholds
from moderation.toxicity.scorer import DetoxifyScorer
from moderation.verdicts import Action
from moderation.watchwords.wordlist import Wordlist, load_shipped


def germeval(root: Path) -> list[tuple[str, bool]]:
    lines = (root / "toxicity/germeval2018/germeval2018.test.txt").read_text(encoding="utf-8").splitlines()
    return [(line.split("\t")[0], line.split("\t")[1] == "OFFENSE") for line in lines]


def sfu(root: Path) -> list[tuple[str, bool]]:
    with (root / "propaganda/sfu-comments/SFU_constructiveness_toxicity.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        (row.get("comment_text") or row.get("comment") or "", str(row["is_toxic_popular_answer_1"]).strip() != "1")
        for row in rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    scorer = DetoxifyScorer(name="bundled", files=bundled_files(), max_tokens=256, threads=1)
    pipeline = ModerationPipeline(scorer=scorer, ruleset=load_ruleset(), timeout_seconds=30.0)
    shipped = load_shipped()
    wordlist = Wordlist.compile(shipped.entries, shipped.version, shipped.allow)
    configs = {"model's card": base_thresholds(Settings.from_env({}), scorer), "generic 0.5/0.95": DEFAULT_THRESHOLDS}
    for name, rows in (("GermEval 2018 test", germeval(args.data)), ("SFU comments", sfu(args.data))):
        rows = rows[: args.limit] if args.limit else rows
        counts = {config: Counter[tuple[bool, Action]]() for config in configs}
        for text, offensive in rows:
            for config, thresholds in configs.items():  # interleaved: both configurations see the same moment
                verdict = pipeline.moderate(text, thresholds=thresholds, wordlist=wordlist)
                counts[config][(offensive, verdict.action)] += 1
        print(f"\n{name} ({len(rows)} rows)")
        print(f"  {'thresholds':<18} {'benign held':>12} {'benign rejected':>16} {'offensive held+rejected':>24}")
        for config, table in counts.items():
            benign_total = sum(n for (off, _), n in table.items() if not off) or 1
            harmful_total = sum(n for (off, _), n in table.items() if off) or 1
            print(
                f"  {config:<18} {table[(False, Action.HOLD)] / benign_total:>12.1%} "
                f"{table[(False, Action.REJECT)] / benign_total:>16.1%} "
                f"{(table[(True, Action.HOLD)] + table[(True, Action.REJECT)]) / harmful_total:>24.1%}"
            )


if __name__ == "__main__":
    main()
