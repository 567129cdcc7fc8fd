"""``flask webhooks worker``: the delivery loop, one per worker process or host."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from moderation.extensions import current_session, db
from moderation.state import current_settings
from moderation.webhooks.delivery import lease_batch, run_once
from moderation.workers import stop_on_signals

cli = AppGroup("webhooks", help="Webhook delivery.")


@cli.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@click.option("--batch", default=50, show_default=True, help="Deliveries claimed per round.")
def worker(once: bool, batch: int) -> None:
    """Deliver outbox events until SIGTERM/SIGINT; a round in progress finishes first."""
    settings = current_settings()
    with stop_on_signals() as stopping:
        while not stopping():
            sent = run_once(current_session(), settings=settings, batch=batch)
            db.session.remove()
            if once:
                click.echo(f"attempted {sent} deliveries")
                return
            if sent < lease_batch(batch, settings.webhook_timeout_seconds):
                time.sleep(settings.webhook_poll_seconds)
