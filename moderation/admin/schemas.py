"""Form fields of the web app (HTML forms and the same fields sent by its script)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from moderation.queue.reasons import RejectReason
from moderation.queue.service import Decision, DecisionAction, QueueQuery, QueueState


@dataclass(frozen=True)
class LoginInput:
    username: str
    password: str
    next_url: str


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    next = fields.String(load_default="/admin/")
    csrf_token = fields.String(load_default="")

    @post_load
    def _to_input(self, data: dict[str, Any], **_: Any) -> LoginInput:
        target = data["next"]
        safe = target.startswith("/admin") and not target.startswith("//")  # never an open redirect
        return LoginInput(data["username"], data["password"], target if safe else "/admin/")


class DecisionFormSchema(Schema):
    action = fields.Enum(DecisionAction, by_value=True, required=True)
    reason = fields.Enum(RejectReason, by_value=True, load_default=None)
    csrf_token = fields.String(load_default="")

    @validates_schema
    def _reject_needs_reason(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("action") is DecisionAction.REJECT and data.get("reason") is None:
            raise ValidationError("A rejection needs a reason.", field_name="reason")

    @post_load
    def _to_decision(self, data: dict[str, Any], **_: Any) -> Decision:
        reason = data["reason"].value if data["action"] is DecisionAction.REJECT else "approved"
        return Decision(action=data["action"], reason=reason)


class QueueFilterSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # ?lang= and other page parameters ride along

    state = fields.Enum(QueueState, by_value=True, load_default=QueueState.PENDING)
    article_id = fields.String(load_default=None, validate=validate.Length(max=128))
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))

    @post_load
    def _to_query(self, data: dict[str, Any], **_: Any) -> QueueQuery:
        return QueueQuery(state=data["state"], article_id=data["article_id"] or None, cursor=data["cursor"], limit=50)
