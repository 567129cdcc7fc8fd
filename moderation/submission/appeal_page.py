"""The page behind the appeal link of a decision notice: the statement of reasons, and a form to appeal once.

The mail's token stands for the author's address, so a reader who wrote as a guest on another device (no edit
token at hand) can still appeal. A GET only shows the statement; the POST appeals.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from moderation.extensions import current_session
from moderation.notifications.views import private_page
from moderation.submission.appeals import MailedStatement, appeal_by_mail, mailed_statement

bp = Blueprint("appeal_page", __name__)

WORDS = {
    "de": {
        "title": "Einspruch gegen die Entscheidung",
        "reason": "Begründung der Entscheidung: {category}.",
        "closed": "Gegen diese Entscheidung ist kein Einspruch (mehr) möglich.",
        "action": "Einspruch einlegen",
        "note": "Ihre Begründung (freiwillig)",
        "done": "Ihr Einspruch ist eingegangen; eine andere Person der Moderation entscheidet erneut.",
    },
    "en": {
        "title": "Appeal against the decision",
        "reason": "Reason for the decision: {category}.",
        "closed": "This decision can no longer be appealed.",
        "action": "Appeal",
        "note": "Your reasons (optional)",
        "done": "Your appeal was received; another moderator will decide again.",
    },
}
ROUTE = "/mail/appeal/<string(maxlength=64):token>/<int:comment_id>"


def _page(told: MailedStatement, *, appealed: bool = False) -> Response:
    words = WORDS.get(told.language, WORDS["de"])
    text = words["reason"].format(category=told.statement.category) + " "
    if appealed:
        return private_page(told.language, title=words["title"], text=words["done"], action=None)
    if not told.statement.appeal_possible:
        return private_page(told.language, title=words["title"], text=text + words["closed"], action=None)
    return private_page(
        told.language, title=words["title"], text=text, action=words["action"], note_label=words["note"]
    )


@bp.get(ROUTE)
def appeal_form(token: str, comment_id: int) -> Response:
    return _page(mailed_statement(session=current_session(), token=token, comment_id=comment_id))


@bp.post(ROUTE)
def appeal_post(token: str, comment_id: int) -> Response:
    note = (request.form.get("note") or "").strip()[:1000] or None
    told = appeal_by_mail(session=current_session(), token=token, comment_id=comment_id, note=note)
    return _page(told, appealed=True)
