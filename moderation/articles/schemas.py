"""Request and response shapes of article registration."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from moderation.articles.models import ARTICLE_ID_PATTERN, ModerationMode
from moderation.articles.service import ArticleInput
from moderation.http import JsonBoolean, Text
from moderation.thresholds import KNOWN_LABELS, Thresholds, validate_overrides

article_id_field = fields.String(validate=validate.Regexp(ARTICLE_ID_PATTERN))


class ArticleInSchema(Schema):
    url = fields.URL(
        required=True,
        schemes={"http", "https"},
        validate=validate.Length(max=2048),
        metadata={"format": "uri", "pattern": r"^https?://[^\s/?#@]+\.[^\s/?#@]+"},
    )
    title = Text(required=True, validate=validate.Length(min=1, max=500))
    comments_open = JsonBoolean(load_default=True)
    moderation_mode = fields.Enum(
        ModerationMode,
        by_value=True,
        load_default=None,
        metadata={"description": "post (default): publish what passes; pre: hold everything. Omit to keep it."},
    )

    @post_load
    def _to_input(self, data: dict[str, Any], **_: Any) -> ArticleInput:
        return ArticleInput(**data)


class ArticleOutSchema(Schema):
    id = fields.String()
    url = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    comments_open = fields.Boolean()
    moderation_mode = fields.Enum(ModerationMode, by_value=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ThresholdsField(fields.Field):  # type: ignore[type-arg]
    """Label -> {hold?, reject?}, numbers from 0 to 1 (validated by the same code as the settings)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:  # noqa: ARG002
        try:
            return validate_overrides(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


_SCORE = {"type": "number", "minimum": 0, "maximum": 1}
#: The document's account of the field: known labels only, each {hold?, reject?} between 0 and 1 (hold <= reject
#: is checked by the server; JSON Schema cannot compare two values).
_THRESHOLDS_DOC = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        label: {"type": "object", "additionalProperties": False, "properties": {"hold": _SCORE, "reject": _SCORE}}
        for label in sorted(KNOWN_LABELS)
    },
    "example": {"toxicity": {"hold": 0.3, "reject": 0.9}},
}


class ThresholdsInSchema(Schema):
    thresholds = ThresholdsField(required=True, metadata=_THRESHOLDS_DOC)

    @post_load
    def _to_overrides(self, data: dict[str, Any], **_: Any) -> Thresholds:
        overrides: Thresholds = data["thresholds"]
        return overrides


class ThresholdsOutSchema(Schema):
    article_id = fields.String()
    overrides = fields.Dict(keys=fields.String(), values=fields.Dict(), allow_none=True)
    effective = fields.Dict(keys=fields.String(), values=fields.Dict())
