"""``flask claims``: what the catalogue in force holds, what a text matches, and claim files from EUvsDisinfo."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from moderation.claims.catalogue import ClaimAction
from moderation.claims.importing import euvsdisinfo_claims, to_toml
from moderation.claims.runtime import current_matcher
from moderation.claims.service import ClaimMatcher

cli = AppGroup("claims", help="Known disinformation claims matched across languages.")


def _matcher() -> ClaimMatcher:
    matcher = current_matcher()
    if matcher is None:
        raise click.ClickException("claim matching is switched off (KOMMENTARE_CLAIMS_ENABLED=false)")
    return matcher


@cli.command("info")
def info() -> None:
    """The catalogue's version, size and the thresholds fitted for it (loads the encoder)."""
    matcher = _matcher()
    limits = matcher.thresholds
    click.echo(f"catalogue {matcher.version}: {len(matcher.catalogue.claims)} claims")
    click.echo(f"encoder {matcher.encoder.encoder_id}")
    click.echo(f"hold at similarity >= {limits.hold:.4f}, flag at >= {limits.flag:.4f}")


@cli.command("check")
@click.argument("text")
def check(text: str) -> None:
    """The nearest known claim to TEXT and what it would ask for."""
    hits = _matcher().check(text)
    if not hits:
        click.echo("no known claim near enough (publish)")
    for hit in hits:
        click.echo(f"{hit.action.name.lower()}: {hit.rule_id} (similarity {hit.weight:.3f})\n  {hit.note}")


@cli.command("import-euvsdisinfo")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--version", "version", default="euvsdisinfo", show_default=True, help="The file's version.")
@click.option(
    "--action",
    type=click.Choice([a.value for a in ClaimAction]),
    default=ClaimAction.FLAG.value,
    show_default=True,
    help="What a match asks for (hold only for a curated file: see README).",
)
def import_euvsdisinfo(csv_path: Path, out: Path, version: str, action: str) -> None:
    """A claim file from an EUvsDisinfo export (CSV with a ``summary`` column); add it to KOMMENTARE_CLAIMS_FILES."""
    claims = euvsdisinfo_claims(csv_path, action=ClaimAction(action))
    if not claims:
        raise click.ClickException(f"{csv_path}: no rows with a 'summary'")
    out.write_text(to_toml(claims, version=version), encoding="utf-8")
    click.echo(f"wrote {len(claims)} claims to {out}; set KOMMENTARE_CLAIMS_FILES={out} and restart")
