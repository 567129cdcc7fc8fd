"""The ``moderator_required`` view decorator."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, request

from moderation.extensions import current_session
from moderation.moderators.models import Moderator
from moderation.moderators.service import authenticate

F = TypeVar("F", bound=Callable[..., Any])

BEARER_AUTH = {"bearerAuth": {"type": "http", "scheme": "bearer"}}


def moderator_required(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g.moderator = authenticate(session=current_session(), authorization=request.headers.get("Authorization"))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def current_moderator() -> Moderator:
    moderator: Moderator = g.moderator
    return moderator


def current_actor() -> str:
    """How the audit log names the moderator making this request."""
    return f"moderator:{current_moderator().name}"
