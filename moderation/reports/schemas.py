"""Request and response shapes of reader reports."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from moderation.http import Text
from moderation.reports.models import ReportReason


class ReportSchema(Schema):
    reason = fields.Enum(ReportReason, by_value=True, required=True)
    text = Text(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class ReportOutSchema(Schema):
    id = fields.Integer()
    comment_id = fields.Integer()
    reason = fields.Enum(ReportReason, by_value=True)
    created_at = fields.DateTime()
