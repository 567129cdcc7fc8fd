"""The moderators' side of campaigns: list them, look at one with its comments, decide on all of them at once.

Detection and membership happen at submission time (``indexing.py``); here comments only change through
``queue.service.apply_decision``, so a bulk decision is audited and announced exactly like single ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.actors import moderator_actor
from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.campaigns.events import campaign_payload
from moderation.campaigns.models import Campaign, CampaignStatus
from moderation.comments.models import Comment, CommentStatus
from moderation.errors import NotFound
from moderation.pagination import Order, Page, fetch_page
from moderation.queue.service import Decision, DecisionAction, apply_decision
from moderation.types import utcnow
from moderation.webhooks.events import emit
from moderation.webhooks.models import EventType

#: Newest first; the cursor carries the last campaign's id.
NEWEST_FIRST = Order("campaigns", (Campaign.id,), descending=True)


class CampaignNotFound(NotFound):
    slug = "campaign-not-found"
    title = "Campaign not found"


@dataclass(frozen=True)
class CampaignSummary:
    campaign: Campaign
    counts: dict[str, int]


@dataclass(frozen=True)
class CampaignQuery:
    article_id: str | None = None
    status: CampaignStatus | None = None
    cursor: str | None = None
    limit: int = 50


def list_campaigns(*, session: Session, query: CampaignQuery) -> Page[CampaignSummary]:
    """Newest first (keyset-paginated by id), each with its comments counted by status."""
    campaigns = select(Campaign)
    if query.article_id is not None:
        campaigns = campaigns.where(Campaign.article_id == query.article_id)
    if query.status is not None:
        campaigns = campaigns.where(Campaign.status == query.status)
    page = fetch_page(
        session, campaigns, order=NEWEST_FIRST, cursor=query.cursor, limit=query.limit, key_of=lambda c: (c.id,)
    )
    counts = _status_counts(session, [c.id for c in page.items])
    return Page([CampaignSummary(c, counts.get(c.id, {})) for c in page.items], page.next_cursor)


def _status_counts(session: Session, campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    if not campaign_ids:
        return {}
    query = (
        select(Comment.campaign_id, Comment.status, func.count())
        .where(Comment.campaign_id.in_(campaign_ids))
        .group_by(Comment.campaign_id, Comment.status)
    )
    counts: dict[int, dict[str, int]] = {}
    for campaign_id, status, count in session.execute(query):
        if campaign_id is not None:  # always, given the filter; this tells the type checker
            counts.setdefault(campaign_id, dict.fromkeys((s.value for s in CommentStatus), 0))[status.value] = count
    return counts


def get_campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise CampaignNotFound(f"No campaign with id {campaign_id}.")
    return campaign


@dataclass(frozen=True)
class CampaignDetail:
    campaign: Campaign
    counts: dict[str, int]
    comments: list[Comment]


def campaign_detail(*, session: Session, campaign_id: int) -> CampaignDetail:
    """The campaign with all its comments, oldest first (the first one is usually the template)."""
    campaign = get_campaign(session, campaign_id)
    comments = list(session.scalars(select(Comment).where(Comment.campaign_id == campaign.id).order_by(Comment.id)))
    return CampaignDetail(campaign, _status_counts(session, [campaign.id]).get(campaign.id, {}), comments)


def decide_campaign(*, session: Session, campaign_id: int, decision: Decision, moderator_name: str) -> CampaignDetail:
    """Approve or reject every comment of the campaign in one transaction: one audit entry and the usual webhook
    events per comment (exactly as a single decision), plus one campaign-level audit entry."""
    campaign = get_campaign(session, campaign_id)
    members = select(Comment).where(Comment.campaign_id == campaign.id, Comment.status != CommentStatus.DELETED)
    comments = list(session.scalars(members.order_by(Comment.id)))  # what authors deleted stays deleted
    changed = 0
    for comment in comments:
        before = comment.status
        apply_decision(
            session,
            comment=comment,
            decision=decision,
            moderator_name=moderator_name,
            context={"campaign_id": campaign.id},
        )
        changed += comment.status is not before
    approved = decision.action is DecisionAction.APPROVE
    campaign.status = CampaignStatus.APPROVED if approved else CampaignStatus.REJECTED
    campaign.decided_at = campaign.updated_at = utcnow()
    campaign.decided_by = moderator_name
    _record_decision(session, campaign, decision, moderator_name, comments=len(comments), changed=changed)
    session.commit()
    return campaign_detail(session=session, campaign_id=campaign.id)


def _record_decision(
    session: Session, campaign: Campaign, decision: Decision, moderator_name: str, *, comments: int, changed: int
) -> None:
    """The campaign-level audit entry and ``campaign.decided`` (the comments have their own): who decided what,
    for how many, and why."""
    details = {"reason": decision.reason, "comments": comments, "changed": changed}
    record_action(
        session,
        actor=moderator_actor(moderator_name),
        action=AuditAction.CAMPAIGN_APPROVED
        if campaign.status is CampaignStatus.APPROVED
        else AuditAction.CAMPAIGN_REJECTED,
        article_id=campaign.article_id,
        details={"campaign_id": campaign.id, "kind": campaign.kind.value, **details},
    )
    outcome = {"action": decision.action.value, "reason": decision.reason, "moderator": moderator_name}
    data = {"campaign": campaign_payload(campaign), "decision": outcome, "comments": comments, "changed": changed}
    emit(session, event_types=(EventType.CAMPAIGN_DECIDED,), data=data)
