from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskCliRunner

from tests.notifications.smtp_server import Inbox, smtp_server

PUBLIC_URL = "https://kommentare.zeitung.example"
DESK = "desk@zeitung.example"


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def settings_overrides(inbox: Inbox) -> dict[str, Any]:
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": inbox.port,
        "smtp_security": "none",
        "public_url": PUBLIC_URL,
        "mail_from": "Kommentare <kommentare@zeitung.example>",
        "mail_digest_to": (DESK,),
    }


def send_mails(runner: FlaskCliRunner) -> str:
    """One round of the real worker command."""
    result = runner.invoke(args=["notifications", "send", "--once"])
    assert result.exit_code == 0, result.output
    return result.output
