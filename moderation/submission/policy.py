"""The submission policy: every setting a submission is judged by, read once from the settings in ``create_app``.

A view used to rebuild these arguments from the settings on every request; a frozen object built once keeps the
use cases' signatures short and lets a test state exactly the policy it runs under.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from moderation.articles.models import GuestMode
from moderation.campaigns.detection import CampaignConfig
from moderation.settings import Settings
from moderation.submission.trust_rules import SurgeRules, TrustRules
from moderation.thresholds import Thresholds

#: The re-score job waits at least this long for a score: it serves no waiting reader.
RESCORE_MIN_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class SubmissionPolicy:
    thresholds: Thresholds
    auto_create_articles: bool
    nudge_enabled: bool
    campaigns: CampaignConfig
    rescore_timeout_seconds: float
    reserved_author_names: tuple[str, ...] = ()
    edit_window_seconds: int = 300
    auto_close_days: int = 0
    trust: TrustRules = field(default_factory=TrustRules)
    #: Guests on stories that do not set their own.
    guests: GuestMode = GuestMode.ALLOWED
    surge: SurgeRules = field(default_factory=SurgeRules)
    #: Signs guests' edit tokens (``credentials``); the app's secret key.
    secret_key: str = field(default="", repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, *, thresholds: Thresholds) -> SubmissionPolicy:
        """``thresholds``: the active model's defaults with ``KOMMENTARE_THRESHOLDS`` over them."""
        return cls(
            thresholds={label: dict(levels) for label, levels in thresholds.items()},
            auto_create_articles=settings.auto_create_articles,
            nudge_enabled=settings.nudge_enabled,
            campaigns=CampaignConfig.from_settings(settings),
            rescore_timeout_seconds=max(RESCORE_MIN_TIMEOUT_SECONDS, settings.model_timeout_seconds),
            reserved_author_names=settings.reserved_author_names,
            edit_window_seconds=settings.edit_window_seconds,
            auto_close_days=settings.auto_close_days,
            trust=TrustRules(
                min_published=settings.trust_min_published,
                max_rejection_rate=settings.trust_max_rejection_rate,
                window_days=settings.trust_window_days,
                min_recent=settings.trust_min_recent,
                trusted_min_published=settings.trust_trusted_min_published,
                trusted_max_score=settings.trust_trusted_max_score,
            ),
            guests=_guest_mode(settings.guests),
            surge=SurgeRules(hours=settings.surge_hours, established_hours=settings.surge_established_hours),
            secret_key=settings.secret_key,
        )


def _guest_mode(value: str) -> GuestMode:
    try:
        return GuestMode(value)
    except ValueError:
        choices = ", ".join(mode.value for mode in GuestMode)
        raise ValueError(f"KOMMENTARE_GUESTS={value!r}: expected one of {choices}") from None
