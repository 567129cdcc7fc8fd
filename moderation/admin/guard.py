"""Who may see a page of the web app: a live session, the role the page needs, and a CSRF token on every
state-changing request. Refusals are pages for browsers and problem+json for scripts (``fetch``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import g, redirect, render_template, request, url_for

from moderation.admin.i18n import CATALOGUE
from moderation.admin.sessions import LoggedIn, SessionPolicy, csrf_matches, resolve_session
from moderation.auth import Role
from moderation.errors import problem_response
from moderation.extensions import current_session
from moderation.state import current_settings

F = TypeVar("F", bound=Callable[..., Any])
SESSION_COOKIE = "kommentare_admin"
CSRF_HEADER = "X-CSRF-Token"


def session_policy() -> SessionPolicy:
    settings = current_settings()
    return SessionPolicy(
        idle=timedelta(minutes=settings.admin_session_idle_minutes),
        absolute=timedelta(hours=settings.admin_session_hours),
    )


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def refuse(status: int, key: str, slug: str) -> Any:
    """A refusal in the form the caller reads: an HTML page, or a problem document for ``fetch``."""
    if wants_json():
        return problem_response(status, slug=slug, title=CATALOGUE["en"][key], detail=g.t(key))
    return render_template("admin/error.html", message_key=key), status


def page(role: Role = Role.MODERATOR) -> Callable[[F], F]:
    """Require a logged-in account with ``role`` (admins pass every check), and CSRF on POST."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            me = resolve_session(
                session=current_session(), cookie=request.cookies.get(SESSION_COOKIE), policy=session_policy()
            )
            if me is None:
                if wants_json():
                    return problem_response(
                        401, slug="unauthorized", title="Authentication required", detail="Log in first."
                    )
                return redirect(url_for("admin.login", next=request.full_path))
            g.admin = me
            if role is Role.ADMIN and me.principal.role is not Role.ADMIN:
                return refuse(403, "forbidden", "forbidden")
            if request.method == "POST" and not _csrf_ok(me):
                return refuse(403, "csrf", "csrf-failed")
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def _csrf_ok(me: LoggedIn) -> bool:
    return csrf_matches(me.csrf_token, request.form.get("csrf_token") or request.headers.get(CSRF_HEADER))


def current_admin() -> LoggedIn:
    me: LoggedIn = g.admin
    return me
