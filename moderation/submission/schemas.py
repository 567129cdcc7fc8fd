"""Request and response shapes of posting a comment."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from moderation.comments.models import CommentStatus
from moderation.comments.schemas import PublicCommentSchema, ReasonSchema
from moderation.http import Text, id_field
from moderation.messages import Message, text
from moderation.state import current_settings
from moderation.submission.names import name_problem
from moderation.submission.service import SubmissionInput
from moderation.submission.store import StoredComment


class SubmissionSchema(Schema):
    author_name = Text(required=True)
    body = Text(required=True)
    parent_id = id_field(load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    #: The reader saw a nudge for this text and sends it anyway (only meaningful with nudge mode on).
    nudge_acknowledged = fields.Boolean(load_default=False)

    @validates("author_name")
    def _author_name_length(self, value: str, **_: Any) -> None:
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


class SubmittedCommentSchema(PublicCommentSchema):
    status = fields.Enum(CommentStatus, by_value=True)
    reasons = fields.List(fields.Nested(ReasonSchema))
    message = fields.Method("_message")

    def _message(self, comment: StoredComment) -> str:
        if comment.reasons:
            return str(comment.reasons[0]["message"])
        return text(Message.PUBLISHED)
