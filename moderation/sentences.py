"""Sentences of a comment (pure), shared by the stages that read a comment in pieces: the toxicity windows and the
nudge (``submission.windows``) and the claim check (``claims.matching``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A sentence: text up to and including its closing punctuation (or a line break, or the end).
_SENTENCE = re.compile(r"[^.!?…\n]+(?:[.!?…]+|\n|$)")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def sentence_spans(body: str) -> list[Span]:
    """Sentence spans with surrounding whitespace trimmed; offsets index ``body``."""
    spans = []
    for match in _SENTENCE.finditer(body):
        chunk = match.group()
        if chunk.strip():
            start = match.start() + len(chunk) - len(chunk.lstrip())
            spans.append(Span(start, match.end() - (len(chunk) - len(chunk.rstrip()))))
    return spans or [Span(0, len(body))]
