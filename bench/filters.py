"""Rule-stage cost per comment, and how it grows with the number of narrative patterns.

``python bench/filters.py [DATA] [--comments 3000] [--repeat 3] [--sizes 100,1000,2000,10000]``

Measures ``rules.evaluate`` (normalisation, both automaton passes, re2 patterns, link extraction, look-alike
checks, dampers and the policy's narrative scoring: everything the pipeline does before the model) on one
thread pinned to one core, over a realistic mix of comments: GermEval 2018 tweets (both labels) and SFU news
comments from ``DATA`` (default ``../shared/datasets``) when present, else synthetic German comments from
``bench/corpus.py``; 2 % of the comments carry a narrative phrase, a link or a disguise, so hit paths run too.

Rule sets: the bundled one ("full"), and files of exactly 100, 1,000, 2,000 and 10,000 narrative patterns (the
bundled patterns first, then synthetic phrases of 2-3 corpus words with stems, and rare single-word stems, so
the automaton really grows and some synthetic patterns really hit). Every file goes through ``load_ruleset``,
so its load time is the real loader's. Prints median and p99 in µs per comment with ratios to the 100-pattern
baseline measured in the same run, and the load time of the 10,000-pattern file.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

from moderation.filters.matching import parse_phrase
from moderation.filters.rules import DEFAULT_RULESET, Ruleset, evaluate, load_ruleset

TARGET_US = 1000.0
SPICE = (
    "Das Kiewer Regime lügt doch, siehe https://rt.com/russland/123",
    "Die „NATO-Osterweiterung“ ist nur ein Vorwand, sagt die Propaganda.",
    "Lest mal spiegel.ltd/politik/artikel-123 statt der Lügen hier.",
    "Die US-Bi0labore in der Ukraine sind bewiesen!",
    "Nordkorea schickt Soldaten, und Sel\u200benskyj kokst.",
    "Sehr guter Artikel, danke: https://www.tagesschau.de/ausland/asien/nordkorea-russland-100.html",
)
_WORD = re.compile(r"[a-zäöüß]{4,}")


def load_comments(data: Path, count: int, rng: random.Random) -> tuple[list[str], str]:
    texts: list[str] = []
    for name in ("germeval2018.training.txt", "germeval2018.test.txt"):
        path = data / "toxicity" / "germeval2018" / name
        if path.exists():
            texts += [line.split("\t")[0].replace("|LBR|", "\n") for line in path.read_text("utf-8").splitlines()]
    sfu = data / "propaganda" / "sfu-comments" / "SFU_constructiveness_toxicity.csv"
    if sfu.exists():
        with sfu.open(encoding="utf-8", newline="") as handle:
            texts += [row.get("comment_text") or row.get("comment") or "" for row in csv.DictReader(handle)]
    source = "GermEval 2018 + SFU comments"
    if not texts:
        texts, source = [corpus.comment(rng, serial) for serial in range(count)], "synthetic (bench/corpus.py)"
    texts = [t for t in texts if t.strip()]
    rng.shuffle(texts)
    picked = (texts * (count // len(texts) + 1))[:count]
    for index in range(0, len(picked), 50):  # 2 % with hits
        picked[index] = SPICE[(index // 50) % len(SPICE)]
    return picked, source


def synthetic_phrases(texts: list[str], count: int, rng: random.Random) -> list[str]:
    """Phrases of corpus words, so the automaton's keys look like real text; rare words become stems."""
    frequency = Counter(w for t in texts for w in _WORD.findall(t.casefold()))
    common = [w for w, n in frequency.most_common(4000)]
    rare = [w for w, n in frequency.items() if n <= 2 and len(w) >= 8] or common
    phrases: set[str] = set()
    while len(phrases) < count:
        if rng.random() < 0.2:
            phrase = rng.choice(rare)[:-2] + "*"
        else:
            words = rng.sample(common, rng.choice((2, 2, 3)))
            phrase = " ".join(words) + ("*" if rng.random() < 0.5 else "")
        try:
            parse_phrase(phrase)
        except ValueError:
            continue
        phrases.add(phrase)
    return sorted(phrases)


