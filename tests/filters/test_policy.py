"""The decision policy (pure): toxicity thresholds, narrative scoring, reader messages, the strongest action."""

from __future__ import annotations

import pytest

from moderation.filters.policy import (
    decide,
    narrative_action,
    narrative_score,
    rule_reasons,
    score_narratives,
    toxicity_reasons,
)
from moderation.messages import Message, text
from moderation.settings import DEFAULT_THRESHOLDS
from moderation.verdicts import Action, RuleHit


def hit(rule_id: str, weight: float = 1.0, action: Action = Action.FLAG) -> RuleHit:
    return RuleHit(rule_id, action, 0, 3, "abc", weight)


@pytest.mark.parametrize(
    ("scores", "action", "labels"),
    [
        ({"toxicity": 0.1, "insult": 0.1}, Action.PUBLISH, set()),
        ({"toxicity": 0.5, "insult": 0.1}, Action.HOLD, {"toxicity"}),
        ({"toxicity": 0.96, "insult": 0.6}, Action.REJECT, {"toxicity"}),
        ({"threat": 0.85}, Action.REJECT, {"threat"}),
        ({"unknown_label": 0.99}, Action.PUBLISH, set()),
    ],
)
def test_toxicity_thresholds(scores: dict[str, float], action: Action, labels: set[str]) -> None:
    decided, reasons = decide(toxicity_reasons(scores, DEFAULT_THRESHOLDS))
    assert decided is action
    assert {r.label for r in reasons} == labels


def test_strongest_action_wins_and_keeps_only_its_reasons() -> None:
    hits = (
        RuleHit("narrative.x", Action.HOLD, 0, 3, "abc"),
        RuleHit("link.sanctioned.rt", Action.REJECT, 4, 10, "rt.com"),
    )
    findings = rule_reasons(hits) + toxicity_reasons({"insult": 0.6}, DEFAULT_THRESHOLDS)
    action, reasons = decide(findings)
    assert action is Action.REJECT
    assert [r.rule_id for r in reasons] == ["link.sanctioned.rt"]


@pytest.mark.parametrize(
    ("weights", "score"),
    [
        ({"narrative.a": [1.0]}, 1.0),
        ({"narrative.a": [0.6, 0.6, 0.6]}, 0.6),  # one narrative repeated does not add up
        ({"narrative.a": [0.6], "narrative.b": [0.6]}, 1.2),
        ({"narrative.a": [0.4, 0.12]}, 0.4),
    ],
)
def test_narrative_score_sums_the_strongest_hit_per_rule(weights: dict[str, list[float]], score: float) -> None:
    hits = [hit(rule_id, w) for rule_id, ws in weights.items() for w in ws]
    assert narrative_score(hits) == pytest.approx(score)


@pytest.mark.parametrize(
    ("score", "disguised", "action"),
    [
        (1.0, False, Action.HOLD),
        (1.2, False, Action.HOLD),
        (0.6, False, Action.FLAG),
        (0.3, False, Action.FLAG),
        (0.12, False, Action.PUBLISH),
        (0.12, True, Action.HOLD),
        (0.0, True, Action.PUBLISH),
    ],
)
def test_narrative_action_table(score: float, disguised: bool, action: Action) -> None:
    assert narrative_action(score, hold_threshold=1.0, flag_threshold=0.3, disguised=disguised) is action


def test_score_narratives_gives_every_hit_the_comments_action() -> None:
    scored = score_narratives(
        [hit("narrative.a", 0.6), hit("narrative.b", 0.6)], hold_threshold=1.0, flag_threshold=0.3, disguised=False
    )
    assert {h.action for h in scored} == {Action.HOLD}
    assert score_narratives([], hold_threshold=1.0, flag_threshold=0.3, disguised=True) == ()


@pytest.mark.parametrize(
    ("rule_id", "action", "message"),
    [
        ("link.sanctioned.rt", Action.REJECT, text(Message.REJECTED_SANCTIONED)),
        ("link.sanctioned.rt.mention", Action.HOLD, text(Message.HELD_SANCTIONED)),
        ("link.lookalike.spiegel-de", Action.HOLD, text(Message.HELD_LOOKALIKE)),
        ("link.hold.shortener", Action.HOLD, text(Message.HELD_LINK)),
        ("campaign.copy_paste", Action.REJECT, text(Message.REJECTED_COPY)),
        ("campaign.url_push", Action.HOLD, text(Message.HELD)),
        ("narrative.kyiv-regime", Action.HOLD, text(Message.HELD)),
        ("narrative.kyiv-regime", Action.FLAG, text(Message.PUBLISHED)),
        ("narrative.newsroom-decided-to-reject", Action.REJECT, text(Message.REJECTED_RULES)),
        ("something.else", Action.REJECT, text(Message.REJECTED_RULES)),
    ],
)
def test_every_hit_gets_a_german_reader_message_by_rule_id_prefix(rule_id: str, action: Action, message: str) -> None:
    [(found_action, reason)] = rule_reasons((hit(rule_id, action=action),))
    assert found_action is action
    assert (reason.code, reason.rule_id, reason.message) == ("rule", rule_id, message)


def test_hits_that_only_record_ask_for_nothing() -> None:
    assert rule_reasons((hit("narrative.x", 0.1, Action.PUBLISH),)) == ()


def test_flagged_comment_is_published_with_its_reasons() -> None:
    action, reasons = decide(rule_reasons((hit("narrative.x", 0.6, Action.FLAG),)))
    assert action is Action.FLAG
    assert [r.rule_id for r in reasons] == ["narrative.x"]
