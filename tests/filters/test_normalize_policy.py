"""The decision policy (pure functions); normalisation is tested in test_normalize.py."""

from __future__ import annotations

import pytest

from moderation.filters.policy import decide, rule_reasons, toxicity_reasons
from moderation.filters.verdicts import Action, RuleHit
from moderation.settings import DEFAULT_THRESHOLDS


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
