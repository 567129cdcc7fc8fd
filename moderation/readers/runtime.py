"""The process-wide single sign-on configuration, read once in ``create_app`` (the public key file included)."""

from __future__ import annotations

from flask import Flask, current_app

from moderation.readers.sso import SsoConfig
from moderation.settings import Settings

EXTENSION_KEY = "kommentare.sso"


def sso_config(settings: Settings) -> SsoConfig:
    return SsoConfig.load(
        secret=settings.sso_secret,
        public_key_file=settings.sso_public_key_file,
        audience=settings.sso_audience,
        issuer=settings.sso_issuer,
        leeway=settings.sso_leeway_seconds,
    )


def init_app(app: Flask, config: SsoConfig) -> None:
    app.extensions[EXTENSION_KEY] = config


def current_sso() -> SsoConfig:
    config: SsoConfig = current_app.extensions[EXTENSION_KEY]
    return config
