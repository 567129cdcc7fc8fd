"""Nudge mode: before a toxic comment is held or rejected, show the reader which sentence and why, once.

Coral's best-liked feature: most readers who see "this sentence reads as an insult" rephrase. Only verdicts that rest
on toxicity scores alone are nudged; a rule hit (sanctioned link, narrative) or a model failure goes the usual way.
Nothing is stored for a nudge: the reader still has the text, and the resubmission (revised, or the same with
``nudge_acknowledged``) is moderated and stored like any other comment.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from moderation.messages import DEFAULT_LANGUAGE, Message, label_names, text
from moderation.sentences import Span
from moderation.submission.pipeline import ModerationPipeline
from moderation.submission.worst import RULE_PREFIX, worst_sentence
from moderation.verdicts import Action, ReasonCode, Verdict

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Nudge:
    """What the reader is shown: the labels that fired and the sentence that scored worst, with its offsets."""

    labels: tuple[str, ...]
    sentence: str
    span: Span

    def message(self, language: str = DEFAULT_LANGUAGE) -> str:
        return text(Message.NUDGE, language, labels=label_names(self.labels, language))

    def as_json(self) -> dict[str, Any]:
        return {"labels": list(self.labels), "sentence": self.sentence, "start": self.span.start, "end": self.span.end}


def nudge_for(*, pipeline: ModerationPipeline, body: str, verdict: Verdict) -> Nudge | None:
    """A nudge if the verdict is a hold/reject resting on toxicity scores alone; otherwise None (store it).

    The reasons are exactly those that asked for the action; a rule or watched word that holds or rejects is among
    them and goes the usual way, while one that only flags does not stop the nudge."""
    if verdict.action not in (Action.HOLD, Action.REJECT):
        return None
    if not verdict.reasons or any(reason.code is not ReasonCode.TOXICITY for reason in verdict.reasons):
        return None
    labels = tuple(sorted({reason.label for reason in verdict.reasons if reason.label}))
    span = _worst_sentence(pipeline, body, labels, verdict)
    return Nudge(labels=labels, sentence=body[span.start : span.end], span=span)


def _worst_sentence(pipeline: ModerationPipeline, body: str, labels: tuple[str, ...], verdict: Verdict) -> Span:
    """The sentence the pipeline already found (its ``model.*`` hit), else the one scoring highest on the labels
    that fired; the whole text if that cannot be told in time."""
    for hit in verdict.hits:
        if hit.rule_id.startswith(RULE_PREFIX):
            return Span(hit.start, hit.end)
    found = worst_sentence(body, labels, pipeline.score_all, pipeline.timeout_seconds)
    return found[0] if found is not None else Span(0, len(body))
