"""Frozen value objects every filter returns: what fired, where, and what it means for the comment."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any


class Action(enum.Enum):
    """What a filter asks for; the strongest action across all filters wins."""

    PUBLISH = 0
    FLAG = 1
    HOLD = 2
    REJECT = 3


@dataclass(frozen=True)
class RuleHit:
    """One rule match; ``start``/``end`` are offsets into the comment body exactly as the reader sent it."""

    rule_id: str
    action: Action
    start: int
    end: int
    match: str
    weight: float = 1.0
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["action"] = self.action.name.lower()
        return data


@dataclass(frozen=True)
class Reason:
    """A machine code plus a reader-facing message; ``label`` or ``rule_id`` names what fired."""

    code: str
    message: str
    label: str | None = None
    rule_id: str | None = None
    score: float | None = None

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Verdict:
    """The pipeline's decision with everything needed to explain it later."""

    action: Action
    reasons: tuple[Reason, ...]
    hits: tuple[RuleHit, ...]
    scores: dict[str, float] | None
    model_id: str | None
    ruleset_version: str | None
    thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
