"""The app's compiled watched-words cache: built in ``create_app``, read by the submission pipeline."""

from __future__ import annotations

from flask import Flask, current_app

from moderation.settings import Settings
from moderation.watchwords.service import WordlistCache
from moderation.watchwords.wordlist import load_shipped

EXTENSION_KEY = "kommentare.watchwords"


def build_cache(settings: Settings) -> WordlistCache:
    """Loads and checks the shipped list (a phrase that does not parse stops start-up)."""
    return WordlistCache(load_shipped(), refresh_seconds=settings.watchwords_refresh_seconds)


def init_app(app: Flask, cache: WordlistCache) -> None:
    app.extensions[EXTENSION_KEY] = cache


def current_cache() -> WordlistCache:
    cache: WordlistCache = current_app.extensions[EXTENSION_KEY]
    return cache
