"""TorchScript tracing of a loaded classifier: the same weights and arithmetic without Python's per-layer overhead.

A small model spends most of a call in transformers' Python code, not in arithmetic: the bundled 1-layer model
took 0.76 ms per comment eager and 0.38 ms traced at batch size 1, one torch thread (``bench/model_call.py``).
Even for BERT-base int8, where arithmetic dominates, the HTTP benchmark served 62 instead of 50 comments/s.

Tracing records the operations of one run, so the graph must not depend on the input's shape or values.
BERT-family encoders given an explicit attention mask satisfy that (transformers builds the mask unconditionally
while tracing). Because that is a property of transformers' code, not a promise, every traced model is checked at
load: padded batches of other sizes and lengths than the tracing example must score as the eager model does, or the
eager model is kept and a warning says why (``KOMMENTARE_TOXICITY_TRACE=false`` skips tracing altogether).
"""

from __future__ import annotations

import logging
import warnings
from types import SimpleNamespace
from typing import Any

from moderation.toxicity.loading import pad_batch

log = logging.getLogger(__name__)

#: Largest score difference (in logits) the traced model may show against the eager one.
TOLERANCE = 1e-4
#: Texts of different lengths: the tracing example and the check batches are cut from them.
PROBES = (
    "Danke.",
    "Das ist ein ganz normaler Kommentar zu diesem Artikel.",
    "Du bist ein Idiot, und alle, die so etwas schreiben, sollten sich schämen. This is a longer mixed comment.",
)


class TracedClassifier:
    """Called like the transformers model in ``scorer._predict``: keyword inputs, ``.logits`` on the result."""

    def __init__(self, module: Any, device: Any) -> None:
        self.module, self.device = module, device

    def __call__(self, *, input_ids: Any, attention_mask: Any) -> SimpleNamespace:
        output = self.module(input_ids=input_ids, attention_mask=attention_mask)
        return SimpleNamespace(logits=output["logits"] if isinstance(output, dict) else output[0])


def trace_classifier(model: Any, tokenizer: Any) -> Any:
    """The traced model if it scores the check batches like ``model``; otherwise ``model`` itself."""
    import torch

    encoded = [list(ids) for ids in tokenizer(list(PROBES))["input_ids"]]
    pad_id = tokenizer.pad_token_id or 0
    try:
        example_ids, example_mask = pad_batch(encoded[1:2], pad_id)
        with torch.inference_mode(), warnings.catch_warnings():
            # TracerWarning: "converting a tensor to a Python boolean" in code paths the check below covers
            warnings.simplefilter("ignore")
            module = torch.jit.trace(  # type: ignore[no-untyped-call]
                model, example_kwarg_inputs={"input_ids": example_ids, "attention_mask": example_mask}, strict=False
            )
            module = torch.jit.freeze(module.eval())
        traced = TracedClassifier(module, getattr(model, "device", "cpu"))
        drift = max(
            _drift(model, traced, pad_batch([encoded[i] for i in rows], pad_id)) for rows in ((0, 2), (2,), (0, 1, 2))
        )
    except Exception as exc:  # tracing is an optimisation: the eager model always works
        log.warning("toxicity model kept eager: tracing failed (%s: %s)", type(exc).__name__, exc)
        return model
    if drift > TOLERANCE:
        log.warning("toxicity model kept eager: traced scores differ by %.2g (tolerance %g)", drift, TOLERANCE)
        return model
    return traced


def _drift(model: Any, traced: TracedClassifier, batch: tuple[Any, Any]) -> float:
    """Largest logit difference between the eager and the traced model on one padded batch."""
    import torch

    ids, mask = batch
    with torch.inference_mode():
        eager = model(input_ids=ids, attention_mask=mask).logits
        for _ in range(2):  # the first calls of a frozen graph also optimise it
            fast = traced(input_ids=ids, attention_mask=mask).logits
    return float((eager - fast).abs().max())
