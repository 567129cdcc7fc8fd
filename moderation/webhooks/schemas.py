"""Shapes of the webhook management API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from moderation.http import Text
from moderation.webhooks.models import DeliveryStatus, EventType
from moderation.webhooks.service import EndpointInput

EVENT_NAMES = [e.value for e in EventType]


class EndpointInSchema(Schema):
    url = fields.URL(
        required=True,
        schemes={"http", "https"},
        require_tld=False,
        validate=validate.Length(max=2048),
        metadata={"format": "uri", "pattern": r"^https?://[^\s/?#@]+"},
    )
    event_types = fields.List(
        fields.String(validate=validate.OneOf(EVENT_NAMES)), required=True, validate=validate.Length(min=1)
    )
    secret = fields.String(load_default=None, metadata={"description": "whsec_<base64>; generated if omitted."})
    description = Text(load_default=None, validate=validate.Length(max=500))

    @post_load
    def _to_input(self, data: dict[str, Any], **_: Any) -> EndpointInput:
        return EndpointInput(**data)


class EndpointOutSchema(Schema):
    id = fields.Integer()
    url = fields.String()
    event_types = fields.List(fields.String())
    description = fields.String(allow_none=True)
    active = fields.Boolean()
    created_at = fields.DateTime()


class EndpointCreatedSchema(EndpointOutSchema):
    secret = fields.String(metadata={"description": "Shown once, at creation; verify signatures with it."})


class AttemptSchema(Schema):
    attempted_at = fields.DateTime()
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    duration_ms = fields.Integer()


class DeliverySchema(Schema):
    id = fields.Integer()
    event_id = fields.String()
    event_type = fields.String(attribute="event.type")
    status = fields.Enum(DeliveryStatus, by_value=True)
    attempts = fields.Integer()
    next_attempt_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    last_error = fields.String(allow_none=True)
