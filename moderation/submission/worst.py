"""The model's worst sentence: where in a comment sits the toxicity that held or rejected it.

A score is about the whole comment; a moderator reading five sentences wants to see which one the model objected
to, and a reader being nudged wants to know what to rephrase. When the model's scores hold or reject a comment of
several sentences, each sentence is scored (one batch through the micro-batcher, within what is left of the
request's deadline) and the worst one becomes a ``model.<label>`` hit with its span, stored and highlighted like
a rule hit. It explains, it never decides: the verdict is already made when the span is looked for, and a
sentence scoring that fails or runs out of time leaves the verdict as it is, without a span.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from moderation.sentences import Span, sentence_spans
from moderation.verdicts import Action, Reason, ReasonCode, RuleHit

log = logging.getLogger(__name__)
ScoreAll = Callable[..., list[dict[str, float]]]
#: Less time than this left of the deadline and no sentence is scored (the reader is waiting).
MIN_SECONDS = 0.05
RULE_PREFIX = "model."
NOTE = "the model's worst sentence"


def worst_sentence(
    body: str, labels: Sequence[str], score_all: ScoreAll, timeout: float
) -> tuple[Span, dict[str, float] | None] | None:
    """The sentence scoring highest on ``labels`` with its scores (None for a one-sentence text: the comment's
    own scores apply); None when the sentences could not be scored in time."""
    spans = sentence_spans(body)
    if len(spans) == 1:
        return spans[0], None
    try:
        scores = score_all([body[span.start : span.end] for span in spans], timeout=timeout)
    except Exception:
        log.warning("could not score the sentences of a comment; no span for the model's reason", exc_info=True)
        return None
    return max(zip(spans, scores, strict=True), key=lambda pair: sum(pair[1].get(lb, 0.0) for lb in labels))


def model_hit(
    body: str, findings: Sequence[tuple[Action, Reason]], score_all: ScoreAll, timeout: float
) -> RuleHit | None:
    """The worst sentence as a hit for the strongest toxicity finding that held or rejected, if any."""
    fired = [(a, r) for a, r in findings if r.code is ReasonCode.TOXICITY and r.label and a.value >= Action.HOLD.value]
    if not fired or timeout < MIN_SECONDS:
        return None
    action, top = max(fired, key=lambda pair: (pair[0].value, pair[1].score or 0.0))
    found = worst_sentence(body, sorted({reason.label for _, reason in fired if reason.label}), score_all, timeout)
    if found is None:
        return None
    span, scores = found
    label = str(top.label)
    weight = scores.get(label, 0.0) if scores is not None else float(top.score or 0.0)
    match = body[span.start : span.end]
    return RuleHit(f"{RULE_PREFIX}{label}", action, span.start, span.end, match, round(weight, 4), NOTE)
