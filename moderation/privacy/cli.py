"""``flask privacy export``: a reader's data as JSON, from the server's command line."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import TextIO

import click
from flask.cli import AppGroup

from moderation.actors import Actor
from moderation.extensions import current_session
from moderation.filters.backtest import parse_since
from moderation.privacy.erasure import erase_data
from moderation.privacy.retention import RetentionPolicy, apply_retention
from moderation.privacy.service import Subject, export_data
from moderation.privacy.transparency import transparency
from moderation.state import current_settings
from moderation.types import utcnow
from moderation.workers import stop_on_signals

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


@cli.command("transparency")
@click.option("--since", default="30d", show_default=True, help="Start: 30d, 12h, 2w before now, or an ISO date.")
@click.option("--until", default=None, help="End (exclusive), an ISO date; default now.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
def transparency_command(since: str, until: str | None, as_json: bool) -> None:
    """Moderation decisions of a period by outcome and reason, automated apart from human (DSA transparency)."""
    try:
        start = parse_since(since)
        end = parse_since(until) if until else utcnow()
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    report = transparency(session=current_session(), since=start, until=end).as_json()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(f"Decisions {_day(start)} – {_day(end)}")
    click.echo(f"automated: {report['totals']['automated']}, by moderators: {report['totals']['human']}")
    for row in report["automated"]:
        click.echo(f"  automated  {row['stage']:<10} {row['outcome']:<10} {row['reason']:<24} {row['count']:>8}")
    for row in report["human"]:
        click.echo(f"  moderator  {row['decision']:<21} {row['reason']:<24} {row['count']:>8}")
    for name, count in report["reports"].items():
        click.echo(f"  {name:<56} {count:>8}")


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


#: How often ``retention --watch`` runs.
RETENTION_EVERY_SECONDS = 3600.0


@cli.command("retention")
@click.option("--watch", is_flag=True, help="Run every hour until SIGTERM/SIGINT (what `flask worker` does).")
def retention_command(watch: bool) -> None:
    """Pseudonymise or delete personal data past its retention period (KOMMENTARE_RETENTION_*), until SIGTERM/SIGINT
    with --watch."""
    settings = current_settings()
    policy = RetentionPolicy(
        rejected_days=settings.retention_rejected_days,
        campaign_index_days=settings.retention_campaign_index_days,
        audit_details_days=settings.retention_audit_details_days,
    )
    with stop_on_signals() as stopping:
        while not stopping():
            run = apply_retention(session=current_session(), policy=policy, secret=settings.secret_key, now=utcnow())
            click.echo(
                f"anonymised {run.rejected_anonymised} rejected comments, deleted {run.index_rows_deleted} index rows, "
                f"pseudonymised {run.audit_entries_pseudonymised} audit entries"
            )
            if not watch:
                return
            deadline = time.monotonic() + RETENTION_EVERY_SECONDS
            while not stopping() and time.monotonic() < deadline:
                time.sleep(1)
