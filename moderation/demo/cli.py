"""``flask demo seed``: register the demo article (idempotent), used by ``make run``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from moderation.actors import Actor
from moderation.articles.service import ArticleInput, register_article
from moderation.demo.assets import WIDGET_FILES, version
from moderation.demo.content import DEMO_ARTICLE_ID, DEMO_TITLE
from moderation.extensions import current_session

cli = AppGroup("demo", help="The demo article page.")


@cli.command("seed")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True)
def seed(base_url: str) -> None:
    """Register the reference article so the demo page can take comments."""
    url = f"{base_url.rstrip('/')}/demo/{DEMO_ARTICLE_ID}"
    _, created = register_article(
        session=current_session(),
        article_id=DEMO_ARTICLE_ID,
        article_input=ArticleInput(url=url, title=DEMO_TITLE, comments_open=True),
        actor=Actor.CLI_DEMO,
    )
    click.echo(f"{'Registered' if created else 'Updated'} demo article: {url}")


@cli.command("widget-urls")
def widget_urls() -> None:
    """The versioned widget addresses for the newsroom's templates (cached for a year; new with each release)."""
    for filename in sorted(WIDGET_FILES):
        click.echo(f"/widget/{filename}?v={version(filename)}")
