"""Diagnostic gunicorn entry point (``--batch-stats``): Kommentare's ``wsgi:app`` plus a tally of model batches.

Throughput depends on how full the micro-batcher's batches are and how much padding they carry, and the service
does not expose either. This wraps ``moderation.toxicity.batcher._deliver`` (a private function: diagnostic use
only, it may move) to count texts, real tokens and padded tokens per model call, and prints one ``BATCH_STATS``
JSON line to the worker's log when the worker exits. The cost is one counter update per model call.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import sys
import threading
from collections import Counter
from collections.abc import Sequence
from typing import Any

# Imported by name so ``mypy bench`` checks this file without type-checking the service (its own ``make lint`` does).
batcher: Any = importlib.import_module("moderation.toxicity.batcher")
_sizes: Counter[int] = Counter()
_tokens = {"real": 0, "padded": 0}
_lock = threading.Lock()
_original = batcher._deliver


def _counting(requests: list[Any], scorer: Any, inputs: list[Any], timing: Any) -> None:
    lengths = [len(i) for i in inputs] if inputs and isinstance(inputs[0], Sequence) else [0]
    with _lock:
        _sizes[len(requests)] += 1
        _tokens["real"] += sum(lengths)
        _tokens["padded"] += max(lengths) * len(lengths)
    _original(requests, scorer, inputs, timing)


def _report() -> None:
    calls = sum(_sizes.values())
    texts = sum(size * n for size, n in _sizes.items())
    summary = {
        "pid": os.getpid(),
        "model_calls": calls,
        "texts": texts,
        "mean_batch": round(texts / calls, 2) if calls else None,
        "padding_share": round(1 - _tokens["real"] / _tokens["padded"], 3) if _tokens["padded"] else None,
        "sizes": {str(k): v for k, v in sorted(_sizes.items())},
    }
    # One write() call: workers share the log file, and print() may split a line that another worker interleaves.
    os.write(sys.stderr.fileno(), f"\nBATCH_STATS {json.dumps(summary)}\n".encode())


batcher._deliver = _counting
atexit.register(_report)

app = importlib.import_module("wsgi").app  # after the patch, so the pipeline's batcher calls the counting version
