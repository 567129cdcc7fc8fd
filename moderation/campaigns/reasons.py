"""Campaign hits merged into the pipeline's verdict, with the reader-facing reasons (pure).

The rule stage's ``policy.rule_reasons`` words its messages for link and narrative rules; campaign hits get their
own messages from the catalogue here, and the merge follows ``policy.decide``: the strongest action wins, and the
reasons kept are exactly those that asked for it.
"""

from __future__ import annotations

import dataclasses

from moderation.campaigns.models import CampaignKind
from moderation.filters.policy import decide
from moderation.messages import Message
from moderation.verdicts import Action, Reason, ReasonCode, RuleHit, Verdict

_REJECT_MESSAGES = {CampaignKind.REJECTED_COPY.rule_id: Message.REJECTED_COPY_OF_REJECTED}


def campaign_reason(hit: RuleHit) -> Reason:
    if hit.action is Action.REJECT:
        message = _REJECT_MESSAGES.get(hit.rule_id, Message.REJECTED_COPY)
        return Reason.told(ReasonCode.CAMPAIGN, message, rule_id=hit.rule_id)
    return Reason.told(ReasonCode.CAMPAIGN, Message.HELD, rule_id=hit.rule_id)


def merge_campaign(verdict: Verdict, hits: tuple[RuleHit, ...], *, failed: bool = False) -> Verdict:
    """The verdict with the campaign hits (and a ``campaign_unavailable`` hold if the stage failed) folded in."""
    if not hits and not failed:
        return verdict
    findings = tuple((verdict.action, reason) for reason in verdict.reasons)
    findings += tuple((hit.action, campaign_reason(hit)) for hit in hits)
    if failed:
        findings += ((Action.HOLD, Reason.told(ReasonCode.CAMPAIGN_UNAVAILABLE, Message.HELD)),)
    action, reasons = decide(findings)
    if action.value < verdict.action.value:  # e.g. a FLAG without reasons: never weaken the pipeline's decision
        action, reasons = verdict.action, verdict.reasons
    return dataclasses.replace(verdict, action=action, reasons=reasons, hits=verdict.hits + hits)
