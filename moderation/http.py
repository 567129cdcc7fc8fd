"""HTTP plumbing shared by every feature: the problem-aware Api, the Blueprint class, strict JSON input."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import flask_smorest
from flask import Response, request
from marshmallow import INCLUDE, Schema, ValidationError, fields, validate
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge, UnsupportedMediaType
from werkzeug.routing import IntegerConverter, Map

from moderation.errors import http_exception_to_problem
from moderation.fieldcodes import FieldCode
from moderation.openapi import ErrorResponsesPlugin, problem_content

#: Characters no comment needs and PostgreSQL or browsers choke on: NUL/C0 controls (except tab, newline, CR),
#: lone UTF-16 surrogates (valid JSON escapes, invalid Unicode), and non-characters.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


#: Largest id a column of type INTEGER holds on every backend: bigger ids are invalid input, not a database error.
MAX_ID = 2**31 - 1


def id_field(**kwargs: Any) -> fields.Integer:
    """An integer id in a request: strict (no "7" for 7), positive, and within the INTEGER column range."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class IdConverter(IntegerConverter):
    """``<id:name>`` in routes: a positive INTEGER-range id, so ``/comments/99999999999`` is a 404, not a 500."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def id_converter_schema(_converter: IdConverter) -> dict[str, Any]:
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


class ProblemParser(FlaskParser):
    """Validation failures are 400: 422 is reserved for comments the moderation policy rejects."""

    DEFAULT_VALIDATION_STATUS = 400


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    ARGUMENTS_PARSER = ProblemParser()


class ProblemSchema(Schema):
    """RFC 9457 problem details, as documented in the OpenAPI spec; problems may carry more members (RFC 9457
    extension members: a rejection's ``comment_id`` and ``reasons``, a nudge's ``nudge``)."""

    class Meta:
        unknown = INCLUDE  # documented as additionalProperties: true

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    error_codes = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String(metadata={"enum": [code.value for code in FieldCode]})),
        metadata={"description": "Beside ``errors``: the same fields, a stable machine code per message."},
    )
    comment_id = fields.Integer(metadata={"description": "A rejected comment: stored, for the audit trail."})
    reasons = fields.List(fields.Dict(), metadata={"description": "A rejected comment: why."})
    nudge = fields.Dict(metadata={"description": "Nudge mode: the labels and the sentence to revise."})


class ProblemApi(flask_smorest.Api):  # type: ignore[misc]
    """flask-smorest Api whose HTTP errors are ``application/problem+json``."""

    ERROR_SCHEMA = ProblemSchema

    def init_app(self, app: Any, *, spec_kwargs: dict[str, Any] | None = None) -> None:
        """Error responses documented as ``application/problem+json`` on every operation (``openapi``)."""
        super().init_app(app, spec_kwargs=spec_kwargs)
        plugin = ErrorResponsesPlugin()  # before any blueprint registers its paths
        plugin.init_spec(self.spec)
        self.spec.plugins.append(plugin)
        #: Functions that finish the generated document (a feature adds what only the settings know).
        self.spec_finishers: list[Callable[[dict[str, Any]], dict[str, Any]]] = [problem_content]
        to_dict = self.spec.to_dict
        self.spec.to_dict = lambda: functools.reduce(lambda spec, finish: finish(spec), self.spec_finishers, to_dict())

    def handle_http_exception(self, error: HTTPException) -> Response:
        return http_exception_to_problem(error)


class Text(fields.String):
    """A string field that refuses control characters and lone surrogates, with the field named in the error."""

    default_error_messages = {"forbidden_char": "Contains a control character or invalid Unicode."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kwargs)
        if _FORBIDDEN.search(text):
            raise self.make_error("forbidden_char")
        return text


class JsonBoolean(fields.Boolean):
    """A JSON ``true`` or ``false`` only: marshmallow's Boolean also takes 0, 1, "yes" and "on", which the document
    (type boolean) does not allow and a typo should not turn into a setting."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:  # noqa: ARG002
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


#: Pages (the demo article) load only their own scripts and styles and call only their own origin or the API.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' {api}; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
#: JSON and the widget files are never a document to render or frame.
API_POLICY = "default-src 'none'; frame-ancestors 'none'"


def security_headers(public_url: str) -> Any:
    """An ``after_request`` hook: CSP (no inline script anywhere), nosniff, framing and referrer policies, and
    caching that fits a CDN for the widget and the demo page."""
    page_policy = PAGE_POLICY.format(api=public_url.rstrip("/")).replace(" ;", ";")

    def add(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        is_page = response.mimetype == "text/html"
        headers.setdefault("Content-Security-Policy", page_policy if is_page else API_POLICY)
        headers.setdefault("X-Frame-Options", "SAMEORIGIN" if is_page else "DENY")
        if is_page:  # the widget files' caching is the demo blueprint's (``demo.assets``)
            headers.setdefault("Cache-Control", "public, max-age=60")
        return response

    return add


def require_json_body() -> None:
    """Refuse request bodies that are not JSON before any view parses them (415 instead of 'missing field'), and
    JSON nested deeper than ``MAX_JSON_DEPTH`` before the parser's recursion could fail on it (400, not 500)."""
    if request.method in {"POST", "PUT", "PATCH"} and not request.is_json:
        raise UnsupportedMediaType("Send the request body as JSON with 'Content-Type: application/json'.")
    if not request.is_json:
        return
    body = request.get_data(cache=True)
    limit = request.max_content_length
    if limit is not None and request.content_length is None and len(body) >= limit:
        # A chunked body has no length to refuse up front; reading stops at the limit, which would then look
        # like broken JSON (400). It is too large: 413, like a body that declares its size.
        raise RequestEntityTooLarge(f"The request body is larger than {limit} bytes.")
    if json_too_deep(body, MAX_JSON_DEPTH):
        raise BadRequest(f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.")


#: No request of the API nests deeper than a few levels; a thousand levels only serve to crash parsers.
MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_too_deep(body: bytes, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit`` (linear; malformed JSON is left to the parser)."""
    depth = 0
    for byte in _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS):
        depth += 1 if byte in b"[{" else -1
        if depth > limit:
            return True
    return False


def strip_required(value: str) -> str:
    """Validator helper: whitespace-only strings count as empty."""
    if not value.strip():
        raise ValidationError("Must not be empty.")
    return value
