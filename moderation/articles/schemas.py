"""Request and response shapes of article registration."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from moderation.articles.models import ARTICLE_ID_PATTERN, Article, GuestMode, ModerationMode
from moderation.articles.service import ArticleInput
from moderation.http import JsonBoolean, Text
from moderation.state import current_settings
from moderation.thresholds import KNOWN_LABELS, Thresholds, validate_overrides
from moderation.types import utcnow

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

    guests = fields.Enum(
        GuestMode,
        by_value=True,
        allow_none=True,
        metadata={
            "description": "allowed, premoderated or off; null follows the site's KOMMENTARE_GUESTS. Omit to keep it."
        },
    )

    @post_load
    def _to_input(self, data: dict[str, Any], **_: Any) -> ArticleInput:
        return ArticleInput(**data, guests_given="guests" in data)


class ArticleOutSchema(Schema):
    id = fields.String()
    url = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    comments_open = fields.Boolean()
    moderation_mode = fields.Enum(ModerationMode, by_value=True)
    guests = fields.Method("_guests", metadata={"enum": [m.value for m in GuestMode], "type": "string"})
    guests_setting = fields.Enum(
        GuestMode, by_value=True, attribute="guests", allow_none=True, metadata={"description": "null: the site's."}
    )
    accepting_comments = fields.Method(
        "_accepting", metadata={"type": "boolean", "description": "Open, and not closed by age."}
    )
    surge_until = fields.Method(
        "_surge_until",
        metadata={"type": "string", "format": "date-time", "nullable": True, "description": "While in surge mode."},
    )
    notifications = fields.Method(
        "_notifications",
        metadata={"type": "boolean", "description": "The site sends mail: readers may ask to hear of replies."},
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    def _notifications(self, article: Article) -> bool:  # noqa: ARG002 (a site setting, the same for every story)
        return bool(current_settings().smtp_host)

    def _guests(self, article: Article) -> str:
        return article.guest_mode(GuestMode(current_settings().guests)).value

    def _accepting(self, article: Article) -> bool:
        return article.accepting_comments(auto_close_days=current_settings().auto_close_days, now=utcnow())

    def _surge_until(self, article: Article) -> str | None:
        return article.surge_until.isoformat() if article.in_surge(utcnow()) and article.surge_until else None


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


class SurgeInSchema(Schema):
    hours = fields.Float(load_default=None, validate=validate.Range(min=0.1, max=24 * 14))