def toml_list(items: list[str]) -> str:
    return "[" + ", ".join('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in items) + "]"


def rule_file(base: Ruleset, size: int, synthetic: list[str], directory: Path) -> Path:
    """The bundled file with its narratives cut or padded to exactly ``size`` patterns."""
    text = DEFAULT_RULESET.read_text(encoding="utf-8")
    head = text[: text.index("\n[[narrative]]")]
    entries, left = [], size
    for rule in base.narratives:
        phrases, regexes = list(rule.phrases[:left]), list(rule.regexes[: max(0, left - len(rule.phrases))])
        left -= len(phrases) + len(regexes)
        if phrases or regexes:
            entries.append(_entry(rule.rule_id, rule.lang, rule.weight, phrases, regexes))
        if left <= 0:
            break
    for start in range(0, left, 50):
        entries.append(
            _entry(f"narrative.synthetic-{start // 50}", "de", 0.6, synthetic[start : min(start + 50, left)], [])
        )
    path = directory / f"rules-{size}.toml"
    path.write_text(head + "\n" + "\n".join(entries), encoding="utf-8")
    return path


def _entry(rule_id: str, lang: str, weight: float, phrases: list[str], regexes: list[str]) -> str:
    lines = [f'[[narrative]]\nid = "{rule_id}"\nlang = "{lang}"\nweight = {weight}']
    if phrases:
        lines.append(f"phrases = {toml_list(phrases)}")
    if regexes:
        lines.append("regex = [" + ", ".join(f"'{r}'" for r in regexes) + "]")
    lines.append('reference = "benchmark"\nreview_by = "2030-01-01"\n')
    return "\n".join(lines)


def measure(ruleset: Ruleset, comments: list[str], repeat: int) -> list[float]:
    """µs per comment, best of ``repeat`` passes after a warm-up pass (the service is a long-running process).

    Taking each comment's fastest pass removes scheduler noise from other processes on a shared machine; what
    remains is the comment's own cost, so the p99 is that of the 1 % most expensive comments.
    """
    for text in comments:  # warm-up: lazily filled translate tables and caches
        evaluate(text, ruleset)
    best = [float("inf")] * len(comments)
    clock = time.perf_counter_ns
    for _ in range(repeat):
        for index, text in enumerate(comments):
            started = clock()
            evaluate(text, ruleset)
            best[index] = min(best[index], (clock() - started) / 1000)
    return best


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", default="../shared/datasets", type=Path)
    parser.add_argument("--comments", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default="100,1000,2000,10000")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rng = random.Random(args.seed)
    comments, source = load_comments(args.data, args.comments, rng)
    sizes = [int(s) for s in args.sizes.split(",")]
    base = load_ruleset()
    synthetic = synthetic_phrases(comments, max(sizes), rng)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = rule_file(base, size, synthetic, Path(tmp))
            started = time.perf_counter()
            ruleset = load_ruleset(path)
            load_ms = (time.perf_counter() - started) * 1000
            rows.append(
                (f"{ruleset.pattern_count:,}", ruleset.pattern_count, load_ms, measure(ruleset, comments, args.repeat))
            )
    started = time.perf_counter()
    full = load_ruleset()
    rows.append(
        (
            f"bundled ({full.pattern_count:,})",
            full.pattern_count,
            (time.perf_counter() - started) * 1000,
            measure(full, comments, args.repeat),
        )
    )
    report(rows, comments, source, args)
    return 0


Row = tuple[str, int, float, list[float]]  # label, narrative patterns, load ms, µs per comment


def report(rows: list[Row], comments: list[str], source: str, args: argparse.Namespace) -> None:
    lengths = sorted(len(c) for c in comments)
    print(f"Rule stage per comment, one core; {len(comments)} comments, best of {args.repeat} passes ({source});")
    print(
        f"comment length median {lengths[len(lengths) // 2]} chars, max {lengths[-1]}; python {sys.version.split()[0]}"
    )
    print()
    base_median, base_p99 = statistics.median(rows[0][3]), p99(rows[0][3])
    print("| narrative patterns | load ms | median µs | p99 µs | median ratio | p99 ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, _, load_ms, timings in rows:
        median, tail = statistics.median(timings), p99(timings)
        ratios = f"{median / base_median:.2f}x | {tail / base_p99:.2f}x"
        print(f"| {label} | {load_ms:.0f} | {median:.0f} | {tail:.0f} | {ratios} |")
    by_size = {count: (load_ms, timings) for _, count, load_ms, timings in rows}
    if 2000 in by_size:
        median = statistics.median(by_size[2000][1])
        verdict = "meets" if median < TARGET_US else "MISSES"
        print(f"\n2,000 patterns: median {median:.0f} µs per comment, {verdict} the {TARGET_US:.0f} µs target")
    if 10000 in by_size:
        print(f"Load time of the 10,000-pattern file (parse, validate, compile): {by_size[10000][0]:.0f} ms")


if __name__ == "__main__":
    raise SystemExit(main())
