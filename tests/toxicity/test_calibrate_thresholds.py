"""Threshold fitting (pure) and threshold validation/layering."""

from __future__ import annotations

from typing import Any

import pytest

from moderation.thresholds import merge, validate_overrides
from moderation.toxicity.calibrate import confusion, fit_hold, fit_reject, sweep

#: Moderators rejected everything from 0.8 up and one comment at 0.4; they approved the rest.
SAMPLES = [
    *[(0.1, False), (0.2, False), (0.3, False), (0.4, True), (0.5, False), (0.6, False), (0.7, False)],
    *[(0.8, True), (0.85, True), (0.9, True), (0.95, True), (0.97, True)],
]


def test_confusion_counts_at_a_threshold() -> None:
    table = confusion(SAMPLES, 0.8)
    assert (table.tp, table.fp, table.fn, table.tn) == (5, 0, 1, 6)
    assert table.precision == 1.0
    assert table.recall == pytest.approx(5 / 6)


def test_sweep_agrees_with_confusion_everywhere() -> None:
    for table in sweep(SAMPLES):
        assert table == confusion(SAMPLES, table.threshold)


def test_fit_reject_is_the_lowest_threshold_meeting_the_precision() -> None:
    assert fit_reject(SAMPLES, target_precision=1.0) == 0.8
    assert fit_reject(SAMPLES, target_precision=0.7) == 0.6  # 5 of 7 flagged = 0.71
    assert fit_reject(SAMPLES, target_precision=1.0, min_flagged=6) is None


def test_fit_hold_keeps_the_recall() -> None:
    assert fit_hold(SAMPLES, recall=5 / 6) == 0.8
    assert fit_hold(SAMPLES, recall=1.0) == 0.4
    assert fit_hold([(0.5, False)], recall=0.9) is None


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ([], "must be an object"),
        ({"toxicity": 0.5}, "expected an object"),
        ({"toxicity": {}}, "only 'hold' and 'reject'"),
        ({"toxicity": {"publish": 0.1}}, "only 'hold' and 'reject'"),
        ({"toxicity": {"hold": 1.5}}, "hold must be a number from 0 to 1"),
        ({"toxicity": {"reject": True}}, "reject must be a number"),
        ({"toxicity": {"hold": "0.5"}}, "hold must be a number"),
    ],
)
def test_bad_overrides_are_refused(raw: Any, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        validate_overrides(raw)


def test_overrides_merge_level_by_level() -> None:
    base = {"toxicity": {"hold": 0.5, "reject": 0.95}, "insult": {"hold": 0.5, "reject": 0.95}}
    merged = merge(base, validate_overrides({"toxicity": {"hold": 0.3}, "threat": {"hold": 0.2}}))
    assert merged == {
        "toxicity": {"hold": 0.3, "reject": 0.95},
        "insult": {"hold": 0.5, "reject": 0.95},
        "threat": {"hold": 0.2},
    }
    assert merge(base, None) == base
    assert base["toxicity"]["hold"] == 0.5  # not mutated
