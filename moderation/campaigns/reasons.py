"""Campaign hits merged into the pipeline's verdict, with the reader-facing reasons (pure).

The rule stage's ``policy.rule_reasons`` words its messages for link and narrative rules; campaign hits get their
own German messages here, and the merge follows ``policy.decide``: the strongest action wins, and the reasons kept
are exactly those that asked for it.
"""

from __future__ import annotations

import dataclasses

from moderation.filters.policy import HOLD_MESSAGE, decide
from moderation.filters.verdicts import Action, Reason, RuleHit, Verdict

CAMPAIGN = "campaign"
#: The campaign stage failed; the comment is held for a human instead of going out unchecked.
CAMPAIGN_UNAVAILABLE = "campaign_unavailable"
COPY_MESSAGE = "Ihr Kommentar gleicht zahlreichen anderen Beiträgen und wird nicht veröffentlicht."
REJECTED_COPY_MESSAGE = (
    "Ihr Kommentar gleicht einem Beitrag, den unsere Moderation abgelehnt hat, und wird nicht veröffentlicht."
)
_REJECT_MESSAGES = {"campaign.rejected_copy": REJECTED_COPY_MESSAGE}


def campaign_reason(hit: RuleHit) -> Reason:
    if hit.action is Action.REJECT:
        return Reason(CAMPAIGN, _REJECT_MESSAGES.get(hit.rule_id, COPY_MESSAGE), rule_id=hit.rule_id)
    return Reason(CAMPAIGN, HOLD_MESSAGE, rule_id=hit.rule_id)


def merge_campaign(verdict: Verdict, hits: tuple[RuleHit, ...], *, failed: bool = False) -> Verdict:
    """The verdict with the campaign hits (and a ``campaign_unavailable`` hold if the stage failed) folded in."""
    if not hits and not failed:
        return verdict
    findings = tuple((verdict.action, reason) for reason in verdict.reasons)
    findings += tuple((hit.action, campaign_reason(hit)) for hit in hits)
    if failed:
        findings += ((Action.HOLD, Reason(CAMPAIGN_UNAVAILABLE, HOLD_MESSAGE)),)
    action, reasons = decide(findings)
    if action.value < verdict.action.value:  # e.g. a FLAG without reasons: never weaken the pipeline's decision
        action, reasons = verdict.action, verdict.reasons
    return dataclasses.replace(verdict, action=action, reasons=reasons, hits=verdict.hits + hits)
