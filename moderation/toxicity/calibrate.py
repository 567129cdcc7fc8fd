"""Fitting thresholds to moderators' decisions (pure): confusion tables and the threshold for a target.

A sample is ``(score, rejected_by_moderator)`` for one label. The *reject* threshold is the lowest score at which
auto-rejecting would have agreed with moderators at least ``target_precision`` of the time; the *hold* threshold is
the highest score that still sends ``hold_recall`` of the comments moderators rejected to the queue.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

Sample = tuple[float, bool]


@dataclass(frozen=True)
class Confusion:
    """Outcomes if every sample scoring at or above ``threshold`` had been flagged."""

    threshold: float
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


def confusion(samples: Sequence[Sample], threshold: float) -> Confusion:
    tp = sum(1 for score, rejected in samples if score >= threshold and rejected)
    fp = sum(1 for score, rejected in samples if score >= threshold and not rejected)
    fn = sum(1 for score, rejected in samples if score < threshold and rejected)
    return Confusion(threshold, tp, fp, fn, len(samples) - tp - fp - fn)


def sweep(samples: Sequence[Sample]) -> Iterator[Confusion]:
    """The confusion table at every distinct score, highest threshold first, in one sorted pass."""
    ordered = sorted(samples, key=lambda sample: sample[0], reverse=True)
    positives = sum(1 for _, rejected in samples if rejected)
    tp = fp = 0
    for index, (score, rejected) in enumerate(ordered):
        tp, fp = tp + rejected, fp + (not rejected)
        if index + 1 < len(ordered) and ordered[index + 1][0] == score:
            continue
        yield Confusion(score, tp, fp, positives - tp, len(ordered) - positives - fp)


def fit_reject(samples: Sequence[Sample], *, target_precision: float, min_flagged: int = 5) -> float | None:
    """Lowest threshold whose precision meets the target with at least ``min_flagged`` comments flagged."""
    best = None
    for table in sweep(samples):
        if table.tp + table.fp >= min_flagged and table.precision >= target_precision:
            best = table.threshold
    return best


def fit_hold(samples: Sequence[Sample], *, recall: float) -> float | None:
    """Highest threshold that still catches ``recall`` of what moderators rejected."""
    for table in sweep(samples):
        if table.recall >= recall:
            return table.threshold
    return None
