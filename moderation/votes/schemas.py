"""A reader's vote and the counts it leaves."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validates


class VoteSchema(Schema):
    value = fields.Integer(
        required=True, strict=True, metadata={"enum": [1, -1, 0], "description": "1 up, -1 down, 0 withdraw."}
    )

    @validates("value")
    def _one_of(self, value: int, **_: Any) -> None:
        if value not in (1, -1, 0):
            raise ValidationError("Must be 1, -1 or 0.")

    @post_load
    def _to_value(self, data: dict[str, Any], **_: Any) -> int:
        value: int = data["value"]
        return value


class TallySchema(Schema):
    comment_id = fields.Integer()
    up = fields.Integer()
    down = fields.Integer()
    mine = fields.Integer(metadata={"description": "The caller's vote now."})
