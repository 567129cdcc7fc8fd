"""What a queue item shows a moderator, computed from what the comment stored with its decision (pure)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Segment:
    """A run of the body; ``hits`` are the indexes (into the comment's rule hits) of the matches covering it."""

    text: str
    hits: tuple[int, ...] = ()


@dataclass(frozen=True)
class ScoreRow:
    label: str
    score: float
    hold: float | None
    reject: float | None

    @property
    def outcome(self) -> str:
        """``reject``, ``hold`` or ``ok``: where the score stood against the thresholds it was judged with."""
        if self.reject is not None and self.score >= self.reject:
            return "reject"
        if self.hold is not None and self.score >= self.hold:
            return "hold"
        return "ok"


def highlight(body: str, hits: Sequence[Mapping[str, Any]]) -> list[Segment]:
    """The body cut at every hit boundary; overlapping hits give pieces covered by several. Offsets outside the
    body (a hit stored from an older text) are clipped, never trusted."""
    spans = [
        (index, max(0, int(hit.get("start", 0))), min(len(body), int(hit.get("end", 0))))
        for index, hit in enumerate(hits)
    ]
    spans = [(index, start, end) for index, start, end in spans if start < end]
    cuts = sorted({0, len(body), *(start for _, start, _ in spans), *(end for _, _, end in spans)})
    segments = []
    for left, right in itertools.pairwise(cuts):
        covering = tuple(index for index, start, end in spans if start <= left and right <= end)
        segments.append(Segment(body[left:right], covering))
    return segments


def score_rows(
    scores: Mapping[str, float] | None, thresholds: Mapping[str, Mapping[str, float]] | None
) -> list[ScoreRow]:
    """Each scored label against the thresholds stored with the decision, worst first."""
    thresholds = thresholds or {}
    rows = [
        ScoreRow(label, float(score), thresholds.get(label, {}).get("hold"), thresholds.get(label, {}).get("reject"))
        for label, score in (scores or {}).items()
    ]
    return sorted(rows, key=lambda row: row.score, reverse=True)


@dataclass(frozen=True)
class History:
    """An account's comments by outcome (this one included)."""

    counts: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rejection_rate(self) -> float:
        return self.counts.get("rejected", 0) / self.total if self.total else 0.0
