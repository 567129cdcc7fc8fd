"""``flask archives import`` and ``flask archives export``: archives in and out, from the server's command line."""

from __future__ import annotations

from typing import BinaryIO, TextIO

import click
from flask.cli import AppGroup

from moderation.actors import Actor
from moderation.archives.exporting import export_archive
from moderation.archives.records import ArchiveError, ArchiveFormat
from moderation.archives.service import COUNTS, ImportSettings, import_archive, read_archive
from moderation.campaigns.detection import CampaignConfig
from moderation.extensions import current_session
from moderation.state import current_settings
from moderation.submission.runtime import current_runtime

cli = AppGroup("archives", help="Import comments from Disqus, WordPress or Kommentare archives; export them.")


@cli.command("import")
@click.option("--format", "archive_format", type=click.Choice([f.value for f in ArchiveFormat]), required=True)
@click.option("--screen", is_flag=True, help="Run published comments through rules and model; failing ones are held.")
@click.argument("file", type=click.File("rb"))
def import_command(archive_format: str, screen: bool, file: BinaryIO) -> None:
    """Import FILE; comments imported before are skipped, so a re-run (or one after a crash) adds only what is new."""
    settings = current_settings()
    session = current_session()
    try:
        archive = read_archive(file, ArchiveFormat(archive_format))
        counts = import_archive(
            session=session,
            archive=archive,
            settings=ImportSettings(
                campaigns=CampaignConfig.from_settings(settings),
                secret=settings.secret_key,
                screen_with=current_runtime() if screen else None,
            ),
            actor=Actor.CLI,
        )
    except ArchiveError as exc:
        session.rollback()
        raise click.ClickException(f"{file.name}: {exc}") from exc
    click.echo(", ".join(f"{name.replace('_', ' ')} {counts[name]}" for name in COUNTS))


@cli.command("export")
@click.option("--article", "article_id", help="Only this article and its comments.")
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-", help="File to write (default stdout).")
def export_command(article_id: str | None, out: TextIO) -> None:
    """Kommentare's own JSON archive: articles, comments with their whole moderation record, their readers."""
    counts = export_archive(
        session=current_session(), out=out, secret=current_settings().secret_key, actor=Actor.CLI, article_id=article_id
    )
    click.echo(
        f"exported {counts['articles']} articles, {counts['comments']} comments, {counts['readers']} readers", err=True
    )
