"""Turning a rendered mail into an RFC 5322 message, and handing it to the configured SMTP server."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Protocol

from moderation.notifications.config import MailConfig, SmtpSecurity
from moderation.notifications.mails import RenderedMail
from moderation.types import utcnow


class SendFailed(Exception):
    """``permanent``: the server refused for good (5xx), retrying cannot help."""

    def __init__(self, detail: str, *, permanent: bool) -> None:
        super().__init__(detail)
        self.permanent = permanent


class Transport(Protocol):
    def __call__(self, message: EmailMessage, config: MailConfig) -> None: ...


def build_message(mail: RenderedMail, config: MailConfig) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = ", ".join(mail.to)
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(utcnow())
    domain = parseaddr(config.sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    # Automatic mail: no out-of-office replies to it (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    if mail.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058: a POST without a login
    message.set_content(mail.body)
    message["Content-Language"] = mail.language  # after set_content, which replaces every Content-* header
    return message


def smtp_send(message: EmailMessage, config: MailConfig) -> None:
    """One connection per mail round is enough at newsroom volumes; ``SendFailed`` for every failure."""
    try:
        with _connect(config) as server:
            if config.username:
                server.login(config.username, config.password)
            server.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise SendFailed(f"recipients refused: {codes}", permanent=all(code >= 500 for code in codes)) from exc
    except smtplib.SMTPResponseException as exc:
        raise SendFailed(f"{exc.smtp_code} {exc.smtp_error!r}", permanent=exc.smtp_code >= 500) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendFailed(f"{type(exc).__name__}: {exc}", permanent=False) from exc


def _connect(config: MailConfig) -> smtplib.SMTP:
    if config.security is SmtpSecurity.TLS:
        return smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout_seconds, context=ssl.create_default_context()
        )
    server = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
    if config.security is SmtpSecurity.STARTTLS:
        try:
            server.starttls(context=ssl.create_default_context())
        except BaseException:
            server.close()
            raise
    return server
