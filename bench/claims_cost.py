"""What the claim signal costs a worker, beside the toxicity model it runs next to: RSS and ms per comment.

``python bench/claims_cost.py [--rounds 5]``

Each row runs in a fresh process with one thread on the same synthetic comments (``corpus.py``):
``toxicity model`` loads the bundled model the way a worker does (ONNX Runtime) and scores one comment per call;
``claim check`` loads the claim encoder and the shipped catalogue (``ClaimMatcher.check``, pieces of long comments
included); ``both`` does one after the other, as the pipeline does. Rows are interleaved over rounds; medians are
printed with each row's ratio to the toxicity model alone. RSS is VmRSS after loading and scoring.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

CALLS = 60
ROWS = ("toxicity model", "claim check", "both")


def _toxicity() -> Any:
    from moderation.toxicity.registry import bundled_files
    from moderation.toxicity.scorer import build_scorer

    files = bundled_files()
    return build_scorer(
        model="checkpoint", model_dir=Path("unused"), checkpoint=str(files.checkpoint),
        config_dir=str(files.config_dir), runtime="onnx", quantize="none", threads=1,
    )  # fmt: skip


def _claims() -> Any:
    from moderation.claims.catalogue import load_catalogue
    from moderation.claims.encoder import ClaimEncoder
    from moderation.claims.service import ClaimMatcher, MatcherSettings

    matcher = ClaimMatcher(
        encoder=ClaimEncoder(), catalogue=load_catalogue(), settings=MatcherSettings(), cache_dir=None
    )
    matcher.load()
    return matcher


def child(row: str) -> None:
    import corpus

    rng = random.Random(7)
    texts = [corpus.comment(rng, serial) for serial in range(CALLS)]
    steps: list[Callable[[str], object]] = []
    if row in ("toxicity model", "both"):
        scorer = _toxicity()
        steps.append(lambda text: scorer.score([text]))
    if row in ("claim check", "both"):
        matcher = _claims()
        steps.append(matcher.check)
    for step in steps:
        step(texts[0])
    started = time.perf_counter()
    for text in texts:
        for step in steps:
            step(text)
    ms = (time.perf_counter() - started) * 1000 / len(texts)
    rss = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmRSS:"))
    print(json.dumps({"ms": ms, "rss_mb": int(rss.split()[1]) / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    samples: dict[str, list[dict[str, float]]] = {row: [] for row in ROWS}
    for _ in range(args.rounds):
        for row in ROWS:
            command = [sys.executable, __file__, "--child", row]
            out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
            samples[row].append(json.loads(out.strip().splitlines()[-1]))
    medians = {
        row: {k: statistics.median(s[k] for s in runs) for k in ("ms", "rss_mb")} for row, runs in samples.items()
    }
    base = medians["toxicity model"]
    print(f"medians of {args.rounds} interleaved rounds, one thread, {CALLS} comments each")
    print("| row | ms/comment | RSS MB | × toxicity model (ms / RSS) |")
    print("|---|---:|---:|---|")
    for row, m in medians.items():
        ratio = f"{m['ms'] / base['ms']:.2f} / {m['rss_mb'] / base['rss_mb']:.2f}"
        print(f"| {row} | {m['ms']:.1f} | {m['rss_mb']:.0f} | {ratio} |")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
