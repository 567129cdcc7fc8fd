"""The OpenAPI document says what the server does: errors are ``application/problem+json`` (with the extra fields
some carry), and every operation lists the error statuses it can answer.

flask-smorest declares its error responses as ``application/json`` and documents only the statuses a view names.
A strict generated client then breaks on the main reader path (a 422 rejection carries ``comment_id`` and
``reasons``). This plugin adds, to every operation, the statuses that the shared machinery answers: 400 (invalid
input), 413 (body too large), 415 (not JSON), 429 (rate limited), 503 (database unavailable), 401 and 403 for
operations that need a moderator token, 404 for operations with path parameters, 405.
"""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin

PROBLEM_CONTENT_TYPE = "application/problem+json"
#: Statuses every API operation can answer, by flask-smorest's component names.
COMMON = {"400": "BAD_REQUEST", "413": "REQUEST_ENTITY_TOO_LARGE", "429": "TOO_MANY_REQUESTS"}
BODY = {"415": "UNSUPPORTED_MEDIA_TYPE"}
DATABASE = {"503": "SERVICE_UNAVAILABLE"}


class ErrorResponsesPlugin(BasePlugin):
    def operation_helper(self, path: str | None = None, operations: dict[str, Any] | None = None, **_: Any) -> None:
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            extra = {**COMMON, **DATABASE}
            if method in ("post", "put", "patch"):
                extra.update(BODY)
            if operation.get("security"):
                extra["401"] = "UNAUTHORIZED"
                extra["403"] = "FORBIDDEN"  # an admin operation called with a moderator's token
            if path and "{" in path:
                extra["404"] = "NOT_FOUND"
            for status, name in extra.items():
                responses.setdefault(status, name)


def problem_content(spec: dict[str, Any]) -> dict[str, Any]:
    """The generated document with every error response served as ``application/problem+json``."""
    for response in spec.get("components", {}).get("responses", {}).values():
        content = response.get("content", {})
        if "application/json" in content:
            content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
    for path in spec.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):  # a path item's shared "parameters"
                continue
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}) if isinstance(response, dict) else {}
                problem = status.startswith(("4", "5")) or status == "default"
                if problem and "application/json" in content:
                    content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
    return spec
