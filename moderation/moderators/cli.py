"""``flask moderators create|list|revoke``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from moderation.actors import Actor
from moderation.errors import DomainError
from moderation.extensions import current_session
from moderation.moderators.service import create_moderator, list_moderators, revoke_moderator

#: Audit actor for commands run on the server (whoever has shell access).

cli = AppGroup("moderators", help="Manage moderator accounts and API tokens.")


@cli.command("create")
@click.argument("name")
def create(name: str) -> None:
    """Create a moderator and print its API token (shown only once)."""
    try:
        moderator, token = create_moderator(session=current_session(), name=name, actor=Actor.CLI)
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"Created moderator '{moderator.name}'. Token (store it now, it is not shown again):")
    click.echo(token)


@cli.command("list")
def list_() -> None:
    for moderator in list_moderators(session=current_session()):
        state = "revoked" if moderator.revoked_at else "active"
        click.echo(f"{moderator.name}\t{state}\tcreated {moderator.created_at:%Y-%m-%d}")


@cli.command("revoke")
@click.argument("name")
def revoke(name: str) -> None:
    try:
        revoke_moderator(session=current_session(), name=name, actor=Actor.CLI)
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"Revoked moderator '{name}'.")
