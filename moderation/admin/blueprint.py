"""The web app's blueprint and what every page shares: language, security headers, template helpers.

``views`` (login, queue, campaigns, audit) and ``settings_views`` (articles, words, rules, webhooks, models) add
their pages to this one blueprint, so all of them live under ``/admin`` with the same headers.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, request

from moderation.admin.i18n import LANG_COOKIE, pick_language, translator
from moderation.admin.presenters import highlight, score_rows
from moderation.language import Language
from moderation.messages import retell
from moderation.queue.reasons import RejectReason
from moderation.queue.service import ReasonFilter
from moderation.state import current_settings

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static")
ADMIN_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@bp.before_request
def _language() -> None:
    g.lang = pick_language(request)
    g.t = translator(g.lang)


@bp.after_request
def _private(response: Response) -> Response:
    """Moderators' pages are never cached, framed, or given another page's scripts; the language choice sticks."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = ADMIN_POLICY
    response.headers["X-Frame-Options"] = "DENY"
    if request.args.get("lang") == g.get("lang"):
        response.set_cookie(LANG_COOKIE, g.lang, max_age=365 * 86400, samesite="Lax", path="/admin")
    return response


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "t": g.t,
        "lang": g.lang,
        "highlight": highlight,
        "reason_text": lambda reason: retell(reason, g.lang),
        "score_rows": score_rows,
        "reasons": list(RejectReason),
        "reason_filters": list(ReasonFilter),
        "languages": list(Language),
        "undo_seconds": current_settings().admin_undo_seconds,
    }
