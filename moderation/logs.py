"""Structured logs: one JSON object per line, each with the request id, and one access line per request.

Log shippers (journald, Loki, an ELK stack) read JSON without parsing rules; the request id (the proxy's
``X-Request-ID`` when it sent a sane one, else a new one, echoed in the response) ties a 500's log line to what the
client saw. Personal data stays out: access lines carry the route, path (never the query string, where a search
or a token may be), status and duration, never the client address, a body or an e-mail address; the app's own
log calls name ids, never content. ``KOMMENTARE_LOG_FORMAT=text`` gives the plain format for development.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request

from moderation import metrics
from moderation.errors import request_id

ACCESS = logging.getLogger("moderation.access")
#: LogRecord attributes that are not extra fields.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id"?, ...extra, "exception"?}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context() and "request_id" in g:
            entry["request_id"] = g.request_id
        entry.update({key: value for key, value in record.__dict__.items() if key not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(levelname)-5.5s [%(name)s] %(message)s"


def configure_logging(*, level: str, fmt: str) -> None:
    """One handler on stderr, in ``json`` (the default) or ``text``, unless the process configured logging itself
    (a test runner, an embedding application): then its handlers stay, as ``logging.basicConfig`` does."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler])


def init_request_logging(app: Flask) -> None:
    """A request id per request (echoed as ``X-Request-ID``) and one access line per response."""

    @app.before_request
    def _start() -> None:
        g.request_id, g.started = request_id(), time.perf_counter()

    @app.after_request
    def _access(response: Response) -> Response:
        if "request_id" in g:
            response.headers.setdefault("X-Request-ID", g.request_id)
            seconds = time.perf_counter() - g.started
            route = request.url_rule.rule if request.url_rule else "(unmatched)"
            metrics.observe_request(route=route, method=request.method, status=response.status_code, seconds=seconds)
            ACCESS.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "route": request.url_rule.rule if request.url_rule else None,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )
        return response
