"""RFC 9457 problem details: the one shape every 4xx and 5xx response of the API takes.

Domain exceptions carry their HTTP meaning as class attributes and are mapped to responses in exactly one place
(``register_error_handlers``), so services never import Flask response machinery.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from marshmallow import ValidationError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from moderation.fieldcodes import codes_for
from moderation.messages import DEFAULT_LANGUAGE, LANGUAGES, Message, text

PROBLEM_MIMETYPE = "application/problem+json"
PROBLEM_BASE = "urn:kommentare:problem:"
log = logging.getLogger(__name__)

FieldErrors = dict[str, list[str]]


class DomainError(Exception):
    """Base for expected failures of a use case; subclasses set the status, slug and title. A refusal a reader
    meets gives a catalogue ``Message`` (and its ``params``) as ``detail``: ``detail`` is then its German text
    (logs, the CLI) and the response tells it in the language the reader asked for (``detail_in``)."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(
        self,
        detail: str | Message,
        *,
        errors: FieldErrors | None = None,
        extra: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> None:
        self.reader_message = detail if isinstance(detail, Message) else None
        self.params = dict(params or {})
        self.detail = text(detail, DEFAULT_LANGUAGE, **self.params) if isinstance(detail, Message) else detail
        super().__init__(self.detail)
        self.errors = errors
        self.extra = dict(extra or {})

    def detail_in(self, language: str) -> str:
        if self.reader_message is None:
            return self.detail
        return text(self.reader_message, language, **self.params)


class NotFound(DomainError):
    status = 404
    slug = "not-found"
    title = "Not found"


class InvalidInput(DomainError):
    """Well-formed request whose values contradict the stored state (e.g. a parent in another article)."""

    status = 400
    slug = "validation-error"
    title = "Invalid input"


class Conflict(DomainError):
    status = 409
    slug = "conflict"
    title = "Conflict"


class Forbidden(DomainError):
    status = 403
    slug = "forbidden"
    title = "Forbidden"


class Unauthorized(DomainError):
    status = 401
    slug = "unauthorized"
    title = "Authentication required"


def problem_response(
    status: int,
    *,
    title: str,
    detail: str | None = None,
    slug: str | None = None,
    errors: FieldErrors | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Response:
    """Build an ``application/problem+json`` response; ``errors`` maps field names to messages, and
    ``error_codes`` (added here, always beside them) the same fields to stable machine codes."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug if slug else "about:blank",
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
        body["error_codes"] = codes_for(errors)
    body.update(extra or {})
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE)
    response.headers.update(dict(headers or {}))
    return response


def flatten_messages(messages: Any, prefix: str = "") -> FieldErrors:
    """Turn webargs/marshmallow nested messages (``{"json": {"body": [...]}}``) into ``{"body": [...]}``."""
    if isinstance(messages, list):
        return {prefix or "_request": [str(m) for m in messages]}
    flat: FieldErrors = {}
    for key, value in messages.items():
        is_location = not prefix and key in {"json", "query", "querystring", "path", "view_args", "headers"}
        name = prefix if is_location else (f"{prefix}.{key}" if prefix else str(key))
        for field_name, field_messages in flatten_messages(value, name).items():
            flat.setdefault(field_name, []).extend(field_messages)
    return flat


def http_exception_to_problem(error: HTTPException) -> Response:
    """Map any werkzeug HTTPException (incl. webargs validation aborts) to a problem response."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = flatten_messages(data["messages"]) if "messages" in data else None
    headers = dict(data.get("headers") or {})
    if error.response is None:
        headers.update(dict(error.get_headers()))
    headers.pop("Content-Type", None)
    slug = {
        400: "validation-error" if errors else "bad-request",
        415: "unsupported-media-type",
        429: "rate-limited",
    }.get(status)
    detail = data.get("message") or error.description
    if status == 400 and errors:
        detail = "The request has invalid fields; see 'errors'."
    return problem_response(status, title=error.name, detail=detail, slug=slug, errors=errors, headers=headers)


def domain_error_to_problem(error: DomainError) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return problem_response(
        error.status,
        title=error.title,
        detail=error.detail_in(reader_language()),
        slug=error.slug,
        errors=error.errors,
        headers=headers,
        extra=error.extra,
    )


def reader_language() -> str:
    """The language the reader asked for with ``Accept-Language`` (the widget sends the one it shows), among the
    catalogue's; German without a request or a match. Only reader-facing words (catalogue messages) follow it."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


#: Seconds a client should wait before retrying while the database is unreachable.
RETRY_AFTER_SECONDS = 5


def request_id() -> str:
    """The request's id (``logs`` sets it once per request): the proxy's ``X-Request-ID`` when it sent a sane
    one, else a new id."""
    if "request_id" in g:
        return str(g.request_id)
    given = request.headers.get("X-Request-ID", "")
    return given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def register_error_handlers(app: Flask, *, rollback: Any) -> None:
    """Wire the handlers; ``rollback`` discards a half-done unit of work before a 500 is answered."""

    def on_domain_error(error: DomainError) -> Response:
        rollback()
        return domain_error_to_problem(error)

    def on_database_unavailable(error: OperationalError) -> Response:
        """An outage is not a bug: one log line (no traceback), 503 with Retry-After; the pool reconnects by itself."""
        try:
            rollback()
        except Exception:
            log.debug("rollback after a database failure failed too", exc_info=True)
        rid = request_id()
        log.error("database unavailable (request %s): %s", rid, type(error.orig).__name__)
        return problem_response(
            503,
            title="Service Unavailable",
            detail="The comment service cannot reach its database right now; please try again shortly.",
            slug="database-unavailable",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS), "X-Request-ID": rid},
        )

    def on_unexpected(error: Exception) -> Response:
        rollback()
        log.exception("unhandled error", exc_info=error)
        return problem_response(500, title="Internal Server Error", detail="An unexpected error occurred.")

    def on_invalid_form(error: ValidationError) -> Response:
        """Input a view loaded with a schema itself (the web app's forms); the API's go through webargs."""
        rollback()
        messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        errors = {
            str(field): [str(m) for m in (found if isinstance(found, list) else [found])]
            for field, found in messages.items()
        }
        return problem_response(
            400,
            title="Bad Request",
            detail="The request has invalid fields; see 'errors'.",
            slug="validation-error",
            errors=errors,
        )

    app.register_error_handler(DomainError, on_domain_error)
    app.register_error_handler(ValidationError, on_invalid_form)
    app.register_error_handler(OperationalError, on_database_unavailable)
    app.register_error_handler(Exception, on_unexpected)
