"""The demo article page (``KOMMENTARE_DEMO_PAGE=true``) and the embeddable widget script (always served)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from moderation.demo.assets import cache_versioned, widget_url
from moderation.demo.content import DEMO_ARTICLE_ID, DEMO_PARAGRAPHS, DEMO_TITLE
from moderation.state import current_settings

bp = Blueprint("demo", __name__, template_folder="templates", static_folder="static", static_url_path="/widget")
bp.after_request(cache_versioned)
bp.add_app_template_global(widget_url)


@bp.route("/")
def index() -> Response:
    if not current_settings().demo_page:
        abort(404)
    return redirect(url_for("demo.article", article_id=DEMO_ARTICLE_ID))


@bp.route("/demo/<article_id>")
def article(article_id: str) -> str:
    if not current_settings().demo_page or article_id != DEMO_ARTICLE_ID:
        abort(404)
    return render_template(
        "article.html",
        article_id=article_id,
        title=DEMO_TITLE,
        paragraphs=DEMO_PARAGRAPHS,
        api_base=api_base(current_settings().public_url),
        lang="en" if request.args.get("lang") == "en" else "de",
    )


def api_base(public_url: str) -> str:
    """The API address the page's widget calls: the configured public URL, else this site's own path; never the
    request's ``Host`` header, which any client can set."""
    return f"{public_url.rstrip('/')}/api/v1" if public_url else "/api/v1"
