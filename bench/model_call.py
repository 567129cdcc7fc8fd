"""One model call, eager against traced (``KOMMENTARE_TOXICITY_TRACE``), for the bundled model, fp32 and int8.

Prints the median time per comment for batches of 1 and 8 synthetic comments (``corpus.py``) with one torch
thread, and the ratio eager / traced measured in the same run, interleaved in rounds so machine noise hits both.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import corpus
import torch

from moderation.toxicity.scorer import DetoxifyScorer, build_scorer

ROUNDS, CALLS = 7, 60


def scorer(*, trace: bool, quantize: str) -> DetoxifyScorer:
    built = build_scorer(model="bundled", model_dir=Path("unused"), trace=trace, quantize=quantize, threads=1)
    assert isinstance(built, DetoxifyScorer)
    built.load()
    return built


def per_comment_ms(model: DetoxifyScorer, batches: list[list[list[int]]]) -> float:
    began = time.perf_counter()
    for batch in batches:
        model.score_encoded(batch)
    return (time.perf_counter() - began) * 1000 / sum(len(batch) for batch in batches)


def main() -> None:
    torch.set_num_threads(1)
    rng = random.Random(7)
    texts = [corpus.comment(rng, i) for i in range(CALLS * 8)]
    print(f"{'model':<14}{'batch':>6}{'eager ms':>10}{'traced ms':>11}{'eager/traced':>14}   (per comment, median)")
    for quantize in ("none", "int8"):
        eager, traced = scorer(trace=False, quantize=quantize), scorer(trace=True, quantize=quantize)
        encoded = eager.encode(texts)
        for size in (1, 8):
            batches = [encoded[i : i + size] for i in range(0, CALLS * size, size)]
            per_comment_ms(eager, batches[:5]), per_comment_ms(traced, batches[:5])  # warm-up
            rounds = [(per_comment_ms(eager, batches), per_comment_ms(traced, batches)) for _ in range(ROUNDS)]
            slow, fast = (statistics.median(column) for column in zip(*rounds, strict=True))
            ratio = statistics.median(e / t for e, t in rounds)
            name = "bundled fp32" if quantize == "none" else "bundled int8"
            print(f"{name:<14}{size:>6}{slow:>10.3f}{fast:>11.3f}{ratio:>13.2f}x")


if __name__ == "__main__":
    main()
