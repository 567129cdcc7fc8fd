"""The app's settings, reachable from views, schemas and CLI commands.

Features that hold process-wide state of their own (the toxicity scorer, the submission pipeline) keep it in their
own ``app.extensions`` slot (``toxicity.runtime``, ``submission.runtime``), so this core module imports no feature.
"""

from __future__ import annotations

from flask import Flask, current_app

from moderation.settings import Settings

SETTINGS_KEY = "kommentare.settings"


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions[SETTINGS_KEY] = settings


def current_settings() -> Settings:
    settings: Settings = current_app.extensions[SETTINGS_KEY]
    return settings
