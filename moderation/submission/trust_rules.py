"""The trust rules' settings, read once into the submission policy (see ``trust`` for what they do)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrustRules:
    min_published: int = 0
    #: 0 switches the rate rule off.
    max_rejection_rate: float = 0.0
    window_days: int = 7
    min_recent: int = 3

    @property
    def active(self) -> bool:
        return self.min_published > 0 or self.max_rejection_rate > 0
