"""End-to-end with the real claim encoder: a reader writes a German comment that makes a known (English) claim on
the demo article page; the widget says it is held; the moderator sees the nearest claim in the queue, in German and
in English, and publishes it from the keyboard. Screenshot: ``docs/screenshots/admin-queue-claim-de.png``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from moderation.demo.content import DEMO_ARTICLE_ID
from tests.admin.helpers import PASSWORD, make_person

expect = pytest.importorskip(
    "playwright.sync_api", reason="Python package 'playwright' not installed (pip install playwright)"
).expect

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CLAIM = "Die Krim hat sich in einem freien Referendum für Russland entschieden, das war keine Annexion."


@pytest.fixture
def fake_claim_encoder() -> None:
    return None  # the bundled encoder


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"demo_page": True, "admin_cookie_secure": False, "admin_undo_seconds": 1}


def test_a_german_claim_is_held_and_shown_with_the_english_claim(page: Any, live_server: str, session: Any) -> None:
    make_person(session)
    page.goto(f"{live_server}/demo/{DEMO_ARTICLE_ID}")
    widget = page.locator("#kommentare")
    widget.get_by_label("Name", exact=True).fill("Boris")
    widget.get_by_label("Kommentar", exact=True).fill(CLAIM)
    widget.get_by_role("button", name="Kommentar senden").click()
    expect(widget.locator(".kommentare-compose [role=status]")).to_contain_text("von unserer Moderation geprüft")

    page.goto(f"{live_server}/admin/")
    page.get_by_label("Benutzername").fill("petra")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.keyboard.press("Enter")
    item = page.locator("[data-comment-id]").first
    claim = item.locator("li.claim")
    expect(claim).to_contain_text("claim.crimea-referendum")
    expect(claim).to_contain_text("Nächste bekannte Behauptung (narrative.crimea): Crimea freely chose to rejoin")
    expect(claim).to_contain_text(re.compile(r"Ähnlichkeit 0\.\d{3} · Quelle: EUvsDisinfo narrative: Crimea"))
    expect(claim).to_contain_text(re.compile(r"Encoder und Katalog: e5-small-claims@[0-9a-f]{8}, 2026-12-07@"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-queue-claim-de.png"), full_page=True)

    page.goto(f"{live_server}/admin/?lang=en")
    claim = page.locator("[data-comment-id] li.claim").first
    expect(claim).to_contain_text("Nearest known claim (narrative.crimea)")
    expect(claim).to_contain_text(re.compile(r"Similarity 0\.\d{3} · Source: EUvsDisinfo"))
    page.screenshot(path=str(SCREENSHOTS / "admin-queue-claim-en.png"), full_page=True)

    page.keyboard.press("j")
    page.keyboard.press("a")  # publish: the moderator read the claim and disagrees with the machine
    expect(page.locator("[data-comment-id]")).to_have_count(0)
