"""The shipped watched words against labelled data: what they catch, and what they hold of benign comments.

    python scripts/eval_watchwords.py --data ../shared/datasets

GermEval 2018 test (German tweets, never used to write the list; the training part was only used to cross-check
terms): share of OFFENSE / INSULT / PROFANITY / ABUSE tweets the list flags, holds or rejects, and share of OTHER
tweets it holds or rejects (the queue load it adds). SFU comments (English news comments, none toxic by majority
vote): the same false-positive figure. Davidson (English tweets): caught share of hate/offensive.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from moderation.verdicts import Action
from moderation.watchwords.wordlist import Wordlist, load_shipped


def germeval(root: Path) -> Iterator[tuple[str, str]]:
    for line in (root / "toxicity/germeval2018/germeval2018.test.txt").read_text(encoding="utf-8").splitlines():
        text, coarse, fine = line.split("\t")
        yield text, fine if coarse == "OFFENSE" else "OTHER"


def sfu(root: Path) -> Iterator[tuple[str, str]]:
    path = root / "propaganda/sfu-comments/SFU_constructiveness_toxicity.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = row.get("comment_text") or row.get("comment") or ""
            toxic = str(row.get("is_toxic_popular_answer_1", "1")).strip()
            yield text, "OTHER" if toxic in ("1", "") else f"TOXIC-{toxic}"


def davidson(root: Path) -> Iterator[tuple[str, str]]:
    with next((root / "toxicity/davidson").glob("*.csv")).open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield row["tweet"], {"0": "HATE", "1": "OFFENSIVE"}.get(row["class"], "OTHER")


def action_of(wordlist: Wordlist, text: str) -> Action:
    hits = wordlist.evaluate(text).hits
    return max((hit.action for hit in hits), key=lambda a: a.value, default=Action.PUBLISH)


def report(name: str, rows: Iterator[tuple[str, str]], wordlist: Wordlist) -> None:
    table: dict[str, Counter[Action]] = {}
    for text, label in rows:
        table.setdefault(label, Counter())[action_of(wordlist, text)] += 1
    print(f"\n{name}")
    print(f"  {'label':<10} {'n':>6} {'flag':>7} {'hold':>7} {'reject':>7} {'held or rejected':>17}")
    for label, counts in sorted(table.items()):
        n = sum(counts.values())
        held = counts[Action.HOLD] + counts[Action.REJECT]
        print(
            f"  {label:<10} {n:>6} {counts[Action.FLAG] / n:>7.1%} {counts[Action.HOLD] / n:>7.1%} "
            f"{counts[Action.REJECT] / n:>7.1%} {held / n:>17.2%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    args = parser.parse_args()
    shipped = load_shipped()
    wordlist = Wordlist.compile(shipped.entries, shipped.version, shipped.allow)
    print(f"shipped watched words {shipped.version}: {len(shipped.entries)} entries")
    report("GermEval 2018 test (German tweets)", germeval(args.data), wordlist)
    report("SFU comments (English news comments)", sfu(args.data), wordlist)
    report("Davidson (English tweets)", davidson(args.data), wordlist)


if __name__ == "__main__":
    main()
