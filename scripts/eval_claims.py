"""Hit rates of the cross-lingual claim signal on the labelled data in ``../shared/datasets``.

Two catalogues are measured with the bundled encoder and its thresholds (fitted on the benign background, never
on these sets):

- ``shipped``: the catalogue in ``moderation/claims/catalogue/default.toml`` (our own wording of ~45 narratives);
- ``+ EUvsDisinfo``: the shipped one plus the EUvsDisinfo summaries of one half of the cases and the English
  Propaganda Diary cases of one half of the pairs (what ``flask claims import-euvsdisinfo`` gives a newsroom), once
  as flag-only claims (the import's default) and once as holding ones. Only the *other* halves are scored.

Sets (held-out halves by a hash of the text, as in ``eval_rules.py``):
positives: EUvsDisinfo ``summary`` (English); Propaganda Diary cases in English and, cross-lingually, in Russian
(pairs split by their line number so no translation of a scored case is in the catalogue);
hard negatives: EUvsDisinfo ``disproof`` (debunks that quote the claim);
benign (budget 0.1 % held): GermEval 2018 test ``OTHER`` (German; the background is train only), SFU comments in
two halves: the default quantiles were chosen on the first (a lower hold quantile held 0.3-1.3 % of it), so only
the second is a held-out figure.

    python scripts/eval_claims.py [--data DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_rules import held_out

from moderation.claims.catalogue import Catalogue, Claim, ClaimAction, load_catalogue
from moderation.claims.encoder import ClaimEncoder
from moderation.claims.importing import euvsdisinfo_claims, to_toml
from moderation.claims.service import ClaimMatcher, MatcherSettings
from moderation.verdicts import Action

EUVSDISINFO = "propaganda/euvsdisinfo-cases/full_dataset_formatted.csv"


def _unique(texts: list[str]) -> list[str]:
    return list(dict.fromkeys(" ".join(t.split()) for t in texts if t.strip()))


def load_sets(data: Path) -> dict[str, list[str]]:
    rows = list(csv.DictReader((data / EUVSDISINFO).open(encoding="utf-8", newline="")))
    diary = data / "propaganda" / "propaganda-diary"
    english = [json.loads(line) for line in (diary / "dataEng.jsonl").open(encoding="utf-8")]
    russian = [json.loads(line) for line in (diary / "dataRu.jsonl").open(encoding="utf-8")]
    germeval = (data / "toxicity" / "germeval2018" / "germeval2018.test.txt").read_text(encoding="utf-8")
    sfu = data / "propaganda" / "sfu-comments" / "SFU_constructiveness_toxicity.csv"
    return {
        "EUvsDisinfo summary (en)": _unique([r["summary"] for r in rows if held_out(" ".join(r["summary"].split()))]),
        "Propaganda Diary (en)": _unique([r["Disinfo_cases_en"] for i, r in enumerate(english) if i % 2]),
        "Propaganda Diary (ru)": _unique([r["Disinfo_cases_ru"] for i, r in enumerate(russian) if i % 2]),
        "EUvsDisinfo disproof (en, debunk)": _unique([r["disproof"] for r in rows]),
        "GermEval test OTHER (de, benign)": _unique(
            [line.split("\t")[0] for line in germeval.splitlines() if line.count("\t") == 2 and "\tOTHER\t" in line]
        ),
        **_sfu_halves(_unique([r["comment"] for r in csv.DictReader(sfu.open(encoding="utf-8"))])),
    }


def _sfu_halves(texts: list[str]) -> dict[str, list[str]]:
    """The default quantiles (hold 1.0, flag 0.999) were chosen looking at the first half only."""
    dev = [t for t in texts if hashlib.sha256(("sfu" + t).encode("utf-8")).digest()[0] % 2 == 0]
    return {
        "SFU comments (en, benign), dev half": dev,
        "SFU comments (en, benign), held-out half": [t for t in texts if t not in set(dev)],
    }


def imported_catalogue(data: Path, english_diary_dev: list[str], tmp: Path, action: ClaimAction) -> Catalogue:
    claims = euvsdisinfo_claims(data / EUVSDISINFO, action=action, keep=lambda text: not held_out(text))
    path = tmp / f"euvsdisinfo-{action}.toml"
    path.write_text(to_toml(claims, version="euvsdisinfo-dev-half"), encoding="utf-8")
    diary = tmp / f"diary-{action}.toml"
    cases = [
        Claim(f"diary-{i}", "diary", t, "Propaganda Diary", action) for i, t in enumerate(_unique(english_diary_dev))
    ]
    diary.write_text(to_toml(cases, version="diary-dev-half"), encoding="utf-8")
    return load_catalogue([path, diary])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "datasets")
    args = parser.parse_args(argv)
    sets = load_sets(args.data)
    encoder = ClaimEncoder()
    english = [json.loads(line) for line in (args.data / "propaganda/propaganda-diary/dataEng.jsonl").open()]
    diary_dev = [r["Disinfo_cases_en"] for i, r in enumerate(english) if i % 2 == 0]
    with tempfile.TemporaryDirectory() as tmp:
        catalogues = {
            "shipped": load_catalogue(),
            **{
                f"+ EUvsDisinfo ({action})": imported_catalogue(args.data, diary_dev, Path(tmp), action)
                for action in (ClaimAction.FLAG, ClaimAction.HOLD)
            },
        }
        matchers = {
            name: ClaimMatcher(encoder=encoder, catalogue=c, settings=MatcherSettings(), cache_dir=None)
            for name, c in catalogues.items()
        }
        for name, matcher in matchers.items():
            print(f"{name}: {len(matcher.catalogue.claims)} claims, thresholds {matcher.thresholds}")
        started, embedded = time.perf_counter(), 0
        print("\n| set | texts | " + " | ".join(f"{n}: held / flagged" for n in matchers) + " |")
        print("|---|---:|" + "---:|" * len(matchers))
        for set_name, texts in sets.items():
            pieces = [matchers["shipped"].embed(text) for text in texts]
            embedded += len(texts)
            cells = []
            for matcher in matchers.values():
                actions = [
                    max((hit.action.value for hit in matcher.judge(t, *p)), default=0) if p else 0
                    for t, p in zip(texts, pieces, strict=True)
                ]
                held = sum(a >= Action.HOLD.value for a in actions) / len(texts)
                flagged = sum(a == Action.FLAG.value for a in actions) / len(texts)
                cells.append(f"{held:.1%} / {flagged:.1%}")
            print(f"| {set_name} | {len(texts)} | " + " | ".join(cells) + " |", flush=True)
        per_text = (time.perf_counter() - started) / embedded * 1000
        print(f"\n{embedded} texts embedded, {per_text:.1f} ms each (one thread, pieces of long texts included)")


if __name__ == "__main__":
    main()
