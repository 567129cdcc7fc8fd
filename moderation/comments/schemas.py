"""Request and response shapes of the public comment API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates

from moderation.comments.models import CommentStatus
from moderation.comments.threads import Sort
from moderation.http import Text, id_field
from moderation.state import current_settings


class SubmissionSchema(Schema):
    author_name = Text(required=True)
    body = Text(required=True)
    parent_id = id_field(load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    #: The reader saw a nudge for this text and sends it anyway (only meaningful with nudge mode on).
    nudge_acknowledged = fields.Boolean(load_default=False)

    @validates("author_name")
    def _author_name_length(self, value: str, **_: Any) -> None:
        _check_length(value, current_settings().author_name_max_length)

    @validates("body")
    def _body_length(self, value: str, **_: Any) -> None:
        _check_length(value, current_settings().body_max_length)


def _check_length(value: str, maximum: int) -> None:
    if not value.strip():
        raise ValidationError("Must not be empty.")
    if len(value) > maximum:
        raise ValidationError(f"Must be at most {maximum} characters (got {len(value)}).")


class ListQuerySchema(Schema):
    sort = fields.Enum(Sort, by_value=True, load_default=Sort.NEWEST)
    limit = fields.Integer(load_default=None, validate=validate.Range(min=1))
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))

    @validates("limit")
    def _limit_max(self, value: int | None, **_: Any) -> None:
        maximum = current_settings().page_size_max
        if value is not None and value > maximum:
            raise ValidationError(f"Must be at most {maximum}.")


class ReasonSchema(Schema):
    code = fields.String()
    message = fields.String()
    label = fields.String()
    rule_id = fields.String()
    score = fields.Float()


class PublicCommentSchema(Schema):
    id = fields.Integer()
    article_id = fields.String()
    parent_id = fields.Integer(allow_none=True)
    author_name = fields.String()
    body = fields.String()
    created_at = fields.DateTime()


class ThreadNodeSchema(Schema):
    """A node of the public tree: the comment's public fields, its display depth and its nested replies."""

    id = fields.Integer(attribute="comment.id")
    parent_id = fields.Integer(attribute="comment.parent_id", allow_none=True)
    author_name = fields.String(attribute="comment.author_name")
    body = fields.String(attribute="comment.body")
    created_at = fields.DateTime(attribute="comment.created_at")
    depth = fields.Integer()
    reply_count = fields.Integer(metadata={"description": "Published replies in the thread (top level only)."})
    replies = fields.List(fields.Nested(lambda: ThreadNodeSchema()))


class ThreadPageSchema(Schema):
    total = fields.Integer(metadata={"description": "Published comments of the article, replies included."})
    next_cursor = fields.String(allow_none=True)
    threads = fields.List(fields.Nested(ThreadNodeSchema))


class SubmittedCommentSchema(PublicCommentSchema):
    status = fields.Enum(CommentStatus, by_value=True)
    reasons = fields.List(fields.Nested(ReasonSchema))
    message = fields.Method("_message")

    def _message(self, comment: Any) -> str:
        if comment.reasons:
            return str(comment.reasons[0]["message"])
        return "Ihr Kommentar wurde veröffentlicht."
