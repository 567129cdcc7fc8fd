"""``flask privacy export``: a reader's data as JSON, from the server's command line."""

from __future__ import annotations

import json
from typing import TextIO

import click
from flask.cli import AppGroup

from moderation.actors import Actor
from moderation.extensions import current_session
from moderation.privacy.erasure import erase_data
from moderation.privacy.service import Subject, export_data
from moderation.state import current_settings

cli = AppGroup("privacy", help="Readers' data rights.")


@cli.command("export")
@click.option("--reader", help="Reader id or the newsroom's sub.")
@click.option("--email", help="A guest's e-mail address.")
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-", help="File to write (default stdout).")
def export_command(reader: str | None, email: str | None, out: TextIO) -> None:
    """Everything stored about a reader (comments, votes, reports), for an access request."""
    if (reader is None) == (email is None):
        raise click.UsageError("give exactly one of --reader or --email")
    data = export_data(session=current_session(), subject=Subject(reader=reader, email=email), actor=Actor.CLI)
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


@cli.command("erase")
@click.option("--reader", help="Reader id or the newsroom's sub.")
@click.option("--email", help="A guest's e-mail address.")
@click.confirmation_option(prompt="Erase this reader's data for good?")
def erase_command(reader: str | None, email: str | None) -> None:
    """Anonymise a reader's comments and remove their personal data from every table (an erasure request)."""
    if (reader is None) == (email is None):
        raise click.UsageError("give exactly one of --reader or --email")
    subject = Subject(reader=reader, email=email)
    erased = erase_data(
        session=current_session(), subject=subject, secret=current_settings().secret_key, actor=Actor.CLI
    )
    click.echo(
        f"anonymised {erased.comments} comments; removed {erased.votes} votes, {erased.bans} bans; "
        f"{erased.reports} reports lost their reporter"
    )
