"""Who is calling the moderator API: the decorator every feature's moderator views share.

The accounts live in the ``moderators`` feature, which records audit entries, and the audit feature has moderator
views of its own; so the decorator lives in the core and calls an ``Authenticator`` that ``create_app`` registers
(the moderators feature provides it). No feature imports another to protect a view.
"""

from __future__ import annotations

import enum
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from flask import current_app, g, request
from limits import parse
from sqlalchemy.orm import Session
from werkzeug.exceptions import TooManyRequests

from moderation.actors import moderator_actor
from moderation.errors import Forbidden, Unauthorized
from moderation.extensions import current_session, limiter
from moderation.state import current_settings

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)

BEARER_AUTH = {"bearerAuth": {"type": "http", "scheme": "bearer"}}
#: The public API's credentials for one's own comments: the newsroom's reader token, or a guest's edit token.
READER_AUTH = {
    "readerToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    "editToken": {"type": "http", "scheme": "bearer", "description": "The edit_token of the answer to the post."},
}
AUTHENTICATOR_KEY = "kommentare.authenticator"


class Role(enum.StrEnum):
    """What an account may do: moderators decide comments and campaigns and edit watched words; admins also manage
    moderators, webhooks, article settings, rule files and models."""

    MODERATOR = "moderator"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """The authenticated moderator of this request."""

    id: int
    name: str
    role: Role = Role.MODERATOR

    @property
    def actor(self) -> str:
        return moderator_actor(self.name)


class Authenticator(Protocol):
    def __call__(self, *, session: Session, authorization: str | None) -> Principal:
        """Resolve an ``Authorization`` header to a principal, or raise ``Unauthorized``."""


def moderator_required(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        authenticate: Authenticator = current_app.extensions[AUTHENTICATOR_KEY]
        _refuse_if_throttled()
        try:
            g.moderator = authenticate(session=current_session(), authorization=request.headers.get("Authorization"))
        except Unauthorized:
            _count_failure()
            raise
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def admin_required(view: F) -> F:
    """``moderator_required``, and the account must be an admin (403 otherwise)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_moderator().role is not Role.ADMIN:
            raise Forbidden("This needs an admin account; moderators decide comments, admins change settings.")
        return view(*args, **kwargs)

    return moderator_required(wrapper)  # type: ignore[return-value]


def _failure_limit() -> Any:
    return parse(current_settings().ratelimit_auth_failures)


def _refuse_if_throttled() -> None:
    """A client that failed too often waits out the window, even with a right token: guessing must not pay."""
    if limiter.enabled and not limiter.limiter.test(_failure_limit(), "auth-failure", _client()):
        raise TooManyRequests("Too many failed moderator logins from this address; try again later.")


def _count_failure() -> None:
    log.warning("moderator authentication failed from %s", _client())
    if limiter.enabled:
        limiter.limiter.hit(_failure_limit(), "auth-failure", _client())


def _client() -> str:
    return request.remote_addr or "unknown"


def current_moderator() -> Principal:
    moderator: Principal = g.moderator
    return moderator


def current_actor() -> str:
    """How the audit log names the moderator making this request."""
    return current_moderator().actor
