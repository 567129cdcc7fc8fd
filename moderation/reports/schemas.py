"""Request and response shapes of reader reports."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from moderation.http import Text
from moderation.reports.models import ReportReason
from moderation.reports.service import ReportInput


class ReportSchema(Schema):
    reason = fields.Enum(ReportReason, by_value=True, required=True)
    text = Text(load_default=None, allow_none=True, validate=validate.Length(max=1000))

    @post_load
    def _to_input(self, data: dict[str, Any], **_: Any) -> ReportInput:
        return ReportInput(**data)


class ReportOutSchema(Schema):
    id = fields.Integer()
    comment_id = fields.Integer()
    reason = fields.Enum(ReportReason, by_value=True)
    created_at = fields.DateTime()
