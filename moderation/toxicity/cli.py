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
from moderation.toxicity.activation import activate, candidates_dir, read_activation, rollback
from moderation.toxicity.calibrate import Confusion, confusion, fit_hold, fit_reject
from moderation.toxicity.learning import train_candidate
from moderation.toxicity.pull import PullError, Sources, pull
from moderation.toxicity.registry import BUNDLED, CHECKPOINT, NONE, PUBLISHED, bundled_files, published_files
from moderation.toxicity.runtime import configured_files, current_scorer
from moderation.toxicity.service import calibration_samples
from moderation.toxicity.sitehead import LABEL

cli = AppGroup(
    "models", help="Toxicity models: list, pull, calibrate, learn from decisions, activate, re-score held comments."
)


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


@cli.command("export-onnx")
def export_onnx_command() -> None:
    """Export the configured model's graph for ONNX Runtime beside its checkpoint (workers then serve it without
    torch; KOMMENTARE_TOXICITY_RUNTIME=auto). Needs torch and the onnx package (development install)."""
    settings = current_settings()
    files = configured_files(settings)
    if files is None or not files.checkpoint.is_file():
        raise click.ClickException("no local checkpoint to export (pull the model first, or use the bundled one)")
    from moderation.toxicity.onnx_export import export_onnx

    graph = export_onnx(files, name=settings.toxicity_model, max_tokens=settings.toxicity_max_tokens)
    click.echo(f"{graph} written (with its tokenizer and sidecar); workers use it after a restart")


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


@cli.command("train")
@click.option("--from-decisions", "from_decisions", is_flag=True, required=True, help="Learn from moderators.")
@click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Datasets folder with GermEval 2018 (trained on beside the site's decisions); without it the site alone.",
)
@click.option("--min-decisions", default=50, show_default=True)
def train_command(from_decisions: bool, data: Path | None, min_decisions: int) -> None:  # noqa: ARG001 (a switch)
    """Train a candidate site head from moderators' decisions and compare it with the active model; activates
    nothing (see ``flask models activate``)."""
    model_dir = Path(current_settings().model_dir)
    try:
        report = train_candidate(
            session=current_session(),
            base=current_scorer(),
            base_hold=current_thresholds().get(LABEL, {}).get("hold"),
            data_dir=data,
            candidates_dir=candidates_dir(model_dir),
            min_decisions=min_decisions,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    trained = ", ".join(f"{count} {name}" for name, count in report.trained_on.items())
    click.echo(f"candidate {report.candidate_id} ({report.path}); trained on {trained}")
    click.echo(f"compared on {report.held_out} held-out decisions (1 in 5 by comment id, never trained on):")
    click.echo(f"  {'model':<44} {'AUC':>6} {'hold':>6} {'prec':>6} {'rec':>6} {'queue':>6} {'missed':>7}")
    for side in (report.base, report.candidate):
        table = side.at_hold
        precision = f"{table.precision:.2f}" if side.hold is not None else "-"
        recall = f"{table.recall:.2f}" if side.hold is not None else "-"
        auc = f"{side.auc:.3f}" if side.auc is not None else "-"
        hold = f"{side.hold:.3f}" if side.hold is not None else "-"
        click.echo(
            f"  {side.model_id[:44]:<44} {auc:>6} {hold:>6} {precision:>6} {recall:>6} {side.queue:>6} {side.missed:>7}"
        )
    click.echo(f"flask models activate {report.candidate_id}  # to switch; workers pick it up when they restart")


@cli.command("candidates")
def candidates_command() -> None:
    """Stored candidates, newest first, with their held-out comparison; * marks the active one."""
    model_dir = Path(current_settings().model_dir)
    active = read_activation(model_dir).active
    for card_path in sorted(candidates_dir(model_dir).glob("*/model-card.json"), reverse=True):
        card = json.loads(card_path.read_text(encoding="utf-8"))
        compared = card["comparison"]
        mark = "*" if card["candidate"] == active else " "
        click.echo(
            f"{mark} {card['candidate']}  AUC {compared['candidate']['auc']} vs {compared['base']['auc']} "
            f"({compared['base']['model_id']}) on {card['held_out_decisions']} held-out decisions"
        )
    if active is None:
        click.echo("  (no candidate active: the base model runs alone)")


@cli.command("activate")
@click.argument("candidate")
def activate_command(candidate: str) -> None:
    """Make a stored candidate the active site head (audited); workers switch when they restart."""
    try:
        activate(
            session=current_session(),
            model_dir=Path(current_settings().model_dir),
            candidate=candidate,
            actor=Actor.CLI,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"active: {candidate} (restart the workers, e.g. kill -HUP the gunicorn master)")


@cli.command("rollback")
def rollback_command() -> None:
    """Switch back to what was active before the last activation (audited)."""
    try:
        activation = rollback(session=current_session(), model_dir=Path(current_settings().model_dir), actor=Actor.CLI)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"active: {activation.active or 'base model alone'} (restart the workers)")
