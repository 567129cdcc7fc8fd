"""The pages behind the links in mails: confirm an opt-in, unsubscribe (also RFC 8058 one-click, a POST from the
mail client). A GET only shows a button, so a mail scanner that follows links confirms or ends nothing."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from moderation.extensions import current_session
from moderation.notifications.service import confirm, language_of_token, unsubscribe

bp = Blueprint(
    "notifications", __name__, template_folder="templates", static_folder="static", static_url_path="/mail/static"
)

PAGES = {
    "de": {
        "confirm": (
            "Benachrichtigungen bestätigen",
            "Sie erhalten dann eine E-Mail, wenn jemand auf Ihren Kommentar antwortet.",
            "Bestätigen",
        ),
        "confirmed": (
            "Bestätigt",
            "Sie erhalten ab jetzt eine E-Mail, wenn jemand auf Ihren Kommentar antwortet.",
            None,
        ),
        "unsubscribe": (
            "Keine E-Mails mehr",
            "Wir schicken dieser Adresse dann keine Benachrichtigungen mehr.",
            "Abmelden",
        ),
        "unsubscribed": ("Abgemeldet", "Diese Adresse erhält keine Benachrichtigungen mehr.", None),
    },
    "en": {
        "confirm": ("Confirm notifications", "You will get an e-mail when someone replies to your comment.", "Confirm"),
        "confirmed": ("Confirmed", "From now on you get an e-mail when someone replies to your comment.", None),
        "unsubscribe": ("No more e-mails", "We will send no more notifications to this address.", "Unsubscribe"),
        "unsubscribed": ("Unsubscribed", "This address gets no more notifications.", None),
    },
}


def page(language: str, name: str) -> Response:
    title, text, action = PAGES.get(language, PAGES["de"])[name]
    return private_page(language, title=title, text=text, action=action)


def private_page(
    language: str, *, title: str, text: str, action: str | None, note_label: str | None = None
) -> Response:
    """A page behind a mail's link: never cached, and its address (with the token) never sent on as a referrer."""
    html = render_template(
        "notifications/page.html", language=language, title=title, text=text, action=action, note_label=note_label
    )
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/mail/confirm/<string(maxlength=64):token>")
def confirm_page(token: str) -> Response:
    return page(language_of_token(session=current_session(), token=token), "confirm")


@bp.post("/mail/confirm/<string(maxlength=64):token>")
def confirm_post(token: str) -> Response:
    return page(confirm(session=current_session(), token=token).language, "confirmed")


@bp.get("/mail/unsubscribe/<string(maxlength=64):token>")
def unsubscribe_page(token: str) -> Response:
    return page(language_of_token(session=current_session(), token=token), "unsubscribe")


@bp.post("/mail/unsubscribe/<string(maxlength=64):token>")
def unsubscribe_post(token: str) -> Response:
    """Also the one-click address of ``List-Unsubscribe-Post``: no session, no CSRF token, the token is the key."""
    return page(unsubscribe(session=current_session(), token=token).language, "unsubscribed")
