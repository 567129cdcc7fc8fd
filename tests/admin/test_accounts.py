"""``flask moderators``: accounts for people (argon2 password from a prompt or stdin) and for integrations
(a token), each with a role; changes are audited."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskCliRunner
from sqlalchemy import select

from moderation.audit.models import AuditAction, AuditEntry
from moderation.auth import Role
from moderation.moderators.models import Moderator
from moderation.moderators.service import check_password
from tests.admin.helpers import PASSWORD


def test_create_an_admin_with_a_password_from_stdin(runner: FlaskCliRunner, session: Any) -> None:
    result = runner.invoke(
        args=["moderators", "create", "chefin", "--role", "admin", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "/admin/login" in result.output and "kmod_" not in result.output
    account = session.scalars(select(Moderator)).one()
    assert (account.role, account.token_hash) == (Role.ADMIN, None)
    assert check_password(session=session, name="chefin", password=PASSWORD) is not None
    assert check_password(session=session, name="chefin", password="falsch") is None


def test_the_password_is_asked_twice_when_not_piped(runner: FlaskCliRunner, session: Any) -> None:
    result = runner.invoke(args=["moderators", "create", "petra"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert session.scalars(select(Moderator)).one().role is Role.MODERATOR


def test_short_passwords_are_refused(runner: FlaskCliRunner, session: Any) -> None:
    result = runner.invoke(args=["moderators", "create", "petra", "--password-stdin"], input="kurz\n")
    assert result.exit_code != 0 and "12 characters" in result.output
    assert session.scalars(select(Moderator)).all() == []


def test_an_integration_gets_a_token_only(runner: FlaskCliRunner, session: Any) -> None:
    result = runner.invoke(args=["moderators", "create", "cms", "--token"])
    assert result.exit_code == 0 and "kmod_" in result.output
    assert session.scalars(select(Moderator)).one().password_hash is None


def test_passwd_and_revoke_are_audited(runner: FlaskCliRunner, session: Any) -> None:
    runner.invoke(args=["moderators", "create", "petra", "--password-stdin"], input=PASSWORD + "\n")
    new = PASSWORD + "-neu"
    assert runner.invoke(args=["moderators", "passwd", "petra", "--password-stdin"], input=new + "\n").exit_code == 0
    assert check_password(session=session, name="petra", password=new) is not None
    assert runner.invoke(args=["moderators", "revoke", "petra"]).exit_code == 0
    assert check_password(session=session, name="petra", password=new) is None
    listing = runner.invoke(args=["moderators", "list"]).output
    assert "petra\tmoderator\trevoked" in listing
    actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == [AuditAction.MODERATOR_CREATED, AuditAction.MODERATOR_PASSWORD_SET, AuditAction.MODERATOR_REVOKED]
