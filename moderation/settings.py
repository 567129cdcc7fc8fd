"""One typed settings object, read from ``KOMMENTARE_*`` environment variables.

Every knob of the service lives here with its default, so the README's configuration table and the code cannot
drift apart silently (a test compares them). Tests pass overrides to ``create_app`` instead of touching the
environment.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, get_type_hints

PREFIX = "KOMMENTARE_"

#: Per-label thresholds: a score at or above ``hold`` holds the comment for review, at or above ``reject`` rejects it.
DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    "toxicity": {"hold": 0.5, "reject": 0.95},
    "severe_toxicity": {"hold": 0.3, "reject": 0.8},
    "obscene": {"hold": 0.6, "reject": 0.97},
    "threat": {"hold": 0.3, "reject": 0.8},
    "insult": {"hold": 0.5, "reject": 0.95},
    "identity_attack": {"hold": 0.3, "reject": 0.85},
}


@dataclass(frozen=True)
class Settings:
    """Service configuration. Field ``foo_bar`` is read from ``KOMMENTARE_FOO_BAR``."""

    database_url: str = "sqlite:///kommentare.db"
    secret_key: str = "dev-only-change-me"
    # Comment content limits.
    body_max_length: int = 5000
    author_name_max_length: int = 80
    # Public thread listing.
    thread_max_depth: int = 3
    page_size_default: int = 20
    page_size_max: int = 100
    auto_create_articles: bool = False
    # Toxicity model: none | original | unbiased | multilingual | original-small | unbiased-small | checkpoint.
    toxicity_model: str = "none"
    toxicity_checkpoint: str = ""
    toxicity_config_dir: str = ""
    toxicity_device: str = "cpu"
    model_timeout_seconds: float = 2.0
    thresholds: dict[str, dict[str, float]] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    ruleset_path: str = ""
    # Reader reports: this many open reports hide a published comment until a moderator decides (0 = never).
    reports_hold_threshold: int = 3
    # Webhook delivery.
    webhook_timeout_seconds: float = 5.0
    webhook_max_attempts: int = 8
    webhook_backoff_seconds: float = 10.0
    webhook_poll_seconds: float = 1.0
    # Rate limits (Flask-Limiter syntax); storage is memory:// for one process, redis://host:6379 for several.
    ratelimit_storage_uri: str = "memory://"
    ratelimit_post_comment: str = "10/minute;100/hour"
    ratelimit_enabled: bool = True
    #: Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (client IPs for rate limits).
    trusted_proxies: int = 0
    cors_origins: tuple[str, ...] = ()
    demo_page: bool = False
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``environ`` (default ``os.environ``), then apply keyword overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        hints = get_type_hints(cls)
        for f in fields(cls):
            raw = environ.get(PREFIX + f.name.upper())
            if f.name == "database_url" and raw is None:
                raw = environ.get("DATABASE_URL")
            if raw is not None:
                values[f.name] = _coerce(f.name, raw, hints[f.name])
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        values.update(overrides)
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _coerce(name: str, raw: str, hint: Any) -> Any:
    """Turn one environment string into the field's type, with an error that names the variable."""
    try:
        if hint is bool:
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError("expected true/false")
        if hint is int:
            return int(raw)
        if hint is float:
            return float(raw)
        if hint == tuple[str, ...]:
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        if hint == dict[str, dict[str, float]]:
            return _parse_thresholds(raw)
        return raw
    except ValueError as exc:
        raise ValueError(f"{PREFIX}{name.upper()}={raw!r}: {exc}") from exc


def _parse_thresholds(raw: str) -> dict[str, dict[str, float]]:
    """Thresholds are JSON (``{"insult": {"hold": 0.4}}``) merged over the defaults, so one label can be tuned alone."""
    parsed = json.loads(raw)
    merged = {label: dict(levels) for label, levels in DEFAULT_THRESHOLDS.items()}
    for label, levels in parsed.items():
        if not set(levels) <= {"hold", "reject"}:
            raise ValueError(f"label {label!r}: only 'hold' and 'reject' are allowed")
        merged.setdefault(label, {}).update({k: float(v) for k, v in levels.items()})
    return merged
