"""Form fields of the web app (HTML forms and the same fields sent by its script)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate, validates_schema

from moderation.campaigns.models import CampaignStatus
from moderation.campaigns.service import CampaignQuery
from moderation.http import MAX_ID
from moderation.language import Language
from moderation.queue.reasons import RejectReason
from moderation.queue.service import Decision, DecisionAction, QueueQuery, QueueState, ReasonFilter


@dataclass(frozen=True)
class LoginInput:
    username: str
    password: str
    next_url: str
    #: The authenticator app's code; empty for accounts without a second factor.
    code: str = ""


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    next = fields.String(load_default="/admin/")
    code = fields.String(load_default="", validate=validate.Length(max=12))
    csrf_token = fields.String(load_default="")

    @post_load
    def _to_input(self, data: dict[str, Any], **_: Any) -> LoginInput:
        target = data["next"]
        safe = target.startswith("/admin") and not target.startswith("//")  # never an open redirect
        return LoginInput(data["username"], data["password"], target if safe else "/admin/", data["code"])


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


def _blank_is_missing(data: Any) -> dict[str, Any]:
    """An HTML form sends every field, empty ones as ``""``: those mean "no filter", not an invalid value."""
    return {key: value for key, value in dict(data).items() if value != ""}


class QueueFilterSchema(Schema):
    """The queue page's tab, filters and search (``newer_than`` is the live update's "what came since")."""

    class Meta:
        unknown = EXCLUDE  # ?lang= and other page parameters ride along

    state = fields.Enum(QueueState, by_value=True, load_default=QueueState.PENDING)
    article_id = fields.String(load_default=None, validate=validate.Length(max=128))
    reason = fields.Enum(ReasonFilter, by_value=True, load_default=None)
    language = fields.Enum(Language, by_value=True, load_default=None)
    since = fields.Date(load_default=None)
    until = fields.Date(load_default=None, metadata={"description": "Inclusive: comments of that day count."})
    q = fields.String(load_default=None, validate=validate.Length(max=200))
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))
    newer_than = fields.Integer(load_default=None, validate=validate.Range(min=0, max=MAX_ID))

    @pre_load
    def _drop_blanks(self, data: Any, **_: Any) -> dict[str, Any]:
        return _blank_is_missing(data)

    @validates_schema
    def _ordered_dates(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError("Must not be before 'since'.", field_name="until")

    @post_load
    def _to_query(self, data: dict[str, Any], **_: Any) -> QueueQuery:
        return QueueQuery(
            state=data["state"],
            article_id=data["article_id"],
            cursor=data["cursor"],
            limit=50,
            reason=data["reason"],
            language=data["language"],
            since=_day_start(data["since"]),
            until=_day_start(data["until"] + timedelta(days=1)) if data["until"] else None,
            text=data["q"].strip() or None if data["q"] else None,
            newer_than=data["newer_than"],
        )


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time(0), tzinfo=UTC) if day else None


@dataclass(frozen=True)
class BulkDecision:
    comment_ids: list[int]
    decision: Decision


class BulkDecisionSchema(DecisionFormSchema):
    """The queue's bulk form: the selected items' ``ids`` (a checkbox each) and one decision for all of them."""

    ids = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=MAX_ID)),
        required=True,
        validate=validate.Length(min=1, max=200),
    )

    @pre_load
    def _form_lists(self, data: Any, **_: Any) -> dict[str, Any]:
        if hasattr(data, "getlist"):  # a form: ids=1&ids=2
            return {**data.to_dict(), "ids": data.getlist("ids")}
        return dict(data)

    @post_load
    def _to_decision(self, data: dict[str, Any], **kwargs: Any) -> BulkDecision:
        return BulkDecision(data.pop("ids"), super()._to_decision(data, **kwargs))


class CampaignFilterSchema(Schema):
    """The campaign list: open ones first by default (those are what needs a decision)."""

    class Meta:
        unknown = EXCLUDE

    status = fields.Enum(CampaignStatus, by_value=True, load_default=CampaignStatus.OPEN)
    article_id = fields.String(load_default=None, validate=validate.Length(max=128))
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))

    @pre_load
    def _drop_blanks(self, data: Any, **_: Any) -> dict[str, Any]:
        return _blank_is_missing(data)

    @post_load
    def _to_query(self, data: dict[str, Any], **_: Any) -> CampaignQuery:
        return CampaignQuery(article_id=data["article_id"], status=data["status"], cursor=data["cursor"], limit=50)
