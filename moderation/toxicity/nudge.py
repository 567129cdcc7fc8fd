"""Nudge mode: before a toxic comment is held or rejected, show the reader which sentence and why, once.

Coral's best-liked feature: most readers who see "this sentence reads as an insult" rephrase. Only verdicts that rest
on toxicity scores alone are nudged; a rule hit (sanctioned link, narrative) or a model failure goes the usual way.
Nothing is stored for a nudge: the reader still has the text, and the resubmission (revised, or the same with
``nudge_acknowledged``) is moderated and stored like any other comment.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from moderation.errors import DomainError
from moderation.filters.policy import LABEL_NAMES_DE
from moderation.filters.verdicts import Action, Verdict

if TYPE_CHECKING:
    from moderation.filters.pipeline import ModerationPipeline

log = logging.getLogger(__name__)
#: A sentence: text up to and including its closing punctuation (or a line break, or the end).
_SENTENCE = re.compile(r"[^.!?…\n]+(?:[.!?…]+|\n|$)")


class NudgeOffered(DomainError):
    status = 422
    slug = "comment-nudge"
    title = "Please revise your comment"


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def sentence_spans(text: str) -> list[Span]:
    """Sentence spans with surrounding whitespace trimmed; offsets index ``text`` (pure)."""
    spans = []
    for match in _SENTENCE.finditer(text):
        chunk = match.group()
        if chunk.strip():
            start = match.start() + len(chunk) - len(chunk.lstrip())
            spans.append(Span(start, match.end() - (len(chunk) - len(chunk.rstrip()))))
    return spans or [Span(0, len(text))]


def offer_nudge(*, pipeline: ModerationPipeline, text: str, verdict: Verdict) -> None:
    """Raise ``NudgeOffered`` if the verdict is a toxicity hold/reject; otherwise return and let it be stored."""
    if verdict.action not in (Action.HOLD, Action.REJECT) or verdict.hits:
        return
    if not verdict.reasons or any(reason.code != "toxicity" for reason in verdict.reasons):
        return
    labels = sorted({reason.label for reason in verdict.reasons if reason.label})
    span = _worst_sentence(pipeline, text, labels)
    names = ", ".join(LABEL_NAMES_DE.get(label, label) for label in labels)
    raise NudgeOffered(
        f"Dieser Satz könnte gegen unsere Diskussionsregeln verstoßen ({names}). Möchten Sie ihn umformulieren?",
        extra={
            "nudge": {"labels": labels, "sentence": text[span.start : span.end], "start": span.start, "end": span.end}
        },
    )


def _worst_sentence(pipeline: ModerationPipeline, text: str, labels: list[str]) -> Span:
    """The sentence scoring highest on the labels that fired; the whole text if that cannot be told."""
    spans = sentence_spans(text)
    if len(spans) == 1:
        return spans[0]
    try:
        scores = pipeline.scorer.score([text[span.start : span.end] for span in spans])
    except Exception:
        log.warning("could not score sentences for a nudge; pointing at the whole comment", exc_info=True)
        return Span(0, len(text))
    return max(zip(spans, scores, strict=True), key=lambda pair: sum(pair[1].get(lb, 0.0) for lb in labels))[0]
