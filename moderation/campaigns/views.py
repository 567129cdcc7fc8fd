"""``/api/v1/moderation/campaigns``: campaigns found across accounts, decided in bulk (moderator token required)."""

from __future__ import annotations

from moderation.auth import current_moderator, moderator_required
from moderation.campaigns.schemas import CampaignDetailSchema, CampaignPageSchema, CampaignQuerySchema
from moderation.campaigns.service import (
    CampaignDetail,
    CampaignQuery,
    CampaignSummary,
    campaign_detail,
    decide_campaign,
    list_campaigns,
)
from moderation.extensions import current_session
from moderation.http import Blueprint
from moderation.pagination import Page
from moderation.queue.schemas import DecisionSchema
from moderation.queue.service import Decision

bp = Blueprint(
    "campaigns",
    __name__,
    url_prefix="/api/v1/moderation/campaigns",
    description="Copy-paste, URL-push and new-account campaigns: list, inspect, decide on all their comments.",
)


@bp.route("", methods=["GET"])
@moderator_required
@bp.arguments(CampaignQuerySchema(), location="query")
@bp.response(200, CampaignPageSchema)
@bp.doc(security=[{"bearerAuth": []}])
def campaigns(query: CampaignQuery) -> Page[CampaignSummary]:
    return list_campaigns(session=current_session(), query=query)


@bp.route("/<id:campaign_id>", methods=["GET"])
@moderator_required
@bp.response(200, CampaignDetailSchema)
@bp.doc(security=[{"bearerAuth": []}])
def campaign(campaign_id: int) -> CampaignDetail:
    return campaign_detail(session=current_session(), campaign_id=campaign_id)


@bp.route("/<id:campaign_id>/decision", methods=["POST"])
@moderator_required
@bp.arguments(DecisionSchema())
@bp.response(200, CampaignDetailSchema)
@bp.doc(security=[{"bearerAuth": []}])
def decision(decision: Decision, campaign_id: int) -> CampaignDetail:
    return decide_campaign(
        session=current_session(), campaign_id=campaign_id, decision=decision, moderator_name=current_moderator().name
    )
