"""Per-comment cost of the stages added beside the rule stage: watched words, the site head, scoring windows.

``python bench/stages.py [DATA] [--comments 2000] [--repeat 5]``

One thread pinned to one core, the same comments as ``bench/filters.py`` (GermEval 2018 and SFU comments from
``DATA``, else synthetic ones). Each row is timed per comment in interleaved passes (row A, row B, row C on one
comment, then the next comment), each comment's best pass kept; medians and p99 in µs, with ratios to the rule
stage (``rules.evaluate``) measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from filters import load_comments, p99

from moderation.filters.rules import evaluate, load_ruleset
from moderation.submission.windows import text_windows
from moderation.toxicity.sitehead import SiteHead, TrainingSet, train
from moderation.watchwords.wordlist import Wordlist, load_shipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", default="../shared/datasets", type=Path)
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    comments, source = load_comments(args.data, args.comments, random.Random(7))
    ruleset = load_ruleset()
    shipped = load_shipped()
    wordlist = Wordlist.compile(shipped.entries, shipped.version, shipped.allow)
    labels = [float(i % 3 == 0) for i in range(500)]
    head = SiteHead(train(TrainingSet(comments[:500], labels, [1.0] * 500)), head_id="bench")
    rows: dict[str, Callable[[str], object]] = {
        "rule stage (baseline)": lambda text: evaluate(text, ruleset),
        "watched words": wordlist.evaluate,
        "site head (one comment)": lambda text: head.probabilities([text]),
        "scoring windows (400 chars)": lambda text: text_windows(text, 400),
    }
    best = {name: [float("inf")] * len(comments) for name in rows}
    clock = time.perf_counter_ns
    for _ in range(args.repeat + 1):  # the first pass warms caches
        for index, text in enumerate(comments):
            for name, run in rows.items():
                started = clock()
                run(text)
                best[name][index] = min(best[name][index], (clock() - started) / 1000)
    print(f"Stages per comment, one core; {len(comments)} comments ({source}); best of {args.repeat} interleaved")
    print("\n| stage | median µs | p99 µs | median ratio | p99 ratio |\n|---|---:|---:|---:|---:|")
    base = best["rule stage (baseline)"]
    for name, timings in best.items():
        median, tail = statistics.median(timings), p99(timings)
        ratios = f"{median / statistics.median(base):.2f}x | {tail / p99(base):.2f}x"
        print(f"| {name} | {median:.0f} | {tail:.0f} | {ratios} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
