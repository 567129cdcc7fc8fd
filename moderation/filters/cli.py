"""``flask rules check PATH`` and ``flask rules backtest --since 30d [--ruleset PATH]``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from moderation.comments.models import Comment
from moderation.extensions import current_session
from moderation.filters.backtest import Report, StoredComment, backtest, parse_since, stored
from moderation.filters.ruleset import Ruleset, RulesetError, load_ruleset
from moderation.state import current_settings
from moderation.verdicts import Action

cli = AppGroup("rules", help="Validate rule files and replay stored comments through a candidate rule set.")


@cli.command("check", with_appcontext=False)
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def check(path: Path) -> None:
    """Validate a rule file: every problem is printed as FILE:LINE: reason (exit status 1)."""
    ruleset = _load(path)
    click.echo(f"OK {path}: {ruleset.version_id} (mode {ruleset.mode})")
    domains = sum(len(rule.domains) for rule in ruleset.sanctioned)
    click.echo(
        f"  {len(ruleset.sanctioned)} sanctioned outlet entries ({domains} domains), {len(ruleset.hold)} hold lists, "
        f"{len(ruleset.protected)} protected brands"
    )
    regexes = sum(len(rule.regexes) for rule in ruleset.narratives)
    click.echo(
        f"  {len(ruleset.narratives)} narrative entries: {ruleset.pattern_count} patterns ({regexes} regex), "
        f"{len(ruleset.debunk_terms)} debunk terms; hold from {ruleset.scoring.hold_threshold:g}, "
        f"flag from {ruleset.scoring.flag_threshold:g}"
    )
    for line, rule_id, due in ruleset.overdue():
        click.echo(f"  review overdue: {path}:{line}: {rule_id} (review_by {due.isoformat()})")


@cli.command("backtest")
@click.option("--since", "since", default="30d", show_default=True, help="30d, 12h, 2w or an ISO date.")
@click.option(
    "--ruleset",
    "path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Candidate rule file (default: the shadow rule set, KOMMENTARE_SHADOW_RULESET_PATH, else the enforced "
    "file as it is on disk now).",
)
@click.option("--show", default=20, show_default=True, help="How many changed comments to list.")
def backtest_command(since: str, path: Path | None, show: int) -> None:
    """Replay stored comments through a candidate rule set and print what would change."""
    cutoff = parse_since_option(since)
    enforced = enforced_ruleset()
    candidate = _candidate(path, enforced)
    report = backtest(stored_since(cutoff), enforced, candidate, keep=show)
    click.echo(f"Backtest of {report.total} comments since {cutoff:%Y-%m-%d %H:%M} UTC")
    click.echo(f"  enforced:  {enforced.version_id}")
    click.echo(f"  candidate: {candidate.version_id}")
    click.echo("  (rule stage plus each comment's stored toxicity scores; moderator decisions are not replayed)")
    print_report(report)


def enforced_ruleset() -> Ruleset:
    """The rule file the service enforces, as it is on disk now (the service reloads it within seconds)."""
    path = current_settings().ruleset_path
    return _load(Path(path)) if path else load_ruleset()


def stored_since(cutoff: datetime) -> Iterator[StoredComment]:
    """Stored comments with their scores and thresholds, oldest first, streamed."""
    rows = current_session().execute(
        select(Comment.id, Comment.body, Comment.toxicity_scores, Comment.thresholds)
        .where(Comment.created_at >= cutoff)
        .order_by(Comment.id)
        .execution_options(yield_per=500)
    )
    return map(stored, rows)


def parse_since_option(since: str) -> datetime:
    try:
        return parse_since(since)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from exc


def _load(path: Path) -> Ruleset:
    try:
        return load_ruleset(path)
    except RulesetError as exc:
        raise click.ClickException(f"invalid rule file:\n{exc}") from exc


def _candidate(path: Path | None, enforced: Ruleset) -> Ruleset:
    """``--ruleset``, else the shadow rule set the service runs (``KOMMENTARE_SHADOW_RULESET_PATH``), else the
    enforced file as it is on disk now (the service reloads it within seconds of an edit)."""
    if path is not None:
        return _load(path)
    shadow_path = current_settings().shadow_ruleset_path
    if shadow_path:
        return _load(Path(shadow_path))
    if enforced.path is None:
        raise click.UsageError("no candidate rule set: pass --ruleset PATH")
    return _load(enforced.path)


def print_report(report: Report) -> None:
    click.echo("")
    click.echo(f"{'from':<8} {'to':<8} {'comments':>9}")
    for (before, after), count in sorted(report.transitions.items(), key=lambda item: (-item[1], item[0][0].value)):
        if before is not after:
            click.echo(f"{_name(before):<8} {_name(after):<8} {count:>9}")
    click.echo(f"{'unchanged':<17} {report.total - report.changed:>9}")
    if not report.changes:
        click.echo("\nNo comment would change.")
        return
    click.echo(f"\nChanged (first {len(report.changes)} of {report.changed}):")
    for change in report.changes:
        rules = ", ".join(change.rule_ids) or "-"
        click.echo(f"  #{change.comment_id}  {_name(change.before)} -> {_name(change.after)}  {rules}")


def _name(action: Action) -> str:
    return action.name.lower()
