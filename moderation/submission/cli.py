"""``flask models rescore``: the background job that scores comments held while the model failed or was late.

The command sits in the ``models`` group operators know, but is a submission use case; ``create_app`` attaches it.
"""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from moderation.extensions import current_session, db
from moderation.state import current_settings
from moderation.submission.rescore import rescore_held
from moderation.submission.runtime import current_runtime
from moderation.workers import stop_on_signals


@click.command("rescore")
@with_appcontext
@click.option("--once", is_flag=True, help="Re-score what is waiting now, then exit.")
def rescore(once: bool) -> None:
    """Score comments held for a model failure or time-out, until SIGTERM/SIGINT."""
    runtime, poll = current_runtime(), current_settings().rescore_poll_seconds
    with stop_on_signals() as stopping:
        while not stopping():
            result = rescore_held(session=current_session(), runtime=runtime)
            db.session.remove()
            if once:
                click.echo(f"re-scored {result.rescored} comments, {result.changed} changed status")
                if result.waiting:
                    click.echo("the model still fails; the rest stay held", err=True)
                return
            if result.waiting or result.rescored == 0:
                time.sleep(poll)
