"""The reply opt-in in a real Chromium, by keyboard only: the widget offers it where the site sends mail, the
confirmation mail arrives at a real SMTP server, and its link's page confirms with a button (German and
English)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from moderation.demo.content import DEMO_ARTICLE_ID
from tests.factories import make_article
from tests.notifications.smtp_server import Inbox, smtp_server
from tests.webhook_receiver import free_port

expect = pytest.importorskip(
    "playwright.sync_api", reason="Python package 'playwright' not installed (pip install playwright)"
).expect

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ADDRESS = "leserin@example.org"
WORDS = {
    "de": (
        "E-Mail (optional)",
        "Bei Antworten per E-Mail benachrichtigen",
        "Kommentar senden",
        "Bestätigen",
        "Bestätigt",
    ),
    "en": ("Email (optional)", "Email me when someone replies", "Post comment", "Confirm", "Confirmed"),
}
#: Mails are in the language of the comment (``notifications.service.mail_language``).
BODIES = {
    "de": ("Kommentar", "Wie geht es den Verwundeten, und wer bezahlt die Behandlung im Krankenhaus?"),
    "en": ("Comment", "How are the wounded soldiers doing, and who pays for their treatment in the hospital?"),
}


@pytest.fixture
def web_port() -> int:
    return free_port()


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def settings_overrides(inbox: Inbox, web_port: int) -> dict[str, Any]:
    """The links in mails point at the live server, so the public URL is its address (known before it starts)."""
    return {
        "demo_page": True,
        "smtp_host": "127.0.0.1",
        "smtp_port": inbox.port,
        "smtp_security": "none",
        "public_url": f"http://127.0.0.1:{web_port}",
    }


@pytest.fixture
def site(app: Flask, session: Any, web_port: int) -> Iterator[str]:
    make_article(session, DEMO_ARTICLE_ID)
    server = make_server("127.0.0.1", web_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="mail-site", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{web_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def _tab_to(page: Any, locator: Any, limit: int = 40) -> None:
    """Press Tab until ``locator`` has the focus, as a keyboard user gets there."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError("not reachable by Tab")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_opting_in_to_replies_by_keyboard_and_confirming_the_mail(
    page: Any, site: str, runner: Any, inbox: Inbox, lang: str
) -> None:
    email_label, notify_label, send_label, confirm_label, confirmed_title = WORDS[lang]
    page.goto(f"{site}/demo/{DEMO_ARTICLE_ID}?lang={lang}")
    widget = page.locator("#kommentare")
    box = widget.get_by_label(notify_label)
    expect(box).to_be_visible()
    widget.get_by_label("Name", exact=True).fill("Anna")
    widget.get_by_label(email_label).fill(ADDRESS)
    body_label, body = BODIES[lang]
    widget.get_by_label(body_label, exact=True).fill(body)
    _tab_to(page, box)
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    widget.screenshot(path=str(SCREENSHOTS / f"widget-notify-{lang}.png"))
    _tab_to(page, widget.get_by_role("button", name=send_label))
    page.keyboard.press("Enter")
    status = widget.locator(".kommentare-compose [role=status]")
    expect(status).to_contain_text("E-Mail" if lang == "de" else "email")
    assert runner.invoke(args=["notifications", "send", "--once"]).exit_code == 0
    [mail] = inbox.to(ADDRESS)
    link = re.search(r"http://\S+/mail/confirm/\S+", mail.get_content())
    assert link, mail.get_content()
    page.goto(link.group(0))
    button = page.get_by_role("button", name=confirm_label)
    _tab_to(page, button)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=confirmed_title)).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"mail-confirmed-{lang}.png"))
