"""``flask moderators create|passwd|totp|list|revoke``: accounts for people (a password) and integrations (a token)."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from moderation.actors import Actor
from moderation.auth import Role
from moderation.errors import DomainError
from moderation.extensions import current_session
from moderation.moderators import totp
from moderation.moderators.service import (
    create_moderator,
    disable_totp,
    enable_totp,
    list_moderators,
    revoke_moderator,
    set_password,
)
from moderation.state import current_settings

cli = AppGroup("moderators", help="Manage moderator accounts, their passwords and API tokens.")
PASSWORD_STDIN = click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@cli.command("create")
@click.argument("name")
@click.option(
    "--role", type=click.Choice([role.value for role in Role]), default=Role.MODERATOR.value, show_default=True
)
@PASSWORD_STDIN
@click.option("--token", "token_only", is_flag=True, help="An integration: an API token instead of a password.")
def create(name: str, role: str, password_stdin: bool, token_only: bool) -> None:
    """Create an account: a person logs in at /admin with a password; --token makes an integration's API token."""
    password = None if token_only else _password(password_stdin)
    try:
        moderator, token = create_moderator(
            session=current_session(),
            name=name,
            actor=Actor.CLI,
            role=Role(role),
            password=password,
            with_token=token_only,
        )
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"Created {moderator.role.value} '{moderator.name}'.")
    if token:
        click.echo("Token (store it now, it is not shown again):")
        click.echo(token)
    else:
        click.echo(f"Log in at {current_settings().public_url.rstrip('/')}/admin/login")


@cli.command("passwd")
@click.argument("name")
@PASSWORD_STDIN
def passwd(name: str, password_stdin: bool) -> None:
    """Set a new password (existing sessions stay; revoke the account to end them)."""
    try:
        set_password(session=current_session(), name=name, password=_password(password_stdin), actor=Actor.CLI)
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"Password of '{name}' changed.")


@cli.command("totp")
@click.argument("name")
@click.option("--disable", is_flag=True, help="Turn the second factor off again.")
def totp_command(name: str, disable: bool) -> None:
    """Turn on the second factor: prints the secret and an otpauth:// URI for the person's authenticator app
    (run again to issue a new secret, e.g. for a lost phone). From then on the login asks for a code."""
    try:
        if disable:
            disable_totp(session=current_session(), name=name, actor=Actor.CLI)
            click.echo(f"Second factor of '{name}' turned off.")
            return
        secret = enable_totp(session=current_session(), name=name, actor=Actor.CLI)
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"Second factor of '{name}' turned on. Enter this in the authenticator app (shown once):")
    click.echo(f"  secret: {secret}")
    click.echo(f"  URI:    {totp.provisioning_uri(secret=secret, account=name)}")


@cli.command("list")
def list_() -> None:
    for moderator in list_moderators(session=current_session()):
        state = "revoked" if moderator.revoked_at else "active"
        factor = "totp" if moderator.totp_secret else "password"
        created = f"created {moderator.created_at:%Y-%m-%d}"
        click.echo(f"{moderator.name}\t{moderator.role.value}\t{state}\t{factor}\t{created}")


@cli.command("revoke")
@click.argument("name")
def revoke(name: str) -> None:
    """Revoke the account: its token stops working and its web sessions end."""
    try:
        revoke_moderator(session=current_session(), name=name, actor=Actor.CLI)
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"Revoked moderator '{name}'.")
