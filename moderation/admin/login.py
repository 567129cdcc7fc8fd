"""Logging in and out of the web app: throttled per address and per account name, every attempt audited.

The login form carries a CSRF token bound to a short-lived cookie (double submit): before logging in there is no
session to hold one, and a forged cross-site login would otherwise sign a victim into the attacker's account.
"""

from __future__ import annotations

import logging
import secrets
import time

from limits import parse
from sqlalchemy.orm import Session

from moderation.actors import Actor, moderator_actor
from moderation.admin.sessions import SessionPolicy, csrf_matches, end_session, start_session
from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.errors import DomainError
from moderation.extensions import limiter
from moderation.moderators.service import check_password, second_factor_ok

log = logging.getLogger(__name__)
LOGIN_CSRF_COOKIE = "kommentare_login_csrf"


class LoginThrottled(DomainError):
    status = 429
    slug = "rate-limited"
    title = "Too many failed logins"
    message_key = "login.throttled"


class LoginFailed(DomainError):
    status = 401
    slug = "unauthorized"
    title = "Wrong username or password"
    message_key = "login.failed"


def new_login_token() -> str:
    return secrets.token_urlsafe(32)


def log_in(
    *,
    session: Session,
    username: str,
    password: str,
    code: str,
    address: str,
    csrf: tuple[str | None, str | None],
    policy: SessionPolicy,
    limit: str,
) -> str:
    """Check the password (and the one-time ``code`` if the account has a second factor) and start a session
    (returns its cookie value), or raise; failures count per address and per name, and a throttled caller is
    refused before its password is even checked. A wrong code fails exactly like a wrong password."""
    if not csrf_matches(*csrf):
        raise LoginFailed("The login form expired; reload the page.")
    keys = (("admin-login-address", address), ("admin-login-name", username.lower()))
    rate = parse(limit)
    if limiter.enabled and not all(limiter.limiter.test(rate, *key) for key in keys):
        raise LoginThrottled("Too many failed logins; try again in a minute.")
    principal = check_password(session=session, name=username, password=password)
    if principal is None or not second_factor_ok(session=session, name=username, code=code, now=time.time()):
        for key in keys:
            if limiter.enabled:
                limiter.limiter.hit(rate, *key)
        log.warning("failed web login for %r from %s", username[:100], address)
        details = {"name": username[:100], **({"factor": "totp"} if principal is not None else {})}
        record_action(session, actor=Actor.ANONYMOUS, action=AuditAction.LOGIN_FAILED, details=details)
        session.commit()
        raise LoginFailed("Wrong username, password or code.")
    record_action(session, actor=principal.actor, action=AuditAction.LOGGED_IN, details={"via": "web"})
    return start_session(session=session, principal=principal, policy=policy)


def log_out(*, session: Session, cookie: str | None, name: str) -> None:
    record_action(session, actor=moderator_actor(name), action=AuditAction.LOGGED_OUT, details={})
    end_session(session=session, cookie=cookie)
