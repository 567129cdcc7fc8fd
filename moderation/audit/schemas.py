"""Moderator-facing shapes of the audit log."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from moderation.audit.service import NEWEST_FIRST, AuditQuery
from moderation.http import MAX_ID
from moderation.pagination import PageQuerySchema, legacy_id_cursor, legacy_id_field


class AuditQuerySchema(PageQuerySchema):
    comment_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    article_id = fields.String(load_default=None, validate=validate.Length(max=128))
    before = legacy_id_field()

    @post_load
    def _to_query(self, data: dict[str, Any], **_: Any) -> AuditQuery:
        cursor = data["cursor"] or legacy_id_cursor(NEWEST_FIRST.tag, data["before"] or None)
        return AuditQuery(
            comment_id=data["comment_id"], article_id=data["article_id"], cursor=cursor, limit=data["limit"]
        )


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.String()
    action = fields.String()
    comment_id = fields.Integer(allow_none=True)
    article_id = fields.String(allow_none=True)
    details = fields.Dict()


class AuditPageSchema(Schema):
    entries = fields.List(fields.Nested(AuditEntrySchema), attribute="items")
    next_cursor = fields.String(allow_none=True, metadata={"description": "Pass as 'cursor' for the next page."})
