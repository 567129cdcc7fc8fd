"""What the bundled model costs against the one it replaced: disk, RSS of a serving process, ms per comment.

``python bench/model_cost.py [--rounds 5] [--previous REV]``

The previous bundled model (a 1-layer BERT trained from scratch, issue 10's baseline) is checked out of git at
``--previous`` into ``.bench/previous-model/`` once. Each row loads a model the way a worker does
(``build_scorer(model="checkpoint", runtime=...)``) in a fresh process with one thread, then scores batches of 1
and 16 synthetic comments (``corpus.py``); rows are interleaved over rounds and the medians are printed with each
row's ratio to the previous model served the same way. RSS is the process's VmRSS after loading and scoring.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

PREVIOUS = "c6c385e"  # the last commit that shipped kommentare-small
SCRATCH = ROOT / ".bench" / "previous-model"
CALLS = 40


def previous_model(rev: str) -> tuple[Path, Path]:
    """The previous bundled checkpoint and config dir, from git (extracted once)."""
    folder = SCRATCH / rev
    if not folder.is_dir():
        folder.mkdir(parents=True)
        names = subprocess.run(
            ["git", "ls-tree", "-r", "--name-only", rev, "moderation/toxicity/bundled/"],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout.split()  # fmt: skip
        for name in names:
            target = folder / Path(name).relative_to("moderation/toxicity/bundled")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(
                subprocess.run(["git", "show", f"{rev}:{name}"], cwd=ROOT, check=True, capture_output=True).stdout
            )
    [checkpoint] = folder.glob("kommentare-*.ckpt")
    return checkpoint, folder / checkpoint.name.rsplit("-", 1)[0]


def current_model() -> tuple[Path, Path]:
    from moderation.toxicity.registry import bundled_files

    files = bundled_files()
    return files.checkpoint, files.config_dir


def child(checkpoint: str, config_dir: str, runtime: str, quantize: str) -> None:
    """One row in this process: load, warm up, time batches of 1 and 16, report RSS."""
    import corpus

    from moderation.toxicity.scorer import build_scorer

    scorer = build_scorer(
        model="checkpoint", model_dir=Path("unused"), checkpoint=checkpoint, config_dir=config_dir,
        runtime=runtime, quantize=quantize, threads=1,
    )  # fmt: skip
    rng = random.Random(7)
    texts = [corpus.comment(rng, serial) for serial in range(CALLS * 16)]
    encoded = scorer.encode(texts)  # type: ignore[attr-defined]
    scorer.score_encoded(encoded[:16])  # type: ignore[attr-defined]
    result: dict[str, float] = {}
    for size in (1, 16):
        started = time.perf_counter()
        for call in range(CALLS):
            scorer.score_encoded(encoded[call * size : (call + 1) * size])  # type: ignore[attr-defined]
        result[f"ms_b{size}"] = (time.perf_counter() - started) * 1000 / (CALLS * size)
    rss = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmRSS:"))
    result["rss_mb"] = int(rss.split()[1]) / 1024
    print(json.dumps(result))


def disk_mb(checkpoint: Path, config_dir: Path) -> float:
    files = [*checkpoint.parent.glob(checkpoint.stem + "*"), *config_dir.iterdir()]
    return sum(f.stat().st_size for f in files if f.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--previous", default=PREVIOUS)
    args = parser.parse_args()
    previous, bundled = previous_model(args.previous), current_model()
    rows = {  # row: (checkpoint, config dir, runtime, quantize, the baseline row)
        "previous (kommentare-small), onnx": (*previous, "onnx", "none", "previous (kommentare-small), onnx"),
        "previous (kommentare-small), torch": (*previous, "torch", "none", "previous (kommentare-small), torch"),
        "bundled (kommentare-e5), onnx": (*bundled, "onnx", "none", "previous (kommentare-small), onnx"),
        "bundled (kommentare-e5), onnx int8": (*bundled, "onnx", "int8", "previous (kommentare-small), onnx"),
        "bundled (kommentare-e5), torch": (*bundled, "torch", "none", "previous (kommentare-small), torch"),
    }
    samples: dict[str, list[dict[str, float]]] = {row: [] for row in rows}
    for _ in range(args.rounds):
        for row, (checkpoint, config_dir, runtime, quantize, _baseline) in rows.items():
            command = [sys.executable, __file__, "--child", str(checkpoint), str(config_dir), runtime, quantize]
            out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
            samples[row].append(json.loads(out.strip().splitlines()[-1]))
    print(f"medians of {args.rounds} interleaved rounds, one thread; ratio to the previous model, same runtime (fp32)")
    print("| row | disk MB | RSS MB | ms/comment batch 1 | batch 16 | × previous (b1 / b16 / RSS) |")
    print("|---|---:|---:|---:|---:|---|")
    keys = ("ms_b1", "ms_b16", "rss_mb")
    medians = {row: {k: statistics.median(s[k] for s in runs) for k in keys} for row, runs in samples.items()}
    for row, (checkpoint, config_dir, _runtime, _quantize, baseline) in rows.items():
        m, base = medians[row], medians[baseline]
        ratio = " / ".join(f"{m[k] / base[k]:.2f}" for k in keys)
        cells = f"{disk_mb(checkpoint, config_dir):.1f} | {m['rss_mb']:.0f} | {m['ms_b1']:.2f} | {m['ms_b16']:.2f}"
        print(f"| {row} | {cells} | {ratio} |")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
    else:
        main()
