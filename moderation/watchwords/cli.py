"""``flask watchwords``: list, add, remove, and backtest the shadow entries over stored comments."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from moderation.actors import Actor
from moderation.errors import DomainError
from moderation.extensions import current_session
from moderation.filters.cli import enforced_ruleset, parse_since_option, print_report, stored_since
from moderation.watchwords.backtest import backtest_shadow
from moderation.watchwords.runtime import current_cache
from moderation.watchwords.service import WordInput, add_word, effective_list, list_words, remove_word
from moderation.watchwords.wordlist import LANGUAGES, Category, Mode, WatchAction

cli = AppGroup("watchwords", help="Watched words: insults, profanity and phrases that flag, hold or reject.")
LANGUAGE = click.option("--language", type=click.Choice(LANGUAGES), default="de", show_default=True)


@cli.command("list")
@click.option("--language", type=click.Choice(LANGUAGES), default=None, help="One language only.")
def list_command(language: str | None) -> None:
    """The effective list: shipped entries with moderators' changes."""
    page = list_words(session=current_session(), cache=current_cache(), language=language)
    click.echo(page.version)
    for word in page.words:
        mode = " (shadow)" if word.mode is Mode.SHADOW else ""
        click.echo(f"{word.language}  {word.action.value:<6} {word.category.value:<9} {word.phrase}{mode}")


@cli.command("add")
@click.argument("phrase")
@LANGUAGE
@click.option("--action", type=click.Choice([a.value for a in WatchAction]), required=True)
@click.option("--category", type=click.Choice([c.value for c in Category]), default="other", show_default=True)
@click.option("--shadow", is_flag=True, help="Record what it would do, enforce nothing (see 'backtest').")
@click.option("--note", default="")
def add_command(phrase: str, language: str, action: str, category: str, shadow: bool, note: str) -> None:
    """Add a word, or change the entry of the same language and phrase."""
    word = WordInput(
        language, phrase, WatchAction(action), Category(category), Mode.SHADOW if shadow else Mode.ENFORCE, note
    )
    try:
        entry = add_word(session=current_session(), cache=current_cache(), word=word, actor=Actor.CLI)
    except DomainError as exc:
        raise click.ClickException(f"{exc.detail} {exc.errors or ''}".strip()) from exc
    click.echo(f"{entry.language} {entry.phrase}: {entry.action.value} ({entry.mode.value}), rule id {entry.rule_id}")


@cli.command("remove")
@click.argument("phrase")
@LANGUAGE
def remove_command(phrase: str, language: str) -> None:
    """Remove a word (a shipped one stays removed when the shipped list is updated)."""
    try:
        remove_word(session=current_session(), cache=current_cache(), language=language, phrase=phrase, actor=Actor.CLI)
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"{language} {phrase}: removed")


@cli.command("backtest")
@click.option("--since", default="30d", show_default=True, help="30d, 12h, 2w or an ISO date.")
@click.option("--show", default=20, show_default=True, help="How many changed comments to list.")
def backtest_command(since: str, show: int) -> None:
    """Replay stored comments with the shadow entries enforced and print what would change."""
    cutoff = parse_since_option(since)
    wordlist = effective_list(current_session(), current_cache().shipped)
    shadow = [entry.phrase for entry in wordlist.entries if entry.mode is Mode.SHADOW]
    report = backtest_shadow(stored_since(cutoff), enforced_ruleset(), wordlist, keep=show)
    click.echo(f"Backtest of {report.total} comments since {cutoff:%Y-%m-%d %H:%M} UTC")
    click.echo(f"  watched words: {wordlist.version}; shadow entries enforced: {', '.join(shadow) or 'none'}")
    print_report(report)
