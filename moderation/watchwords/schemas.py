"""Moderator-facing shapes of the watched words."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from moderation.http import Text
from moderation.watchwords.service import WordInput
from moderation.watchwords.wordlist import LANGUAGES, Category, Mode, Source, WatchAction


class WordInSchema(Schema):
    language = fields.String(load_default="de", validate=validate.OneOf(LANGUAGES))
    phrase = Text(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Words; '*' ends a stem (idiot*), '*' first matches inside compounds (*idiot*)."},
    )
    action = fields.Enum(WatchAction, by_value=True, required=True)
    category = fields.Enum(Category, by_value=True, load_default=Category.OTHER)
    mode = fields.Enum(Mode, by_value=True, load_default=Mode.ENFORCE)
    note = Text(load_default="", validate=validate.Length(max=500))

    @post_load
    def _to_input(self, data: dict[str, Any], **_: Any) -> WordInput:
        return WordInput(**data)


class WordQuerySchema(Schema):
    language = fields.String(load_default=None, validate=validate.OneOf(LANGUAGES))

    @post_load
    def _to_language(self, data: dict[str, Any], **_: Any) -> str | None:
        language: str | None = data["language"]
        return language


class WordOutSchema(Schema):
    language = fields.String()
    phrase = fields.String()
    action = fields.Enum(WatchAction, by_value=True)
    category = fields.Enum(Category, by_value=True)
    mode = fields.Enum(Mode, by_value=True)
    source = fields.Enum(Source, by_value=True)
    note = fields.String()
    rule_id = fields.String(metadata={"description": "The rule id its hits carry on a comment."})


class WordListSchema(Schema):
    version = fields.String(metadata={"description": "Stored on every comment judged with this list."})
    words = fields.List(fields.Nested(WordOutSchema))
