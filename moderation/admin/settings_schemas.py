"""Form fields of the settings pages. HTML forms send strings: a ticked checkbox is present, an unticked one
absent, an empty field ``""``; these schemas turn that into the features' inputs (validated there again)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate

from moderation.articles.schemas import ArticleInSchema
from moderation.filters.backtest import parse_since
from moderation.thresholds import Thresholds
from moderation.watchwords.schemas import WordInSchema
from moderation.webhooks.schemas import EndpointInSchema

LEVELS = ("hold", "reject")


def _checkbox(data: Any, name: str) -> dict[str, Any]:
    """The form as a dict with the checkbox ``name`` as a real boolean."""
    plain = {key: value for key, value in dict(data).items() if key != "csrf_token"}
    plain[name] = name in data
    return plain


class ArticleFormSchema(ArticleInSchema):
    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _open_box(self, data: Any, **_: Any) -> dict[str, Any]:
        form = _checkbox(data, "comments_open")
        if form.get("guests") == "":  # the select's "as the site" option
            form["guests"] = None
        return form


class SurgeFormSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    hours = fields.Float(required=True, validate=validate.Range(min=0.1, max=24 * 14))


class ThresholdFormSchema(Schema):
    """Fields ``<label>.hold`` and ``<label>.reject``; an empty field means "no override for this level"."""

    class Meta:
        unknown = EXCLUDE

    thresholds = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=64)),
        values=fields.Dict(keys=fields.String(validate=validate.OneOf(LEVELS)), values=fields.Float()),
        load_default=dict,
    )

    @pre_load
    def _nest(self, data: Any, **_: Any) -> dict[str, Any]:
        nested: dict[str, dict[str, str]] = {}
        for key, value in dict(data).items():
            label, _, level = key.rpartition(".")
            if label and level in LEVELS and str(value).strip():
                nested.setdefault(label, {})[level] = str(value).strip()
        return {"thresholds": nested}

    @post_load
    def _to_overrides(self, data: dict[str, Any], **_: Any) -> Thresholds | None:
        overrides: Thresholds = data["thresholds"]
        return overrides or None


class WordFormSchema(WordInSchema):
    class Meta:
        unknown = EXCLUDE


class RemoveWordSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    language = fields.String(required=True, validate=validate.Length(min=2, max=8))
    phrase = fields.String(required=True, validate=validate.Length(min=1, max=200))


class EndpointFormSchema(EndpointInSchema):
    """The event types are checkboxes named ``event_types``; an empty description is none."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _lists(self, data: Any, **_: Any) -> dict[str, Any]:
        plain = {key: value for key, value in dict(data).items() if key != "csrf_token" and value != ""}
        plain["event_types"] = data.getlist("event_types") if hasattr(data, "getlist") else data.get("event_types")
        return plain


class RuleTextSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    text = fields.String(required=True, validate=validate.Length(min=1, max=512 * 1024))

    @post_load
    def _to_text(self, data: dict[str, Any], **_: Any) -> str:
        text: str = data["text"]
        return text


class BacktestFormSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    since = fields.String(load_default="7d", validate=validate.Length(max=40))

    @post_load
    def _to_cutoff(self, data: dict[str, Any], **_: Any) -> datetime:
        try:
            return parse_since(data["since"])
        except ValueError as exc:
            raise ValidationError(str(exc), field_name="since") from exc


class SearchSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    q = fields.String(load_default="", validate=validate.Length(max=128))

    @post_load
    def _to_text(self, data: dict[str, Any], **_: Any) -> str | None:
        return data["q"].strip() or None
