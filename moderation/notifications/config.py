"""What the notification feature needs of the settings, checked once when the app is built."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask import Flask, current_app

from moderation.settings import Settings

CONFIG_KEY = "kommentare.mail"


class SmtpSecurity(enum.StrEnum):
    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


@dataclass(frozen=True)
class MailConfig:
    enabled: bool
    host: str
    port: int
    security: SmtpSecurity
    username: str
    password: str
    timeout_seconds: float
    sender: str
    public_url: str
    max_attempts: int
    decision_notices: bool
    digest_to: tuple[str, ...]
    digest_after_minutes: int
    digest_every_minutes: int
    retention_days: int

    @classmethod
    def from_settings(cls, settings: Settings) -> MailConfig:
        """``ValueError`` naming the variable for a setting mail cannot work with (start-up stops)."""
        try:
            security = SmtpSecurity(settings.smtp_security)
        except ValueError:
            raise ValueError("KOMMENTARE_SMTP_SECURITY must be starttls, tls or none") from None
        enabled = bool(settings.smtp_host)
        if enabled and not settings.public_url:
            raise ValueError("KOMMENTARE_PUBLIC_URL is needed for the links in mails when KOMMENTARE_SMTP_HOST is set")
        return cls(
            enabled=enabled,
            host=settings.smtp_host,
            port=settings.smtp_port,
            security=security,
            username=settings.smtp_username,
            password=settings.smtp_password,
            timeout_seconds=settings.smtp_timeout_seconds,
            sender=settings.mail_from,
            public_url=settings.public_url.rstrip("/"),
            max_attempts=settings.mail_max_attempts,
            decision_notices=settings.mail_decision_notices,
            digest_to=settings.mail_digest_to,
            digest_after_minutes=settings.mail_digest_after_minutes,
            digest_every_minutes=settings.mail_digest_every_minutes,
            retention_days=settings.mail_retention_days,
        )


def init_app(app: Flask, config: MailConfig) -> None:
    app.extensions[CONFIG_KEY] = config


def current_mail() -> MailConfig:
    config: MailConfig = current_app.extensions[CONFIG_KEY]
    return config
