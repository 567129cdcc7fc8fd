"""``flask webhooks worker``: the delivery loop, one per worker process or host."""

from __future__ import annotations

import time
from datetime import timedelta

import click
from flask.cli import AppGroup

from moderation.extensions import current_session, db
from moderation.state import current_settings
from moderation.types import utcnow
from moderation.webhooks.delivery import lease_batch, prune, run_once
from moderation.workers import stop_on_signals

cli = AppGroup("webhooks", help="Webhook delivery.")
#: How often a worker deletes what the retention period let go.
PRUNE_EVERY = timedelta(hours=1)


@cli.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@click.option("--batch", default=50, show_default=True, help="Deliveries claimed per round.")
def worker(once: bool, batch: int) -> None:
    """Deliver outbox events until SIGTERM/SIGINT; a round in progress finishes first."""
    settings = current_settings()
    next_prune = utcnow()
    with stop_on_signals() as stopping:
        while not stopping():
            if settings.webhook_retention_days and utcnow() >= next_prune:
                prune(current_session(), now=utcnow(), retention=timedelta(days=settings.webhook_retention_days))
                next_prune = utcnow() + PRUNE_EVERY
            sent = run_once(current_session(), settings=settings, batch=batch)
            db.session.remove()
            if once:
                click.echo(f"attempted {sent} deliveries")
                return
            if sent < lease_batch(batch, settings.webhook_timeout_seconds):
                time.sleep(settings.webhook_poll_seconds)


@cli.command("prune")
def prune_command() -> None:
    """Delete delivered deliveries and their events older than KOMMENTARE_WEBHOOK_RETENTION_DAYS now."""
    days = current_settings().webhook_retention_days
    if not days:
        click.echo("KOMMENTARE_WEBHOOK_RETENTION_DAYS=0: nothing is deleted")
        return
    gone = prune(current_session(), now=utcnow(), retention=timedelta(days=days))
    click.echo(f"deleted {gone} delivered deliveries older than {days} days")
