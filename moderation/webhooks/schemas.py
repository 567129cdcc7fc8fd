"""Shapes of the webhook management API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from moderation.http import MAX_ID, Text
from moderation.webhooks.models import DeliveryStatus, DisabledReason, EventType
from moderation.webhooks.service import EndpointInput, Redelivery

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
        fields.String(validate=validate.OneOf(EVENT_NAMES)),
        required=True,
        validate=validate.Length(min=1),
        metadata={
            "description": "The types to receive, each by name (there is no wildcard). Every type's body is "
            "documented as JSON Schema in docs/webhooks/events.schema.json."
        },
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
    consecutive_failures = fields.Integer(metadata={"description": "Failed attempts in a row."})
    disabled_reason = fields.Enum(DisabledReason, by_value=True, allow_none=True)
    disabled_at = fields.DateTime(allow_none=True)
    previous_secret_until = fields.DateTime(
        allow_none=True, metadata={"description": "Until then the secret before the last rotation signs too."}
    )


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


class RotateInSchema(Schema):
    secret = fields.String(load_default=None, metadata={"description": "whsec_<base64>; generated if omitted."})
    overlap_hours = fields.Float(
        load_default=24.0,
        validate=validate.Range(min=0, max=24 * 30),
        metadata={"description": "How long the old secret signs beside the new one (0: not at all)."},
    )


class RedeliverInSchema(Schema):
    delivery_ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),
        load_default=None,
        validate=validate.Length(min=1, max=1000),
    )
    failed = fields.Boolean(load_default=False, metadata={"description": "Every failed delivery of the endpoint."})
    since = fields.AwareDateTime(
        load_default=None, metadata={"description": "Every delivery whose event was written at or after this time."}
    )

    @validates_schema
    def _exactly_one(self, data: dict[str, Any], **_: Any) -> None:
        given = [data.get("delivery_ids") is not None, bool(data.get("failed")), data.get("since") is not None]
        if sum(given) != 1:
            raise ValidationError("Give exactly one of delivery_ids, failed: true or since.", field_name="_schema")

    @post_load
    def _to_redelivery(self, data: dict[str, Any], **_: Any) -> Redelivery:
        return Redelivery(**data)


class RedeliveredSchema(Schema):
    requeued = fields.Integer(metadata={"description": "Deliveries queued again (same webhook-id)."})


class DeliveryQuerySchema(Schema):
    status = fields.Enum(DeliveryStatus, by_value=True, load_default=None)
