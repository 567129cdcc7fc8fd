"""Who is calling the moderator API: the decorator every feature's moderator views share.

The accounts live in the ``moderators`` feature, which records audit entries, and the audit feature has moderator
views of its own; so the decorator lives in the core and calls an ``Authenticator`` that ``create_app`` registers
(the moderators feature provides it). No feature imports another to protect a view.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from flask import current_app, g, request
from sqlalchemy.orm import Session

from moderation.actors import moderator_actor
from moderation.extensions import current_session

F = TypeVar("F", bound=Callable[..., Any])

BEARER_AUTH = {"bearerAuth": {"type": "http", "scheme": "bearer"}}
AUTHENTICATOR_KEY = "kommentare.authenticator"


@dataclass(frozen=True)
class Principal:
    """The authenticated moderator of this request."""

    id: int
    name: str

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
        g.moderator = authenticate(session=current_session(), authorization=request.headers.get("Authorization"))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def current_moderator() -> Principal:
    moderator: Principal = g.moderator
    return moderator


def current_actor() -> str:
    """How the audit log names the moderator making this request."""
    return current_moderator().actor
