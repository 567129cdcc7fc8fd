"""``flask models``: list, pull, calibrate thresholds (``rescore`` joins the group from ``submission.cli``)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from moderation.actors import Actor
from moderation.articles.service import set_thresholds
from moderation.extensions import current_session
from moderation.state import current_settings, current_thresholds
from moderation.toxicity.calibrate import Confusion, confusion, fit_hold, fit_reject
from moderation.toxicity.pull import PullError, Sources, pull
from moderation.toxicity.registry import BUNDLED, CHECKPOINT, NONE, PUBLISHED, bundled_files, published_files
from moderation.toxicity.runtime import current_scorer
from moderation.toxicity.service import calibration_samples

cli = AppGroup("models", help="Toxicity models: list, pull, calibrate, re-score held comments.")


@cli.command("list")
def list_models() -> None:
    """Known models, where each is on disk, and which one is active (*)."""
    settings = current_settings()
    model_dir = Path(settings.model_dir)
    bundled = bundled_files()
    rows = [(BUNDLED, "bundled", bundled.checkpoint if bundled.present else None)]
    for name, model in PUBLISHED.items():
        files = published_files(model, model_dir)
        rows.append((name, "detoxify release", files.checkpoint if files.present else None))
    if settings.toxicity_model == CHECKPOINT:
        rows.append((CHECKPOINT, "local file", Path(settings.toxicity_checkpoint)))
    click.echo(f"model dir: {model_dir}")
    for name, source, path in rows:
        active = "*" if name == settings.toxicity_model else " "
        where = str(path) if path else _missing_hint(name)
        click.echo(f"{active} {name:<15} {source:<17} {where}")
    if settings.toxicity_model == NONE:
        click.echo("  (KOMMENTARE_TOXICITY_MODEL=none: no model active, every comment is held)")


@cli.command("pull")
@click.argument("name", type=click.Choice(sorted(PUBLISHED)))
def pull_model(name: str) -> None:
    """Download a published checkpoint and its base config/tokenizer into the model dir, hash-checked."""
    settings = current_settings()
    sources = Sources(releases_url=settings.model_download_url, hub_url=settings.model_hub_url)
    try:
        files = pull(PUBLISHED[name], model_dir=Path(settings.model_dir), sources=sources)
    except PullError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{name}: {files.checkpoint} and {files.config_dir}/ ready; KOMMENTARE_TOXICITY_MODEL={name} uses them")


@cli.command("calibrate")
@click.option("--target-precision", default=0.95, show_default=True, help="Auto-reject agrees with moderators.")
@click.option("--hold-recall", default=0.95, show_default=True, help="Share of rejected comments the queue sees.")
@click.option("--model-id", default=None, help="Decisions scored by this model (default: the active model).")
@click.option("--article", "article_id", default=None, help="Store the result as this article's thresholds.")
@click.option("--yes", is_flag=True, help="Apply to --article without asking.")
def calibrate(
    target_precision: float, hold_recall: float, model_id: str | None, article_id: str | None, yes: bool
) -> None:
    """Fit hold/reject thresholds to moderators' stored decisions; prints the confusion tables first."""
    model_id = model_id or current_scorer().model_id
    samples = calibration_samples(session=current_session(), model_id=model_id)
    if not samples:
        raise click.ClickException(f"no moderator decisions on comments scored by {model_id} yet")
    proposed: dict[str, dict[str, float]] = {}
    click.echo(f"model {model_id}; a comment counts as positive when a moderator rejected it")
    click.echo(
        f"{'label':<16} {'level':<7} {'threshold':>9} {'TP':>5} {'FP':>5} {'FN':>5} {'TN':>5} {'prec':>6} {'rec':>6}"
    )
    for label, rows in sorted(samples.items()):
        current = current_thresholds().get(label, {})
        fitted = {
            "hold": fit_hold(rows, recall=hold_recall),
            "reject": fit_reject(rows, target_precision=target_precision),
        }
        for level, value in fitted.items():
            if level in current:
                _row(label, f"{level}", confusion(rows, current[level]), "now")
            if value is not None:
                _row(label, f"{level}", confusion(rows, value), "fit")
        proposed[label] = {level: value for level, value in fitted.items() if value is not None}
    proposed = {label: levels for label, levels in proposed.items() if levels}
    click.echo(f"\nKOMMENTARE_THRESHOLDS='{json.dumps(proposed)}'")
    if article_id and proposed and (yes or click.confirm(f"Store these as thresholds of article {article_id}?")):
        set_thresholds(
            session=current_session(),
            article_id=article_id,
            thresholds=proposed,
            actor=Actor.CLI_CALIBRATE,
            base=current_thresholds(),
        )
        click.echo(f"article {article_id}: thresholds stored")


def _row(label: str, level: str, table: Confusion, which: str) -> None:
    click.echo(
        f"{label:<16} {level + ' ' + which:<11} {table.threshold:>5.3f} {table.tp:>5} {table.fp:>5} {table.fn:>5} "
        f"{table.tn:>5} {table.precision:>6.2f} {table.recall:>6.2f}"
    )


def _missing_hint(name: str) -> str:
    if name == BUNDLED:
        return "missing from the package (make train-model rebuilds it)"
    return f"not on disk (flask models pull {name}; downloads at first use if online)"
