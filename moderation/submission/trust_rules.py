"""The trust and surge settings, read once into the submission policy (see ``trust`` for what they do)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrustRules:
    min_published: int = 0
    #: 0 switches the rate rule off.
    max_rejection_rate: float = 0.0
    window_days: int = 7
    min_recent: int = 3
    #: Signed-in readers with this many published comments and no recent rejection are trusted (0: nobody is).
    trusted_min_published: int = 0
    #: A trusted reader's comment held only by model scores below this publishes, flagged for moderators.
    trusted_max_score: float = 0.9

    @property
    def active(self) -> bool:
        return self.min_published > 0 or self.max_rejection_rate > 0 or self.trusted_min_published > 0


@dataclass(frozen=True)
class SurgeRules:
    #: How long a burst of new accounts puts a story into surge mode (0: it does not).
    hours: float = 6.0
    #: An author is established during a surge with a published comment at least this old.
    established_hours: float = 24.0
