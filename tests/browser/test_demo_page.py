"""End-to-end: the demo article page and the Kommentare widget in a real Chromium against the real app.

The app's scorer is ``tests.fakes.KeywordScorer``: "giftzwerg" is rejected, "dumm" is held, anything else is published.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from moderation.comments.models import Comment, CommentStatus
from moderation.demo.content import DEMO_ARTICLE_ID, DEMO_TITLE
from moderation.reports.models import Report, ReportReason
from tests.factories import make_comment

expect = pytest.importorskip(
    "playwright.sync_api", reason="Python package 'playwright' not installed (pip install playwright)"
).expect

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def comment(session: Any, body: str, **fields: Any) -> Any:
    return make_comment(session, article_id=DEMO_ARTICLE_ID, body=body, **fields)


def open_page(page: Any, url: str) -> Any:
    page.goto(url)
    widget = page.locator("#kommentare")
    expect(widget.locator(".kommentare-count")).not_to_have_text(re.compile("geladen"))
    return widget


def write(scope: Any, *, name: str, body: str, label: str = "Kommentar") -> None:
    scope.get_by_label("Name", exact=True).fill(name)
    scope.get_by_label(label, exact=True).fill(body)


def published(widget: Any) -> Any:
    return widget.locator(".kommentar")


def test_page_shows_article_title_and_comments_section(page: Any, demo_url: str) -> None:
    widget = open_page(page, demo_url)
    expect(page).to_have_title(DEMO_TITLE)
    expect(page.get_by_role("heading", level=1)).to_have_text(DEMO_TITLE)
    expect(page.get_by_role("heading", level=2, name="Kommentare")).to_be_visible()
    expect(widget.locator(".kommentare-count")).to_have_text("Noch keine Kommentare")
    expect(widget.get_by_role("button", name="Kommentar senden")).to_be_visible()
    expect(widget.get_by_label("Sortieren")).to_have_value("newest")


def test_civil_comment_appears_in_the_list_and_the_count_goes_up(page: Any, demo_url: str, session: Any) -> None:
    comment(session, "Schon da.")
    widget = open_page(page, demo_url)
    expect(widget.locator(".kommentare-count")).to_have_text("1 Kommentar")
    write(widget.locator(".kommentare-compose"), name="Anna", body="Ein sachlicher Beitrag zur Lage.")
    textarea = widget.locator(".kommentare-compose textarea")
    expect(widget.locator(".kommentare-compose .kommentare-counter")).to_have_text("32 / 5.000 Zeichen")
    widget.get_by_role("button", name="Kommentar senden").click()

    expect(widget.locator(".kommentare-compose [role=status]")).to_have_text("Ihr Kommentar wurde veröffentlicht.")
    expect(published(widget).first).to_contain_text("Ein sachlicher Beitrag zur Lage.")
    expect(published(widget).first).to_contain_text("Anna")
    expect(widget.locator(".kommentare-count")).to_have_text("2 Kommentare")
    expect(textarea).to_have_value("")

    open_page(page, demo_url)  # stored on the server, not only drawn by the widget
    expect(published(widget)).to_have_count(2)
    expect(published(widget).first).to_contain_text("Ein sachlicher Beitrag zur Lage.")


def test_held_comment_shows_review_message_and_stays_out_of_the_list(page: Any, demo_url: str) -> None:
    widget = open_page(page, demo_url)
    write(widget, name="Bernd", body="Das ist doch dumm.")
    widget.get_by_role("button", name="Kommentar senden").click()

    expect(widget.locator(".kommentare-compose [role=status]")).to_contain_text("von unserer Moderation geprüft")
    expect(published(widget)).to_have_count(0)
    expect(widget.locator(".kommentare-count")).to_have_text("Noch keine Kommentare")
    open_page(page, demo_url)
    expect(published(widget)).to_have_count(0)


def test_rejected_comment_shows_the_reason_and_keeps_the_text(page: Any, demo_url: str) -> None:
    widget = open_page(page, demo_url)
    write(widget, name="Carla", body="Du Giftzwerg")
    widget.get_by_role("button", name="Kommentar senden").click()

    status = widget.locator(".kommentare-compose [role=status]")
    expect(status).to_have_text("Ihr Kommentar verstößt gegen unsere Diskussionsregeln (Beleidigung).")
    expect(widget.get_by_label("Kommentar", exact=True)).to_have_value("Du Giftzwerg")
    expect(widget.get_by_label("Kommentar", exact=True)).to_be_focused()
    expect(published(widget)).to_have_count(0)


def test_reply_appears_nested_under_its_parent(page: Any, demo_url: str, session: Any) -> None:
    parent = comment(session, "Wer hat den Lagebericht?", author_name="Dora")
    other = comment(session, "Ein anderer Faden.", author_name="Emil")
    widget = open_page(page, demo_url)
    parent_item = widget.locator(".kommentare-item", has=page.locator(f'[data-comment-id="{parent.id}"]')).last
    parent_item.get_by_role("button", name="Antworten").click()
    reply_form = parent_item.locator(".kommentare-reply-form")
    write(reply_form, name="Fritz", body="Die Redaktion hat ihn.", label="Ihre Antwort an Dora")
    reply_form.get_by_role("button", name="Antwort senden").click()

    nested = parent_item.locator(":scope > .kommentare-replies > .kommentare-item > .kommentar")
    expect(nested).to_have_count(1)
    expect(nested).to_contain_text("Die Redaktion hat ihn.")
    expect(nested).to_be_focused()
    expect(reply_form).to_have_count(0)
    expect(widget.locator(".kommentare-count")).to_have_text("3 Kommentare")
    expect(widget.locator(f'[data-comment-id="{other.id}"]').locator("xpath=..")).not_to_contain_text("Redaktion")

    open_page(page, demo_url)
    expect(nested).to_contain_text("Die Redaktion hat ihn.")
    expect(widget.locator(".kommentare-list > .kommentare-item")).to_have_count(2)


def test_load_more_fetches_the_next_page(page: Any, demo_url: str, session: Any, app: Any) -> None:
    page_size = app.config["KOMMENTARE"].page_size_default
    for n in range(page_size + 5):
        comment(session, f"Kommentar Nummer {n}")
    comment(session, "Unsichtbar", status=CommentStatus.PENDING)
    widget = open_page(page, demo_url)
    expect(widget.locator(".kommentare-count")).to_have_text(f"{page_size + 5} Kommentare")
    expect(published(widget)).to_have_count(page_size)
    expect(widget.get_by_text("Kommentar Nummer 0", exact=True)).to_have_count(0)  # oldest: on the second page

    more = widget.get_by_role("button", name="Weitere Kommentare laden")
    more.click()
    expect(published(widget)).to_have_count(page_size + 5)
    expect(widget.get_by_text("Kommentar Nummer 0", exact=True)).to_be_visible()
    expect(more).to_be_hidden()
    expect(widget.get_by_text("Unsichtbar")).to_have_count(0)


def test_html_in_comments_is_shown_as_text(page: Any, demo_url: str, session: Any) -> None:
    comment(session, f"Seeded {XSS}", author_name=f"<b>{XSS}</b>")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    widget = open_page(page, demo_url)
    write(widget, name="Mallory", body=f"Posted {XSS}")
    widget.get_by_role("button", name="Kommentar senden").click()

    expect(published(widget)).to_have_count(2)
    expect(widget.get_by_text(f"Seeded {XSS}", exact=True)).to_be_visible()
    expect(widget.get_by_text(f"Posted {XSS}", exact=True)).to_be_visible()
    expect(widget.get_by_text(f"<b>{XSS}</b>", exact=True)).to_be_visible()
    expect(page.locator("img")).to_have_count(0)
    expect(page.locator("#kommentare b")).to_have_count(0)
    assert dialogs == []


def test_field_errors_from_the_server_are_shown_next_to_the_fields(page: Any, demo_url: str) -> None:
    widget = open_page(page, demo_url)
    write(widget, name="Gerd", body="Ein sachlicher Beitrag.")
    widget.get_by_label("E-Mail (optional)").fill("keine-adresse")
    widget.get_by_role("button", name="Kommentar senden").click()

    email = widget.get_by_label("E-Mail (optional)")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("gültige E-Mail-Adresse"))
    expect(email).to_be_focused()
    expect(widget.get_by_label("Kommentar", exact=True)).to_have_value("Ein sachlicher Beitrag.")
    expect(published(widget)).to_have_count(0)


def test_report_sends_the_chosen_reason(page: Any, demo_url: str, session: Any) -> None:
    reported = comment(session, "Kauft billige Uhren!")
    widget = open_page(page, demo_url)
    widget.get_by_role("button", name="Melden").click()
    widget.get_by_label("Grund").select_option("spam")
    widget.get_by_role("button", name="Meldung senden").click()

    expect(widget.get_by_role("status").filter(has_text="Meldung erhalten")).to_be_visible()
    reports = session.scalars(select(Report).where(Report.comment_id == reported.id)).all()
    assert [report.reason for report in reports] == [ReportReason.SPAM]


def test_network_failure_keeps_the_text_and_asks_to_retry(page: Any, demo_url: str) -> None:
    widget = open_page(page, demo_url)
    page.route(
        re.compile(r"/api/v1/articles/.*/comments$"),
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    write(widget, name="Hanna", body="Geht das gerade?")
    widget.get_by_role("button", name="Kommentar senden").click()

    expect(widget.locator(".kommentare-compose [role=status]")).to_contain_text("Keine Verbindung")
    expect(widget.get_by_label("Kommentar", exact=True)).to_have_value("Geht das gerade?")
    expect(widget.get_by_role("button", name="Kommentar senden")).to_be_enabled()


@pytest.mark.parametrize("settings_overrides", [{"demo_page": True, "nudge_enabled": True}])
def test_nudge_points_at_the_sentence_and_send_anyway_holds_it(page: Any, demo_url: str, session: Any) -> None:
    widget = open_page(page, demo_url)
    text = "Guter Artikel. Aber der Autor ist dumm!"
    write(widget, name="Dora", body=text)
    widget.get_by_role("button", name="Kommentar senden").click()

    status = widget.locator(".kommentare-compose [role=status]")
    expect(status).to_contain_text("Möchten Sie ihn umformulieren?")
    expect(status).to_contain_text("„Aber der Autor ist dumm!“")
    box = widget.get_by_label("Kommentar", exact=True)
    selected = box.evaluate("t => t.value.slice(t.selectionStart, t.selectionEnd)")
    assert selected == "Aber der Autor ist dumm!"
    assert session.scalar(select(func.count()).select_from(Comment)) == 0

    widget.get_by_role("button", name="Trotzdem senden").click()
    expect(status).to_have_text("Ihr Kommentar wird vor der Veröffentlichung von unserer Moderation geprüft.")
    assert session.scalars(select(Comment.status)).all() == [CommentStatus.PENDING]


SSO_SECRET = "newsroom-sso-secret-" + "x" * 24


@pytest.mark.parametrize("settings_overrides", [{"demo_page": True, "sso_secret": SSO_SECRET}])
def test_a_signed_in_reader_posts_without_typing_a_name(page: Any, demo_url: str, session: Any) -> None:
    import time

    import jwt

    token = jwt.encode({"sub": "u-42", "name": "Petra Leserin", "exp": int(time.time()) + 600}, SSO_SECRET, "HS256")
    widget = open_page(page, demo_url)
    expect(widget.get_by_label("Name", exact=True)).to_be_visible()  # a guest first
    page.evaluate("token => window.Kommentare.setReaderToken(token)", token)
    compose = widget.locator(".kommentare-compose")
    expect(compose.get_by_label("Name", exact=True)).to_have_count(0)
    compose.get_by_label("Kommentar", exact=True).fill("Ein Beitrag mit Anmeldung.")
    widget.get_by_role("button", name="Kommentar senden").click()
    expect(published(widget).first).to_contain_text("Petra Leserin")
    stored = session.scalars(select(Comment).where(Comment.body == "Ein Beitrag mit Anmeldung.")).one()
    assert stored.author_name == "Petra Leserin" and stored.reader_id is not None


def test_a_deleted_comment_with_replies_shows_as_a_placeholder_without_actions(
    page: Any, demo_url: str, session: Any
) -> None:
    parent = comment(session, "Wird gleich gelöscht.")
    comment(session, "Eine Antwort darauf.", parent=parent)
    parent.status, parent.body = CommentStatus.DELETED, ""
    session.commit()
    widget = open_page(page, demo_url)
    placeholder = widget.locator(f'[data-comment-id="{parent.id}"]')
    expect(placeholder.locator(".kommentar-body")).to_have_text("[gelöscht]")
    expect(placeholder.get_by_role("button", name=re.compile("Antworten|Melden"))).to_have_count(0)
    expect(widget.get_by_text("Eine Antwort darauf.")).to_be_visible()


def test_voting_up_then_withdrawing_in_the_widget(page: Any, demo_url: str, session: Any) -> None:
    target = comment(session, "Ein guter Punkt.")
    widget = open_page(page, demo_url)
    up = widget.locator(f'[data-comment-id="{target.id}"]').get_by_role("button", name=re.compile("^Gefällt mir \\("))
    expect(up).to_have_attribute("aria-pressed", "false")
    up.click()
    expect(up).to_have_text("▲ 1")
    expect(up).to_have_attribute("aria-pressed", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    widget.screenshot(path=str(SCREENSHOTS / "widget-vote-de.png"))
    session.expire_all()
    assert session.get(Comment, target.id).up == 1
    up.press("Enter")  # by keyboard: a second press withdraws the vote
    expect(up).to_have_text("▲ 0")
    expect(up).to_have_attribute("aria-pressed", "false")
    session.expire_all()
    assert session.get(Comment, target.id).up == 0


def post_in_widget(widget: Any, body: str, name: str = "Anna") -> None:
    write(widget.locator(".kommentare-compose"), name=name, body=body)
    widget.get_by_role("button", name="Kommentar senden").click()


def test_the_author_edits_their_comment_by_keyboard_and_sees_it_re_moderated(
    page: Any, demo_url: str, session: Any
) -> None:
    widget = open_page(page, demo_url)
    post_in_widget(widget, "Erste Fassung meines Beitrags.")
    mine = published(widget).first
    expect(mine).to_contain_text("Erste Fassung")
    edit = mine.get_by_role("button", name="Ihren Kommentar bearbeiten")
    edit.focus()
    page.keyboard.press("Enter")
    box = mine.get_by_label("Neuer Text", exact=True)
    expect(box).to_be_focused()
    expect(box).to_have_value("Erste Fassung meines Beitrags.")
    box.fill("Zweite, bessere Fassung.")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    widget.screenshot(path=str(SCREENSHOTS / "widget-edit-de.png"))
    page.keyboard.press("Tab")  # to "Speichern"
    page.keyboard.press("Enter")
    expect(mine.locator(".kommentar-body")).to_have_text("Zweite, bessere Fassung.")
    expect(mine.locator(".kommentar-edited")).to_be_visible()
    session.expire_all()
    stored = session.scalars(select(Comment).where(Comment.article_id == DEMO_ARTICLE_ID)).one()
    assert stored.body == "Zweite, bessere Fassung." and stored.status is CommentStatus.PUBLISHED
    page.reload()  # the edit token is remembered in this browser
    mine = widget.locator(f'[data-comment-id="{stored.id}"]')
    mine.get_by_role("button", name="Ihren Kommentar bearbeiten").click()
    mine.get_by_label("Neuer Text", exact=True).fill("Das ist dumm.")
    mine.get_by_role("button", name="Speichern").click()
    expect(mine.locator(".kommentar-body")).to_contain_text("von unserer Moderation geprüft")
    expect(mine.get_by_role("button", name="Ihren Kommentar bearbeiten")).to_have_count(0)
    session.expire_all()
    assert session.get(Comment, stored.id).status is CommentStatus.PENDING


def test_the_author_deletes_their_comment_after_confirming(page: Any, demo_url: str, session: Any) -> None:
    other = comment(session, "Ein fremder Beitrag.")
    widget = open_page(page, demo_url)
    post_in_widget(widget, "Das nehme ich zurück.")
    theirs = widget.locator(f'[data-comment-id="{other.id}"]')
    expect(theirs.get_by_role("button", name="Ihren Kommentar löschen")).to_have_count(0)
    mine = published(widget).first
    mine.get_by_role("button", name="Ihren Kommentar löschen").click()
    confirm = mine.get_by_role("button", name="Ja, löschen")
    expect(confirm).to_be_focused()
    widget.screenshot(path=str(SCREENSHOTS / "widget-delete-de.png"))
    page.keyboard.press("Enter")
    expect(mine.locator(".kommentar-body")).to_have_text("[gelöscht]")
    expect(mine.get_by_role("button")).to_have_count(0)
    session.expire_all()
    stored = session.scalars(select(Comment).where(Comment.body == "")).one()
    assert stored.status is CommentStatus.DELETED


def test_an_expired_edit_window_takes_the_buttons_away(page: Any, demo_url: str, session: Any) -> None:
    page.clock.install()
    widget = open_page(page, demo_url)
    post_in_widget(widget, "Gleich nicht mehr änderbar.")
    mine = published(widget).first
    expect(mine.get_by_role("button", name="Ihren Kommentar löschen")).to_be_visible()
    page.clock.run_for(301_000)  # the default window is 300 s
    expect(mine.get_by_role("button", name="Ihren Kommentar löschen")).to_have_count(0)


DISLIKE = re.compile("^Gefällt mir nicht")


def test_own_votes_are_remembered_across_reloads(page: Any, demo_url: str, session: Any) -> None:
    target = comment(session, "Ein guter Punkt.")
    widget = open_page(page, demo_url)
    down = widget.locator(f'[data-comment-id="{target.id}"]').get_by_role(
        "button", name=re.compile("^Gefällt mir nicht")
    )
    down.click()
    expect(down).to_have_attribute("aria-pressed", "true")
    page.reload()
    down = widget.locator(f'[data-comment-id="{target.id}"]').get_by_role(
        "button", name=re.compile("^Gefällt mir nicht")
    )
    expect(down).to_have_text("▼ 1")
    expect(down).to_have_attribute("aria-pressed", "true")
    down.click()  # withdraws, as the server knows it is this reader's vote
    expect(down).to_have_text("▼ 0")


def test_a_closed_story_shows_a_notice_instead_of_the_form(page: Any, demo_url: str, session: Any) -> None:
    from moderation.articles.models import Article

    session.get(Article, DEMO_ARTICLE_ID).comments_open = False
    session.commit()
    widget = open_page(page, demo_url)
    expect(widget.locator(".kommentare-notice")).to_have_text(
        "Die Kommentarfunktion für diesen Artikel ist geschlossen."
    )
    expect(widget.get_by_role("button", name="Kommentar senden")).to_have_count(0)


@pytest.mark.parametrize("settings_overrides", [{"demo_page": True, "sso_secret": SSO_SECRET, "guests": "off"}])
def test_without_guests_the_widget_asks_to_sign_in_then_shows_who_is_signed_in(
    page: Any, demo_url: str, session: Any
) -> None:
    import time

    import jwt

    widget = open_page(page, demo_url)
    expect(widget.locator(".kommentare-notice")).to_have_text(
        "Bitte melden Sie sich an, um diesen Artikel zu kommentieren."
    )
    token = jwt.encode({"sub": "u-7", "name": "Jörg Leser", "exp": int(time.time()) + 600}, SSO_SECRET, "HS256")
    page.evaluate("token => window.Kommentare.setReaderToken(token)", token)
    expect(widget.locator(".kommentare-signed-in")).to_have_text("Angemeldet als Jörg Leser")
    widget.get_by_label("Kommentar", exact=True).fill("Angemeldet kommentiert.")
    widget.get_by_role("button", name="Kommentar senden").click()
    expect(published(widget).first).to_contain_text("Jörg Leser")


@pytest.mark.parametrize("settings_overrides", [{"demo_page": True, "body_max_length": 5000}])
def test_the_widget_in_english(page: Any, demo_url: str, session: Any) -> None:
    comment(session, "Ein sachlicher Beitrag.")
    page.goto(demo_url + "?lang=en")
    widget = page.locator("#kommentare")
    expect(widget.locator(".kommentare-count")).to_have_text("1 comment")
    expect(widget.get_by_label("Sort")).to_have_value("newest")
    widget.get_by_label("Name", exact=True).fill("Anna")
    widget.get_by_label("Email (optional)").fill("no-address")
    widget.get_by_label("Comment", exact=True).fill("A civil comment.")
    widget.get_by_role("button", name="Post comment").click()
    expect(widget.get_by_label("Email (optional)")).to_have_attribute("aria-invalid", "true")
    expect(widget.get_by_text("Please enter a valid email address.")).to_be_visible()
    widget.get_by_label("Email (optional)").fill("")
    widget.get_by_role("button", name="Post comment").click()
    expect(widget.locator(".kommentare-compose [role=status]")).to_have_text("Your comment has been published.")
    mine = published(widget).first
    expect(mine.get_by_role("button", name="Edit your comment")).to_be_visible()
    expect(mine.get_by_role("button", name=re.compile(r"^Like \("))).to_be_visible()
    widget.screenshot(path=str(SCREENSHOTS / "widget-en.png"))
    widget.get_by_label("Comment", exact=True).fill("Du Giftzwerg")
    widget.get_by_role("button", name="Post comment").click()
    # the server's specific reason, in the language the widget asked for (the stored text stays German)
    expect(widget.locator(".kommentare-compose [role=status]")).to_have_text(
        "Your comment breaks our discussion rules (insult)."
    )


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_widget_has_no_serious_accessibility_violations(page: Any, demo_url: str, session: Any, lang: str) -> None:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="pip install axe-playwright-python")
    parent = comment(session, "Ein Beitrag mit Antwort.")
    comment(session, "Die Antwort.", parent=parent)
    page.goto(f"{demo_url}?lang={lang}")
    widget = page.locator("#kommentare")
    write(widget.locator(".kommentare-compose"), name="Anna", body="Mein eigener Beitrag.", label=WIDGET_WORDS[lang][0])
    widget.get_by_role("button", name=WIDGET_WORDS[lang][1]).click()
    published(widget).first.get_by_role("button", name=WIDGET_WORDS[lang][2]).click()  # an open edit form too
    results = axe.Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in serious]


WIDGET_WORDS = {
    "de": ("Kommentar", "Kommentar senden", "Ihren Kommentar bearbeiten"),
    "en": ("Comment", "Post comment", "Edit your comment"),
}


def test_the_widget_stays_small() -> None:
    """A budget that can fail: the script as served, gzip-compressed (README "Widget")."""
    import gzip

    script = (Path(__file__).resolve().parents[2] / "moderation" / "demo" / "static" / "kommentare.js").read_bytes()
    assert len(gzip.compress(script, 9)) < 12 * 1024
