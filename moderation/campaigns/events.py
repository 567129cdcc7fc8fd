"""What webhook receivers learn about a campaign (``campaign.detected``, ``campaign.decided``).

The campaign's own facts only: its members are announced one by one as ``comment.*`` events, and the account
keys that tie them together (keyed hashes of e-mail addresses or names) never leave through a webhook.
"""

from __future__ import annotations

from typing import Any

from moderation.campaigns.models import Campaign


def campaign_payload(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "kind": campaign.kind.value,
        "status": campaign.status.value,
        "article_id": campaign.article_id,
        "summary": campaign.summary,
        "comment_count": campaign.comment_count,
        "created_at": campaign.created_at.isoformat(),
        "decided_at": campaign.decided_at.isoformat() if campaign.decided_at else None,
        "decided_by": campaign.decided_by,
    }
