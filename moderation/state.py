"""Per-app runtime state (settings and the moderation pipeline), reachable from views and CLI commands."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from moderation.filters.pipeline import ModerationPipeline
from moderation.settings import Settings

EXTENSION_KEY = "kommentare"


@dataclass
class AppState:
    settings: Settings
    pipeline: ModerationPipeline


def current_state() -> AppState:
    state: AppState = current_app.extensions[EXTENSION_KEY]
    return state


def current_settings() -> Settings:
    return current_state().settings
