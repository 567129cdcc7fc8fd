"""Request and response shapes of article registration."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from moderation.articles.models import ARTICLE_ID_PATTERN
from moderation.http import Text

article_id_field = fields.String(validate=validate.Regexp(ARTICLE_ID_PATTERN))


class ArticleInSchema(Schema):
    url = fields.URL(required=True, schemes={"http", "https"}, validate=validate.Length(max=2048))
    title = Text(required=True, validate=validate.Length(min=1, max=500))
    comments_open = fields.Boolean(load_default=True)


class ArticleOutSchema(Schema):
    id = fields.String()
    url = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    comments_open = fields.Boolean()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
