"""Request and response shapes of the public comment API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from moderation.articles.models import ARTICLE_ID_PATTERN
from moderation.comments.models import CommentStatus
from moderation.comments.threads import Sort, ThreadQuery
from moderation.state import current_settings


class ListQuerySchema(Schema):
    sort = fields.Enum(Sort, by_value=True, load_default=Sort.NEWEST)
    limit = fields.Integer(load_default=None, validate=validate.Range(min=1))
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))

    @validates("limit")
    def _limit_max(self, value: int | None, **_: Any) -> None:
        maximum = current_settings().page_size_max
        if value is not None and value > maximum:
            raise ValidationError(f"Must be at most {maximum}.")

    @post_load
    def _to_query(self, data: dict[str, Any], **_: Any) -> ThreadQuery:
        return ThreadQuery(**data)


#: Stories one count request may name (an article list page: a front page, a section).
MAX_COUNTED = 100


class CountQuerySchema(Schema):
    article = fields.List(
        fields.String(validate=validate.Regexp(ARTICLE_ID_PATTERN)),
        required=True,
        validate=validate.Length(min=1, max=MAX_COUNTED),
        metadata={"description": "Article ids, repeated: `?article=a&article=b` (at most 100)."},
    )


class CountsSchema(Schema):
    counts = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "Published comments per registered article; unknown ids are left out."},
    )


class ReasonSchema(Schema):
    code = fields.String()
    message = fields.String(metadata={"description": "What the reader was told, in German."})
    label = fields.String()
    rule_id = fields.String()
    score = fields.Float()
    message_key = fields.String(
        metadata={
            "description": "The message's key in the catalogue, to tell it in another language; absent on "
            "reasons stored before keys were kept."
        }
    )
    message_params = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": "The message's placeholders."}
    )


class PublicCommentSchema(Schema):
    id = fields.Integer()
    article_id = fields.String()
    parent_id = fields.Integer(allow_none=True)
    author_name = fields.String()
    body = fields.String()
    created_at = fields.DateTime()


DELETED_PLACEHOLDER = "[gelöscht]"


class ThreadNodeSchema(Schema):
    """A node of the public tree: the comment's public fields, its display depth and its nested replies."""

    id = fields.Integer(attribute="comment.id")
    parent_id = fields.Integer(attribute="comment.parent_id", allow_none=True)
    author_name = fields.Method("_author", metadata={"description": "Empty for a deleted comment."})
    body = fields.Method("_body", metadata={"description": "'[gelöscht]' for a deleted comment."})
    deleted = fields.Method("_deleted", metadata={"type": "boolean"})
    created_at = fields.DateTime(attribute="comment.created_at")
    edited_at = fields.DateTime(
        attribute="comment.edited_at", allow_none=True, metadata={"description": "When its author last edited it."}
    )
    up = fields.Integer(attribute="comment.up", metadata={"description": "Readers' up-votes."})
    down = fields.Integer(attribute="comment.down")
    depth = fields.Integer()
    reply_count = fields.Integer(metadata={"description": "Published replies in the thread (top level only)."})
    replies = fields.List(fields.Nested(lambda: ThreadNodeSchema()))

    def _deleted(self, node: Any) -> bool:
        return bool(node.comment.status is CommentStatus.DELETED)

    def _author(self, node: Any) -> str:
        return "" if self._deleted(node) else str(node.comment.author_name)

    def _body(self, node: Any) -> str:
        return DELETED_PLACEHOLDER if self._deleted(node) else str(node.comment.body)


class ThreadPageSchema(Schema):
    total = fields.Integer(metadata={"description": "Published comments of the article, replies included."})
    next_cursor = fields.String(allow_none=True)
    threads = fields.List(fields.Nested(ThreadNodeSchema))
