"""The app's settings, reachable from views, schemas and CLI commands.

Features that hold process-wide state of their own (the toxicity scorer, the submission pipeline) keep it in their
own ``app.extensions`` slot (``toxicity.runtime``, ``submission.runtime``), so this core module imports no feature.
"""

from __future__ import annotations

from flask import Flask, current_app

from moderation.settings import Settings
from moderation.thresholds import Thresholds

SETTINGS_KEY = "kommentare.settings"
THRESHOLDS_KEY = "kommentare.thresholds"


def init_app(app: Flask, settings: Settings, *, thresholds: Thresholds) -> None:
    """``thresholds``: what comments are judged by before per-article overrides (the active model's defaults with
    ``KOMMENTARE_THRESHOLDS`` laid over them), worked out once in ``create_app``."""
    app.extensions[SETTINGS_KEY] = settings
    app.extensions[THRESHOLDS_KEY] = thresholds


def current_thresholds() -> Thresholds:
    thresholds: Thresholds = current_app.extensions[THRESHOLDS_KEY]
    return thresholds


def current_settings() -> Settings:
    settings: Settings = current_app.extensions[SETTINGS_KEY]
    return settings
