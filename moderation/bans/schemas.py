"""Moderator-facing shapes of bans."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from moderation.bans.service import BanInput
from moderation.http import JsonBoolean, Text


class BanInSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=1000))
    until = fields.AwareDateTime(
        load_default=None, metadata={"description": "Omit for a ban until lifted; a time in the future suspends."}
    )
    reject_pending = JsonBoolean(load_default=False, metadata={"description": "Also reject their queued comments."})

    @post_load
    def _to_input(self, data: dict[str, Any], **_: Any) -> BanInput:
        return BanInput(**data)


class BanOutSchema(Schema):
    id = fields.Integer()
    subject = fields.String(metadata={"description": "reader:<id>, or guest:<keyed hash of e-mail or name>."})
    reason = fields.String()
    until = fields.DateTime(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()
