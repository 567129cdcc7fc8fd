"""Moderator-facing shapes of campaigns: what the members share, how many are in which state, the comments."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from moderation.campaigns.models import CampaignKind, CampaignStatus
from moderation.campaigns.service import NEWEST_FIRST, CampaignQuery
from moderation.pagination import PageQuerySchema, legacy_id_cursor, legacy_id_field
from moderation.queue.schemas import ModeratorCommentSchema


class CampaignQuerySchema(PageQuerySchema):
    article_id = fields.String(load_default=None, validate=validate.Length(max=128))
    status = fields.Enum(CampaignStatus, by_value=True, load_default=None)
    before = legacy_id_field()

    @post_load
    def _to_query(self, data: dict[str, Any], **_: Any) -> CampaignQuery:
        cursor = data["cursor"] or legacy_id_cursor(NEWEST_FIRST.tag, data["before"] or None)
        return CampaignQuery(article_id=data["article_id"], status=data["status"], cursor=cursor, limit=data["limit"])


class CampaignSchema(Schema):
    """Serialises a ``CampaignSummary`` (the campaign plus its comment counts by status)."""

    id = fields.Integer(attribute="campaign.id")
    kind = fields.Enum(CampaignKind, by_value=True, attribute="campaign.kind")
    status = fields.Enum(CampaignStatus, by_value=True, attribute="campaign.status")
    article_id = fields.String(
        attribute="campaign.article_id",
        allow_none=True,
        metadata={"description": "The article of all its comments; null when they span several articles."},
    )
    summary = fields.String(attribute="campaign.summary")
    comment_count = fields.Integer(attribute="campaign.comment_count")
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "Comments by status."})
    created_at = fields.DateTime(attribute="campaign.created_at")
    updated_at = fields.DateTime(attribute="campaign.updated_at")
    decided_at = fields.DateTime(attribute="campaign.decided_at", allow_none=True)
    decided_by = fields.String(attribute="campaign.decided_by", allow_none=True)


class CampaignPageSchema(Schema):
    campaigns = fields.List(fields.Nested(CampaignSchema), attribute="items")
    next_cursor = fields.String(allow_none=True, metadata={"description": "Pass as 'cursor' for the next page."})


class CampaignCommentSchema(ModeratorCommentSchema):
    campaign_id = fields.Integer(allow_none=True)


class CampaignDetailSchema(CampaignSchema):
    comments = fields.List(fields.Nested(CampaignCommentSchema), metadata={"description": "Oldest first."})
