"""Merging campaign hits into the pipeline's verdict (pure): the strongest action wins, with exactly its reasons."""

from __future__ import annotations

from moderation.campaigns.reasons import merge_campaign
from moderation.messages import Message, text
from moderation.verdicts import Action, Reason, ReasonCode, RuleHit, Verdict

HOLD_MESSAGE = text(Message.HELD)
COPY_MESSAGE = text(Message.REJECTED_COPY)
MODEL_UNAVAILABLE = ReasonCode.MODEL_UNAVAILABLE
CAMPAIGN_UNAVAILABLE = ReasonCode.CAMPAIGN_UNAVAILABLE

PUBLISHED = Verdict(Action.PUBLISH, (), (), {"toxicity": 0.01}, "m", "r")
COPY = RuleHit("campaign.copy_paste", Action.REJECT, 0, 10, "x" * 10, 0.9, "note")
PUSH = RuleHit("campaign.url_push", Action.HOLD, 3, 8, "y" * 5, 3.0, "note")


def test_without_hits_the_verdict_is_unchanged() -> None:
    assert merge_campaign(PUBLISHED, ()) is PUBLISHED


def test_reject_beats_hold_and_keeps_only_its_reasons() -> None:
    merged = merge_campaign(PUBLISHED, (PUSH, COPY))
    assert merged.action is Action.REJECT
    [reason] = merged.reasons
    assert reason == Reason.told(ReasonCode.CAMPAIGN, Message.REJECTED_COPY, rule_id="campaign.copy_paste")
    assert (reason.message, reason.message_key) == (COPY_MESSAGE, Message.REJECTED_COPY)
    assert merged.hits == (PUSH, COPY)


def test_a_hold_joins_the_pipelines_hold_reasons() -> None:
    held = Verdict(Action.HOLD, (Reason(MODEL_UNAVAILABLE, HOLD_MESSAGE),), (), None, None, "r")
    merged = merge_campaign(held, (PUSH,))
    assert merged.action is Action.HOLD
    assert [r.code for r in merged.reasons] == [MODEL_UNAVAILABLE, "campaign"]


def test_a_pipeline_reject_stays_a_reject() -> None:
    toxic = Verdict(
        Action.REJECT, (Reason(ReasonCode.TOXICITY, "nein", label="insult"),), (), {"insult": 0.99}, "m", "r"
    )
    assert merge_campaign(toxic, (PUSH,)).reasons == toxic.reasons


def test_failure_holds_what_would_have_been_published() -> None:
    merged = merge_campaign(PUBLISHED, (), failed=True)
    assert merged.action is Action.HOLD
    assert merged.reasons == (Reason.told(CAMPAIGN_UNAVAILABLE, Message.HELD),)
    assert merged.reasons[0].message == HOLD_MESSAGE
