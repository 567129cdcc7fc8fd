"""Shapes of the privacy API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from moderation.http import Text
from moderation.privacy.holds import HoldInput
from moderation.privacy.service import Subject


class SubjectSchema(Schema):
    """Text fields: no control characters or lone surrogates reach a query (PostgreSQL refuses NUL)."""

    reader = Text(load_default=None, validate=validate.Length(min=1, max=255))
    email = Text(load_default=None, validate=validate.Length(min=3, max=254))

    @validates_schema
    def _exactly_one(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("reader") is None) == (data.get("email") is None):
            raise ValidationError("Give exactly one of reader or email.", field_name="_schema")

    @post_load
    def _to_subject(self, data: dict[str, Any], **_: Any) -> Subject:
        return Subject(**data)


class ExportSchema(Schema):
    class Meta:
        ordered = True

    exported_at = fields.String()
    reader = fields.Dict(allow_none=True)
    comments = fields.List(fields.Dict())
    votes = fields.List(fields.Dict())
    reports = fields.List(fields.Dict())
    mail = fields.List(
        fields.Dict(), metadata={"description": "Each address's opt-in state, reply subscriptions and mails kept."}
    )


class ErasedSchema(Schema):
    comments = fields.Integer(metadata={"description": "Comments anonymised."})
    votes = fields.Integer()
    reports = fields.Integer(metadata={"description": "Reports that lost their reporter."})
    bans = fields.Integer()


class HoldInSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=1000))
    article_id = Text(load_default=None, validate=validate.Length(min=1, max=128))
    reader = Text(load_default=None, validate=validate.Length(min=1, max=255))
    email = Text(load_default=None, validate=validate.Length(min=3, max=254))

    @validates_schema
    def _exactly_one(self, data: dict[str, Any], **_: Any) -> None:
        if sum(data.get(name) is not None for name in ("article_id", "reader", "email")) != 1:
            raise ValidationError("Give exactly one of article_id, reader or email.", field_name="_schema")

    @post_load
    def _to_input(self, data: dict[str, Any], **_: Any) -> HoldInput:
        return HoldInput(**data)


class HoldOutSchema(Schema):
    id = fields.Integer()
    article_id = fields.String(allow_none=True)
    subject = fields.String(allow_none=True, metadata={"description": "reader:<id> or guest:<account key>."})
    reason = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()
