"""End-to-end: the moderators' web app in a real Chromium against the real app, keyboard first.

Screenshots of what moderators see go to ``docs/screenshots/`` (the README shows them).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from moderation.audit.models import AuditAction, AuditEntry
from moderation.auth import Role
from moderation.campaigns.models import Campaign, CampaignKind
from moderation.comments.models import Comment, CommentStatus
from moderation.demo.content import DEMO_ARTICLE_ID
from moderation.moderators import totp
from moderation.moderators.service import enable_totp
from tests.admin.helpers import PASSWORD, make_person
from tests.factories import make_comment

expect = pytest.importorskip(
    "playwright.sync_api", reason="Python package 'playwright' not installed (pip install playwright)"
).expect

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    # The live server speaks plain HTTP on loopback; decisions go out one second after the key (the undo window).
    return {"demo_page": True, "admin_cookie_secure": False, "admin_undo_seconds": 1}


def held(session: Any, body: str, hits: list[dict[str, Any]]) -> Comment:
    comment = make_comment(session, article_id=DEMO_ARTICLE_ID, body=body, status=CommentStatus.PENDING)
    comment.rule_hits = hits
    comment.reasons = [{"code": "watchword", "rule_id": hits[0]["rule_id"], "message": "Bitte ohne Beleidigungen."}]
    comment.toxicity_scores = {"toxicity": 0.62, "insult": 0.58}
    comment.thresholds = {"toxicity": {"hold": 0.5, "reject": 0.95}, "insult": {"hold": 0.5, "reject": 0.95}}
    comment.model_id = "bundled:kommentare-e5"
    session.commit()
    return comment


def hit(body: str, word: str) -> dict[str, Any]:
    start = body.index(word)
    return {
        "rule_id": "watchword:de:vollidiot",
        "action": "hold",
        "start": start,
        "end": start + len(word),
        "match": word,
        "weight": 1.0,
    }


def login(page: Any, live_server: str, name: str) -> None:
    page.goto(f"{live_server}/admin/")
    page.get_by_label("Benutzername").fill(name)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name=re.compile("Kommentare"))).to_be_visible()


def test_keyboard_moderation_from_login_to_audit(page: Any, live_server: str, session: Any) -> None:
    make_person(session)
    first_body = "Gute Recherche, aber du bist ein Vollidiot."
    first = held(session, first_body, [hit(first_body, "Vollidiot")])
    second_body = "Halt die Klappe, du Vollidiot, und lies erst mal."
    second = held(session, second_body, [hit(second_body, "Vollidiot")])
    login(page, live_server, "petra")

    item = page.locator(f'[data-comment-id="{first.id}"]')
    expect(item.locator("mark.hit")).to_have_text("Vollidiot")
    expect(page.locator('[data-count="pending"]')).to_have_text("2")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-queue-de.png"), full_page=True)

    page.keyboard.press("j")
    expect(item).to_be_focused()
    page.keyboard.press("a")
    expect(item).to_have_count(0)
    other = page.locator(f'[data-comment-id="{second.id}"]')
    expect(other).to_be_focused()  # the decision moved focus to the next item
    expect(page.locator('[data-count="pending"]')).to_have_text("1")

    page.keyboard.press("r")
    dialog = page.get_by_role("dialog", name="Grund der Ablehnung")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Beleidigung").check()
    dialog.get_by_role("button", name="Ablehnen").press("Enter")
    expect(other).to_have_count(0)

    session.expire_all()
    assert session.get(Comment, first.id).status is CommentStatus.PUBLISHED
    assert session.get(Comment, second.id).status is CommentStatus.REJECTED
    page.goto(f"{live_server}/admin/audit")
    expect(page.locator('[data-audit-action="comment.rejected"]')).to_contain_text("insult")
    expect(page.locator('[data-audit-action="comment.approved"]')).to_contain_text("moderator:petra")
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {AuditAction.COMMENT_APPROVED, AuditAction.COMMENT_REJECTED, AuditAction.LOGGED_IN} <= actions


def test_keys_help_and_english(page: Any, live_server: str, session: Any) -> None:
    make_person(session)
    body = "Du bist ein Vollidiot."
    held(session, body, [hit(body, "Vollidiot")])
    login(page, live_server, "petra")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("link", name=re.compile("Pending"))).to_be_visible()
    page.locator("main").focus()
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "admin-keys-en.png"))


def test_a_moderator_is_refused_admin_pages(page: Any, live_server: str, session: Any) -> None:
    make_person(session)
    make_person(session, "chefin", Role.ADMIN)
    login(page, live_server, "petra")
    expect(page.get_by_role("link", name="Moderatoren")).to_have_count(0)
    response = page.goto(f"{live_server}/admin/moderators")
    assert response.status == 403
    expect(page.get_by_role("heading")).to_contain_text("Administratoren")


def test_undo_takes_a_decision_back_before_it_is_sent(page: Any, live_server: str, session: Any) -> None:
    make_person(session)
    body = "Du bist ein Vollidiot."
    comment = held(session, body, [hit(body, "Vollidiot")])
    login(page, live_server, "petra")
    item = page.locator(f'[data-comment-id="{comment.id}"]')
    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(item).to_be_hidden()
    page.keyboard.press("u")
    expect(item).to_be_focused()
    page.wait_for_timeout(1500)  # past the undo window: nothing may have been sent
    session.expire_all()
    assert session.get(Comment, comment.id).status is CommentStatus.PENDING
    expect(page.get_by_role("status")).to_contain_text("Rückgängig gemacht")


def test_bulk_select_with_x_and_reject_the_selection(page: Any, live_server: str, session: Any) -> None:
    make_person(session)
    comments = [held(session, body, [hit(body, "Vollidiot")]) for body in ("Vollidiot!", "Du Vollidiot.", "Vollidiot?")]
    login(page, live_server, "petra")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.get_by_label("Grund der Ablehnung", exact=True).first.select_option("insult")
    page.get_by_role("button", name="Auswahl ablehnen").click()
    for comment in comments[:2]:
        expect(page.locator(f'[data-comment-id="{comment.id}"]')).to_have_count(0)
    expect(page.locator('[data-count="pending"]')).to_have_text("1")
    session.expire_all()
    assert [session.get(Comment, c.id).status for c in comments] == [
        CommentStatus.REJECTED,
        CommentStatus.REJECTED,
        CommentStatus.PENDING,
    ]


def test_a_campaign_is_rejected_with_one_decision(page: Any, live_server: str, session: Any) -> None:
    make_person(session)
    campaign = seeded_campaign(session)
    login(page, live_server, "petra")
    page.get_by_role("link", name="Kampagnen").click()
    page.get_by_role("link", name=f"Kampagne ansehen #{campaign.id}").click()
    expect(page.locator(".member")).to_have_count(3)
    page.screenshot(path=str(SCREENSHOTS / "admin-campaign-de.png"), full_page=True)
    page.get_by_label("Grund der Ablehnung").select_option("disinformation")
    page.get_by_role("button", name="Alle ablehnen").click()
    expect(page.locator(".campaign-status")).to_have_text("abgelehnt")
    session.expire_all()
    members = session.scalars(select(Comment).where(Comment.campaign_id == campaign.id)).all()
    assert {m.status for m in members} == {CommentStatus.REJECTED}
    page.goto(f"{live_server}/admin/audit")
    expect(page.locator('[data-audit-action="campaign.rejected"]')).to_contain_text("disinformation")
    expect(page.locator('[data-audit-action="comment.rejected"]')).to_have_count(3)


def test_new_comments_appear_without_a_reload(page: Any, live_server: str, session: Any) -> None:
    make_person(session)
    page.clock.install()  # before the page loads, so its polling timer runs on the test's clock
    login(page, live_server, "petra")
    body = "Du bist ein Vollidiot."
    comment = held(session, body, [hit(body, "Vollidiot")])
    page.clock.run_for(11_000)
    expect(page.locator(f'[data-comment-id="{comment.id}"]')).to_be_visible()
    expect(page.locator('[data-count="pending"]')).to_have_text("1")


PAGES = [
    "/admin/login",
    "/admin/",
    "/admin/campaigns",
    "/admin/CAMPAIGN",
    "/admin/audit",
    "/admin/articles",
    f"/admin/articles/{DEMO_ARTICLE_ID}",
    "/admin/watchwords",
    "/admin/rules",
    "/admin/webhooks",
    "/admin/models",
    "/admin/moderators",
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_pages_have_no_serious_accessibility_violations(
    page: Any, live_server: str, session: Any, path: str, lang: str
) -> None:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="pip install axe-playwright-python")
    make_person(session, "chefin", Role.ADMIN)
    body = "Gute Recherche, aber du bist ein Vollidiot."
    held(session, body, [hit(body, "Vollidiot")])
    campaign = seeded_campaign(session)
    if path != "/admin/login":
        login(page, live_server, "chefin")
    page.goto(f"{live_server}{path.replace('CAMPAIGN', f'campaigns/{campaign.id}')}?lang={lang}")
    if path == "/admin/models" and lang == "de":
        page.screenshot(path=str(SCREENSHOTS / "admin-model-de.png"), full_page=True)
    results = axe.Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in serious]


def seeded_campaign(session: Any) -> Campaign:
    campaign = Campaign(kind=CampaignKind.COPY_PASTE, article_id=DEMO_ARTICLE_ID, summary=CAMPAIGN_TEXT[:80])
    session.add(campaign)
    session.flush()
    for author, text in (("A", CAMPAIGN_TEXT), ("B", CAMPAIGN_TEXT), ("C", CAMPAIGN_TEXT.replace("immer", "ständig"))):
        comment = make_comment(
            session, article_id=DEMO_ARTICLE_ID, body=text, status=CommentStatus.PENDING, author_name=author
        )
        comment.campaign_id = campaign.id
    campaign.comment_count = 3
    session.commit()
    return campaign


CAMPAIGN_TEXT = (
    "Die Regierung in Kiew hat den Krieg provoziert und der Westen liefert immer mehr Waffen, statt endlich "
    "ernsthaft über Frieden zu verhandeln."
)


def test_posts_without_the_csrf_token_are_refused(page: Any, live_server: str, session: Any) -> None:
    make_person(session)
    body = "Du bist ein Vollidiot."
    comment = held(session, body, [hit(body, "Vollidiot")])
    login(page, live_server, "petra")
    # The browser's own cookies, as a forged cross-site form would send them (SameSite aside), but no token.
    forged = page.request.post(
        f"{live_server}/admin/comments/{comment.id}/decision", form={"action": "approve"}, max_redirects=0
    )
    assert forged.status == 403
    forged_bulk = page.request.post(
        f"{live_server}/admin/bulk", form={"action": "approve", "ids": str(comment.id)}, max_redirects=0
    )
    assert forged_bulk.status == 403
    session.expire_all()
    assert session.get(Comment, comment.id).status is CommentStatus.PENDING


THROTTLED = {"demo_page": True, "admin_cookie_secure": False, "ratelimit_enabled": True}


@pytest.mark.parametrize("settings_overrides", [THROTTLED])
def test_wrong_passwords_are_throttled_even_before_the_right_one(page: Any, live_server: str, session: Any) -> None:
    make_person(session)
    page.goto(f"{live_server}/admin/login")
    for _ in range(5):
        page.get_by_label("Benutzername").fill("petra")
        page.get_by_label("Passwort").fill("falsch-falsch-falsch")
        page.get_by_role("button", name="Anmelden").click()
        expect(page.get_by_role("alert")).to_contain_text("falsch")
    page.get_by_label("Benutzername").fill("petra")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("Zu viele Fehlversuche")
    failed = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.LOGIN_FAILED)).all()
    assert len(failed) == 5


def test_a_second_factor_login_in_the_browser(page: Any, live_server: str, session: Any) -> None:
    make_person(session)
    secret = enable_totp(session=session, name="petra", actor="test")
    page.goto(f"{live_server}/admin/login")
    page.get_by_label("Benutzername").fill("petra")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_label("Code aus der Authenticator-App").fill(totp.code_at(secret, totp.step_of(time.time())))
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name=re.compile("Kommentare"))).to_be_visible()
