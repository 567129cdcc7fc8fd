"""The app's claim matcher, built from settings (no I/O: the encoder and the catalogue's vectors load lazily)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from moderation.claims.catalogue import load_catalogue
from moderation.claims.encoder import ClaimEncoder
from moderation.claims.service import ClaimMatcher, EncoderPort, MatcherSettings
from moderation.settings import Settings


def build_matcher(settings: Settings, *, instance_path: str, encoder: EncoderPort | None = None) -> ClaimMatcher | None:
    """None when switched off; the catalogue files are read (and validated) now, so a bad one stops start-up.
    ``encoder`` replaces the bundled one (tests pass a fast stand-in)."""
    if not settings.claims_enabled:
        return None
    return ClaimMatcher(
        encoder=encoder or ClaimEncoder(threads=settings.toxicity_threads),
        catalogue=load_catalogue([Path(p) for p in settings.claims_files]),
        settings=MatcherSettings(
            hold_quantile=settings.claims_hold_quantile,
            flag_quantile=settings.claims_flag_quantile,
            min_words=settings.claims_min_words,
        ),
        cache_dir=Path(instance_path) / "claims",
    )


EXTENSION_KEY = "kommentare.claims"


def init_app(app: Flask, matcher: ClaimMatcher | None) -> None:
    app.extensions[EXTENSION_KEY] = matcher


def current_matcher() -> ClaimMatcher | None:
    matcher: ClaimMatcher | None = current_app.extensions.get(EXTENSION_KEY)
    return matcher
