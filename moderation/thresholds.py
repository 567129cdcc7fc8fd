"""Per-label publish / hold / reject thresholds: validation and layering (settings, then per-article overrides).

A score at or above ``hold`` holds the comment for review, at or above ``reject`` rejects it; below ``hold`` it is
published. Overrides are partial (``{"insult": {"hold": 0.4}}``) so one label of one article can be tuned alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Thresholds = dict[str, dict[str, float]]
LEVELS = ("hold", "reject")
#: Every label a Detoxify model (published or bundled) outputs; thresholds for anything else would never apply.
KNOWN_LABELS = frozenset(
    {"toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack", "sexual_explicit"}
)


def validate_overrides(raw: Any) -> Thresholds:
    """Label -> {hold?, reject?} with numbers in [0, 1]; raises ``ValueError`` naming the first bad entry."""
    if not isinstance(raw, Mapping):
        raise ValueError("thresholds must be an object: label -> {hold, reject}")
    clean: Thresholds = {}
    for label, levels in raw.items():
        if not isinstance(label, str) or not label or not isinstance(levels, Mapping):
            raise ValueError(f"label {label!r}: expected an object with 'hold' and/or 'reject'")
        if label not in KNOWN_LABELS:
            raise ValueError(f"label {label[:40]!r}: unknown; known labels are {', '.join(sorted(KNOWN_LABELS))}")
        if not set(levels) <= set(LEVELS) or not levels:
            raise ValueError(f"label {label!r}: only 'hold' and 'reject' are allowed")
        for level, value in levels.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
                raise ValueError(f"label {label!r}: {level} must be a number from 0 to 1")
        clean[label] = {level: float(value) for level, value in levels.items()}
        check_order(label, clean[label])
    return clean


def check_order(label: str, levels: Mapping[str, float]) -> None:
    """``hold`` must not lie above ``reject``: a comment would be rejected before it could ever be held."""
    if "hold" in levels and "reject" in levels and levels["hold"] > levels["reject"]:
        raise ValueError(f"label {label!r}: hold ({levels['hold']:g}) must not be above reject ({levels['reject']:g})")


def merge(base: Mapping[str, Mapping[str, float]], overrides: Mapping[str, Mapping[str, float]] | None) -> Thresholds:
    """``base`` with ``overrides`` laid over it, label by label and level by level."""
    merged = {label: dict(levels) for label, levels in base.items()}
    for label, levels in (overrides or {}).items():
        merged.setdefault(label, {}).update(levels)
    return merged
