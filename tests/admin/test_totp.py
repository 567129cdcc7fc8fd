"""The optional second factor: RFC 6238 codes, turned on from the CLI, asked for at login, never accepted twice."""

from __future__ import annotations

import base64
import re
import time
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from moderation.audit.models import AuditAction, AuditEntry
from moderation.moderators import totp
from moderation.moderators.models import Moderator
from tests.admin.helpers import log_in, make_person

#: RFC 6238 appendix B: the SHA-1 seed "12345678901234567890"; the 8-digit codes' last 6 digits.
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("timestamp", "code"),
    [(59, "287082"), (1111111109, "081804"), (1111111111, "050471"), (1234567890, "005924"), (2000000000, "279037")],
)
def test_codes_match_the_rfc_6238_vectors(timestamp: int, code: str) -> None:
    assert totp.code_at(RFC_SECRET, totp.step_of(timestamp)) == code


def test_a_code_counts_within_one_step_of_drift_and_only_after_the_last_used_step() -> None:
    now = 1_700_000_000.0
    step = totp.step_of(now)
    code = totp.code_at(RFC_SECRET, step - 1)
    assert totp.matching_step(secret=RFC_SECRET, code=code, now=now, last_step=None) == step - 1
    assert totp.matching_step(secret=RFC_SECRET, code=code, now=now, last_step=step - 1) is None
    old = totp.code_at(RFC_SECRET, step - 2)
    assert totp.matching_step(secret=RFC_SECRET, code=old, now=now, last_step=None) is None
    assert totp.matching_step(secret=RFC_SECRET, code="12a456", now=now, last_step=None) is None


def test_the_uri_is_what_authenticator_apps_read() -> None:
    uri = totp.provisioning_uri(secret="ABC", account="petra")
    assert uri == "otpauth://totp/Kommentare%3Apetra?secret=ABC&issuer=Kommentare&digits=6&period=30"


def enrol(runner: FlaskCliRunner, name: str) -> str:
    result = runner.invoke(args=["moderators", "totp", name])
    assert result.exit_code == 0, result.output
    found = re.search(r"secret: ([A-Z2-7]+)", result.output)
    assert found and "otpauth://totp/" in result.output
    return found.group(1)


def test_login_asks_for_the_code_once_the_factor_is_on(
    client: FlaskClient, runner: FlaskCliRunner, session: Any, token: str
) -> None:
    make_person(session)
    secret = enrol(runner, "petra")
    assert log_in(client, "petra").status_code == 401  # the password alone no longer does
    code = totp.code_at(secret, totp.step_of(time.time()))
    assert log_in(client, "petra", code=str((int(code) + 1) % 10**6).zfill(6)).status_code == 401
    assert log_in(client, "petra", code=code).status_code == 302
    assert client.get("/admin/").status_code == 200
    failures = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.LOGIN_FAILED)).all()
    assert [f.details.get("factor") for f in failures] == ["totp", "totp"]


def test_a_code_is_never_accepted_twice(app: Any, client: FlaskClient, runner: FlaskCliRunner, session: Any) -> None:
    make_person(session)
    secret = enrol(runner, "petra")
    code = totp.code_at(secret, totp.step_of(time.time()))
    assert log_in(client, "petra", code=code).status_code == 302
    replay = app.test_client()
    assert log_in(replay, "petra", code=code).status_code == 401


def test_turning_the_factor_off_is_audited_and_restores_password_login(
    client: FlaskClient, runner: FlaskCliRunner, session: Any
) -> None:
    make_person(session)
    enrol(runner, "petra")
    assert runner.invoke(args=["moderators", "totp", "petra", "--disable"]).exit_code == 0
    assert session.scalars(select(Moderator.totp_secret).where(Moderator.name == "petra")).one() is None
    assert log_in(client, "petra").status_code == 302
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {AuditAction.MODERATOR_TOTP_ENABLED, AuditAction.MODERATOR_TOTP_DISABLED} <= actions
    assert "totp" not in runner.invoke(args=["moderators", "list"]).output.split("petra")[1].split("\n")[0]


def test_totp_for_an_unknown_account_is_a_clear_error(runner: FlaskCliRunner, session: Any) -> None:
    result = runner.invoke(args=["moderators", "totp", "niemand"])
    assert result.exit_code != 0 and "niemand" in result.output
