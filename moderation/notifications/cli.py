"""``flask notifications send``: the mail worker (``flask worker`` runs it), and a test mail for set-ups."""

from __future__ import annotations

import time
from datetime import timedelta

import click
from flask.cli import AppGroup

from moderation.extensions import current_session, db
from moderation.notifications.config import current_mail
from moderation.notifications.mails import RenderedMail
from moderation.notifications.sending import prune, run_once
from moderation.notifications.smtp import SendFailed, build_message, smtp_send
from moderation.state import current_settings
from moderation.types import utcnow
from moderation.workers import stop_on_signals

cli = AppGroup("notifications", help="E-mail notifications.")
PRUNE_EVERY = timedelta(hours=1)


@cli.command("send")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--batch", default=50, show_default=True, help="Mails claimed per round.")
def send_command(once: bool, batch: int) -> None:
    """Send queued mails (and the moderators' digest when due) until SIGTERM/SIGINT."""
    config = current_mail()
    if not config.enabled:
        click.echo("KOMMENTARE_SMTP_HOST is not set: no mail is sent" + ("" if once else "; waiting for a restart"))
    next_prune = utcnow()
    with stop_on_signals() as stopping:
        while not stopping():
            if config.enabled and utcnow() >= next_prune:
                prune(current_session(), config=config, now=utcnow())
                next_prune = utcnow() + PRUNE_EVERY
            done = run_once(current_session(), config=config, batch=batch) if config.enabled else None
            db.session.remove()
            if once:
                if done is not None:
                    click.echo(f"sent {done.sent}, failed {done.failed}, dropped {done.dropped}")
                return
            if done is None or done.sent + done.failed + done.dropped < batch:
                time.sleep(current_settings().mail_poll_seconds)


@cli.command("test")
@click.argument("address")
def test_command(address: str) -> None:
    """Send one mail to ADDRESS now, to check the SMTP settings."""
    config = current_mail()
    if not config.enabled:
        raise click.ClickException("KOMMENTARE_SMTP_HOST is not set")
    mail = RenderedMail((address,), "Kommentare: Testnachricht", "Die SMTP-Einstellungen funktionieren.\n", "de", None)
    try:
        smtp_send(build_message(mail, config), config)
    except SendFailed as exc:
        raise click.ClickException(f"not sent: {exc}") from exc
    click.echo(f"sent to {address}")
