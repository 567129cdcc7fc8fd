"""Without an SMTP host nothing about mail is offered, queued or sent."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from moderation.notifications.models import MailMessage, MailRecipient
from tests.factories import ARTICLE_ID, auth, make_comment
from tests.helpers import post_comment


def test_no_opt_in_and_no_mail_without_smtp(
    client: FlaskClient, runner: FlaskCliRunner, session: Any, token: str
) -> None:
    assert client.get(f"/api/v1/articles/{ARTICLE_ID}").json["notifications"] is False
    refused = post_comment(client, "Mit Benachrichtigung.", email="a@example.org", notify_replies=True)
    assert refused.status_code == 400 and refused.json["error_codes"] == {"notify_replies": ["mail_off"]}
    held = post_comment(client, "Das ist dumm.", email="a@example.org").json["id"]
    client.post(
        f"/api/v1/moderation/comments/{held}/decision", json={"action": "reject", "reason": "Ton"}, headers=auth(token)
    )
    make_comment(session)
    assert session.scalar(select(func.count()).select_from(MailMessage)) == 0
    assert session.scalar(select(func.count()).select_from(MailRecipient)) == 0
    result = runner.invoke(args=["notifications", "send", "--once"])
    assert result.exit_code == 0 and "KOMMENTARE_SMTP_HOST is not set" in result.output
