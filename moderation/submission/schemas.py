"""Request and response shapes of posting a comment."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from moderation.comments.models import CommentStatus
from moderation.comments.schemas import PublicCommentSchema, ReasonSchema
from moderation.errors import reader_language
from moderation.http import JsonBoolean, Text, id_field
from moderation.messages import Message, retell, text
from moderation.settings import Settings
from moderation.state import current_settings
from moderation.submission.names import name_problem
from moderation.submission.service import SubmissionInput
from moderation.submission.store import StoredComment

#: The characters the server refuses, as a JSON Schema class (the same escapes in ECMA-262 and Python ``re``): in
#: any text (``moderation.http.Text``) and, in names, also C1 controls, soft hyphen, zero-width, bidi and other
#: format characters, fillers and private use (``names.name_problem``, which also wants a letter or digit, and
#: refuses unassigned and supplementary private-use characters that a pattern cannot list the same everywhere).
_TEXT_REFUSED = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff"
_NAME_REFUSED = (
    r"\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e"
    r"\u2060-\u206f\u2800\u3164\ue000-\uf8ff\ufeff\uffa0\ufff9-\uffff"
)


def _not_blank(refused: str) -> dict[str, Any]:
    """Documented as: no refused character, and at least one that is not white space."""
    return {"minLength": 1, "pattern": f"^[^{refused}]*[^\\s{refused}][^{refused}]*$"}


class SubmissionSchema(Schema):
    author_name = Text(
        load_default=None,
        metadata={
            **_not_blank(_NAME_REFUSED),
            "description": "Required for guests; ignored when a reader token is sent (the token names the reader).",
        },
    )
    body = Text(required=True, metadata=_not_blank(_TEXT_REFUSED))
    parent_id = id_field(load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    #: The reader saw a nudge for this text and sends it anyway (only meaningful with nudge mode on).
    nudge_acknowledged = JsonBoolean(load_default=False)
    notify_replies = JsonBoolean(
        load_default=False,
        metadata={
            "description": "Mail the author when a reply is published (double opt-in: the first time, a confirmation "
            "mail is sent). Needs `email` or a signed-in reader with an address, and mail set up on the site "
            "(`notifications` in the article)."
        },
    )

    @validates("author_name")
    def _author_name_length(self, value: str | None, **_: Any) -> None:
        if value is None:  # a signed-in reader (the token names them); a guest without a name is refused later
            return
        problem = name_problem(value)
        if problem:
            raise ValidationError(problem)
        _check_length(value, current_settings().author_name_max_length)

    @validates("body")
    def _body_length(self, value: str, **_: Any) -> None:
        _check_length(value, current_settings().body_max_length)

    @post_load
    def _to_input(self, data: dict[str, Any], **_: Any) -> SubmissionInput:
        return SubmissionInput(**data)


def _check_length(value: str, maximum: int) -> None:
    if not value.strip():
        raise ValidationError("Must not be empty.")
    if len(value) > maximum:
        raise ValidationError(f"Must be at most {maximum} characters (got {len(value)}).")


class EditSchema(Schema):
    """An author's new text (the rest of the comment stays)."""

    body = Text(required=True, metadata=_not_blank(_TEXT_REFUSED))

    @validates("body")
    def _body_length(self, value: str, **_: Any) -> None:
        _check_length(value, current_settings().body_max_length)

    @post_load
    def _to_body(self, data: dict[str, Any], **_: Any) -> str:
        body: str = data["body"]
        return body


class SubmittedCommentSchema(PublicCommentSchema):
    status = fields.Enum(CommentStatus, by_value=True)
    reasons = fields.List(fields.Nested(ReasonSchema))
    message = fields.Method(
        "_message",
        metadata={
            "type": "string",
            "description": "What the reader is told, in the language of Accept-Language (de or en; German otherwise).",
        },
    )
    edit_token = fields.String(
        allow_none=True,
        metadata={"description": "Send as 'Authorization: Bearer <edit_token>' to edit or delete this comment."},
    )
    editable_until = fields.DateTime(allow_none=True)
    depth = fields.Method(
        "_depth",
        metadata={"type": "integer", "description": "Where the public tree shows it (capped like the tree's replies)."},
    )

    def _depth(self, comment: StoredComment) -> int:
        return min(comment.depth, current_settings().thread_max_depth)

    def _message(self, comment: StoredComment) -> str:
        """What the reader is told, in the language they asked for (the German text is what was stored)."""
        if comment.reasons:
            return retell(comment.reasons[0], reader_language())[0]
        return text(Message.PUBLISHED, reader_language())


def document_limits(spec: dict[str, Any], *, settings: Settings) -> dict[str, Any]:
    """Finish the OpenAPI document with this site's limits (settings, not constants): name and body lengths, and
    the largest page of a thread listing."""
    properties = spec["components"]["schemas"]["Submission"]["properties"]
    properties["author_name"]["maxLength"] = settings.author_name_max_length
    properties["body"]["maxLength"] = settings.body_max_length
    listing = spec["paths"]["/api/v1/articles/{article_id}/comments"]["get"]
    for parameter in listing.get("parameters", []):
        if parameter.get("in") == "query" and parameter.get("name") == "limit":
            parameter["schema"]["maximum"] = settings.page_size_max
    return spec


class AppealSchema(Schema):
    note = Text(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class StatementSchema(Schema):
    """The statement of reasons for the author (DSA Art. 17)."""

    comment_id = fields.Integer()
    status = fields.String()
    decided_at = fields.DateTime()
    automated = fields.Boolean(metadata={"description": "Decided by the pipeline alone, no person involved."})
    category = fields.String(metadata={"description": "The kind of reason, in words (German)."})
    grounds = fields.List(fields.Dict(), metadata={"description": "Reason codes, model labels, rule ids."})
    appeal_possible = fields.Boolean()
    appeal_how = fields.String(allow_none=True)
    appealed_at = fields.DateTime(allow_none=True)
