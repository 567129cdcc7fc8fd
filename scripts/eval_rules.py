"""Hit rates of the propaganda rule set on the labelled data in ``../shared/datasets`` (read its README.md).

Three kinds of sets, each reported per language with hold / flag / reject rates separately:

- positives (recall = held or rejected): EUvsDisinfo ``summary`` (English); Propaganda Diary case texts
  (English, Russian);
- debunks, hard negatives that quote narratives to refute them (false positives = held or rejected; NO reject
  is allowed at all): EUvsDisinfo ``disproof``; Propaganda Diary ``Debunking`` (HTML to text);
- benign comments (false positives, budget 0.1 %): GermEval 2018 ``OTHER`` rows (train + test); SFU comments.

Texts are de-duplicated per set. Every set is split in two halves by a hash of the text: rules were written
against the ``dev`` half only; ``held-out`` recall shows whether they generalise (the table shows both).
Only the rule stage runs (normalisation, links, narratives, policy); no toxicity model.

    python scripts/eval_rules.py [DATA] [--ruleset PATH] [--examples N] [--split dev|held-out]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from moderation.filters.policy import decide, rule_reasons
from moderation.filters.rules import Ruleset, evaluate, load_ruleset
from moderation.verdicts import Action, RuleHit

BENIGN_BUDGET = 0.001


@dataclass
class Dataset:
    name: str
    kind: str  # "positive", "debunk" or "benign"
    lang: str
    texts: list[str]


@dataclass
class Result:
    dataset: Dataset
    counts: dict[Action, int] = field(default_factory=lambda: dict.fromkeys(Action, 0))
    held_out: dict[Action, int] = field(default_factory=lambda: dict.fromkeys(Action, 0))
    held_out_n: int = 0
    #: Texts held or rejected because of a link rule / a narrative rule (a text may count in both).
    by_links: int = 0
    by_narratives: int = 0
    examples: list[tuple[Action, str, tuple[RuleHit, ...]]] = field(default_factory=list)

    def rate(self, *actions: Action, held_out: bool = False) -> float:
        counts, n = (self.held_out, self.held_out_n) if held_out else (self.counts, len(self.dataset.texts))
        return sum(counts[a] for a in actions) / n if n else 0.0


class _HTMLText(HTMLParser):
    BLOCKS = frozenset({"p", "br", "li", "div", "tr", "h1", "h2", "h3", "h4", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, _attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text only: link targets (href) are dropped, the anchor text stays."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts).strip()


def _unique(texts: Iterator[str]) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in texts if t and t.strip()))


def _euvsdisinfo(root: Path) -> list[Dataset]:
    path = root / "propaganda" / "euvsdisinfo-cases" / "full_dataset_formatted.csv"
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Dataset("EUvsDisinfo summary", "positive", "en", _unique(r["summary"] for r in rows)),
        Dataset("EUvsDisinfo disproof", "debunk", "en", _unique(r["disproof"] for r in rows)),
    ]


def _propaganda_diary(root: Path) -> list[Dataset]:
    sets = []
    for lang, name in (("en", "dataEng.jsonl"), ("ru", "dataRu.jsonl")):
        path = root / "propaganda" / "propaganda-diary" / name
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        sets.append(
            Dataset("Propaganda Diary cases", "positive", lang, _unique(r[f"Disinfo_cases_{lang}"] for r in rows))
        )
        debunks = _unique(html_to_text(r.get("Debunking") or "") for r in rows)
        sets.append(Dataset("Propaganda Diary debunking", "debunk", lang, debunks))
    return sets


def _germeval(root: Path) -> list[Dataset]:
    texts: list[str] = []
    for name in ("germeval2018.training.txt", "germeval2018.test.txt"):
        for line in (root / "toxicity" / "germeval2018" / name).read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 2 and parts[1] == "OTHER":
                texts.append(parts[0].replace("|LBR|", "\n"))
    return [Dataset("GermEval 2018 OTHER", "benign", "de", _unique(iter(texts)))]


def _sfu(root: Path) -> list[Dataset]:
    path = root / "propaganda" / "sfu-comments" / "SFU_constructiveness_toxicity.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    column = "comment_text" if rows and "comment_text" in rows[0] else "comment"
    return [Dataset("SFU comments", "benign", "en", _unique(r[column] for r in rows))]


def load_datasets(root: Path) -> list[Dataset]:
    loaders = (_euvsdisinfo, _propaganda_diary, _germeval, _sfu)
    found: list[Dataset] = []
    for loader in loaders:
        try:
            found.extend(loader(root))
        except FileNotFoundError as exc:
            print(f"skipped ({exc.filename} missing)", file=sys.stderr)
    return found


def held_out(text: str) -> bool:
    return hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 == 1


def rule_action(text: str, ruleset: Ruleset) -> tuple[Action, tuple[RuleHit, ...]]:
    hits = evaluate(text, ruleset)
    return decide(rule_reasons(hits))[0], hits


def run(dataset: Dataset, ruleset: Ruleset, split: str | None) -> Result:
    result = Result(dataset)
    texts = [t for t in dataset.texts if split is None or held_out(t) == (split == "held-out")]
    dataset = Dataset(dataset.name, dataset.kind, dataset.lang, texts)
    result.dataset = dataset
    for text in texts:
        action, hits = rule_action(text, ruleset)
        result.counts[action] += 1
        stops = {h.rule_id.split(".")[0] for h in hits if h.action in (Action.HOLD, Action.REJECT)}
        result.by_links += "link" in stops
        result.by_narratives += "narrative" in stops
        if held_out(text):
            result.held_out[action] += 1
            result.held_out_n += 1
        result.examples.append((action, text, hits))
    return result


def _pct(value: float) -> str:
    return f"{100 * value:.2f} %"


def table(results: list[Result]) -> str:
    lines = [
        "| set | kind | lang | n | hold | flag | reject | hold+reject | … by links | … by narratives "
        "| held-out hold+reject |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in [*results, combined(results, "benign")]:
        d, n = r.dataset, max(len(r.dataset.texts), 1)
        lines.append(
            f"| {d.name} | {d.kind} | {d.lang} | {len(d.texts)} | {_pct(r.rate(Action.HOLD))} | "
            f"{_pct(r.rate(Action.FLAG))} | {_pct(r.rate(Action.REJECT))} | "
            f"{_pct(r.rate(Action.HOLD, Action.REJECT))} | "
            f"{_pct(r.by_links / n)} | {_pct(r.by_narratives / n)} | "
            f"{_pct(r.rate(Action.HOLD, Action.REJECT, held_out=True))} |"
        )
    return "\n".join(lines)


def combined(results: list[Result], kind: str) -> Result:
    """All sets of one kind together (the benign budget is over all benign comments)."""
    parts = [r for r in results if r.dataset.kind == kind]
    texts = [t for r in parts for t in r.dataset.texts]
    total = Result(Dataset(f"all {kind}", kind, "+".join(r.dataset.lang for r in parts), texts))
    for r in parts:
        for action in Action:
            total.counts[action] += r.counts[action]
            total.held_out[action] += r.held_out[action]
        total.held_out_n += r.held_out_n
        total.by_links += r.by_links
        total.by_narratives += r.by_narratives
    return total


def checks(results: list[Result]) -> list[str]:
    """The budget: false positives (hold or reject) on all benign comments ≤ 0.1 %; no reject on debunk texts."""
    failures = []
    benign = combined(results, "benign")
    if benign.dataset.texts and benign.rate(Action.HOLD, Action.REJECT) > BENIGN_BUDGET:
        failures.append(f"benign hold+reject {_pct(benign.rate(Action.HOLD, Action.REJECT))} > 0.1 %")
    for r in results:
        if r.dataset.kind == "debunk" and r.counts[Action.REJECT]:
            failures.append(f"{r.dataset.name} ({r.dataset.lang}): {r.counts[Action.REJECT]} debunk texts rejected")
    return failures


def show_examples(results: list[Result], count: int) -> None:
    """Benign and debunk texts held or rejected, and positives missed (what to look at when editing rules)."""
    for r in results:
        wanted = (Action.PUBLISH, Action.FLAG) if r.dataset.kind == "positive" else (Action.HOLD, Action.REJECT)
        shown = [e for e in r.examples if e[0] in wanted][:count]
        for action, text, hits in shown:
            rules = ", ".join(f"{h.rule_id}[{h.match!r} {h.weight}{' ' + h.damper if h.damper else ''}]" for h in hits)
            print(f"- {r.dataset.name}/{r.dataset.lang} {action.name.lower()}: {text[:220]!r}\n    {rules or '-'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", default="../shared/datasets", type=Path)
    parser.add_argument("--ruleset", type=Path, default=None, help="rule file (default: the bundled one)")
    parser.add_argument("--examples", type=int, default=0, help="show N misses / false positives per set")
    parser.add_argument("--split", choices=("dev", "held-out"), default=None, help="evaluate one half only")
    args = parser.parse_args(argv)
    ruleset = load_ruleset(args.ruleset)
    datasets = load_datasets(args.data)
    if not datasets:
        print(f"no datasets under {args.data}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    results = [run(d, ruleset, args.split) for d in datasets]
    elapsed = time.perf_counter() - started
    total = sum(len(r.dataset.texts) for r in results)
    print(f"Rule set {ruleset.version_id} ({ruleset.pattern_count} narrative patterns), data {args.data}\n")
    print(table(results))
    print(f"\n{total} texts in {elapsed:.1f} s ({1e6 * elapsed / max(total, 1):.0f} µs per text, rule stage only)")
    if args.examples:
        show_examples(results, args.examples)
    failures = checks(results)
    if not failures:
        print("Budget met: benign hold+reject ≤ 0.1 % over all benign comments; no debunk text rejected.")
    for failure in failures:
        print(f"BUDGET EXCEEDED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
