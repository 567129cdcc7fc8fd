"""The decision policy: rule hits and toxicity scores in, one action with its reasons out (pure).

| what | action |
|---|---|
| link to an outlet under EU broadcasting sanctions (Reg. 833/2014 Art. 2f) | REJECT |
| ... the same, but the comment carries a debunk term (it cites the outlet to refute it) | HOLD |
| sanctioned domain named in prose or obfuscated (``rt[.]com``) | HOLD |
| link on the hold list (non-sanctioned state media, URL shorteners, Telegram) | HOLD |
| look-alike of a protected media domain (typo, look-alike letters, other suffix, hyphen tricks) | HOLD |
| narrative score ≥ ``hold_threshold`` of the rule file | HOLD |
| text disguised (look-alike letters or invisible splits inside words, leetspeak) + any narrative hit | HOLD |
| narrative score ≥ ``flag_threshold`` (e.g. one weak narrative, or a strong one quoted) | FLAG: published, marked |
| narrative hits damped below ``flag_threshold`` (quoted *and* debunked) | PUBLISH, hits recorded |
| hits handed in by other rule stages (``campaign.*``) | their own action |
| toxicity label score ≥ its ``reject`` / ``hold`` threshold | REJECT / HOLD |

The *narrative score* is the sum, over rule ids, of each id's strongest damped weight: one phrase repeated does
not add up, two different narratives do. Dampers (quotes, nearby debunk words) multiply a hit's weight by their
factors (see ``dampers``). The strongest action wins (reject > hold > flag > publish) and the reasons returned are
exactly those that asked for it; every reason carries a German message for the reader, chosen by rule-id prefix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from moderation.messages import Message
from moderation.verdicts import Action, Reason, ReasonCode, RuleHit

#: Reader messages by rule-id prefix, most specific first; anything else gets the action's default.
MESSAGES: dict[Action, tuple[tuple[str, Message], ...]] = {
    Action.REJECT: (
        ("link.sanctioned.", Message.REJECTED_SANCTIONED),
        ("campaign.", Message.REJECTED_COPY),
        ("link.", Message.REJECTED_LINK),
        ("", Message.REJECTED_RULES),
    ),
    Action.HOLD: (
        ("link.sanctioned.", Message.HELD_SANCTIONED),
        ("link.lookalike.", Message.HELD_LOOKALIKE),
        ("link.", Message.HELD_LINK),
        ("", Message.HELD),
    ),
    Action.FLAG: (("", Message.PUBLISHED),),
}


def toxicity_reasons(
    scores: Mapping[str, float], thresholds: Mapping[str, Mapping[str, float]]
) -> tuple[tuple[Action, Reason], ...]:
    """Each label at or above its hold or reject threshold yields an action and a reason naming the label."""
    found: list[tuple[Action, Reason]] = []
    for label, score in sorted(scores.items()):
        levels = thresholds.get(label, {})
        action = Action.PUBLISH
        if score >= levels.get("reject", 2.0):
            action = Action.REJECT
        elif score >= levels.get("hold", 2.0):
            action = Action.HOLD
        if action is not Action.PUBLISH:
            key = Message.REJECTED_TOXICITY if action is Action.REJECT else Message.HELD
            found.append((action, Reason.told(ReasonCode.TOXICITY, key, label=label, score=round(score, 4))))
    return tuple(found)


def narrative_score(hits: tuple[RuleHit, ...] | list[RuleHit]) -> float:
    """Sum over rule ids of each id's strongest (damped) weight."""
    strongest: dict[str, float] = {}
    for hit in hits:
        strongest[hit.rule_id] = max(strongest.get(hit.rule_id, 0.0), hit.weight)
    return round(sum(strongest.values()), 4)


def narrative_action(score: float, *, hold_threshold: float, flag_threshold: float, disguised: bool) -> Action:
    if score >= hold_threshold or (disguised and score > 0):
        return Action.HOLD
    if score >= flag_threshold and score > 0:
        return Action.FLAG
    return Action.PUBLISH


def score_narratives(
    hits: tuple[RuleHit, ...] | list[RuleHit], *, hold_threshold: float, flag_threshold: float, disguised: bool
) -> tuple[RuleHit, ...]:
    """Give every narrative hit the action the whole comment's narrative score leads to."""
    if not hits:
        return ()
    action = narrative_action(
        narrative_score(hits), hold_threshold=hold_threshold, flag_threshold=flag_threshold, disguised=disguised
    )
    return tuple(replace(hit, action=action) for hit in hits)


def reader_message(action: Action, rule_id: str) -> Message:
    """The catalogue message a reader is told for a hit of ``rule_id`` asking for ``action``."""
    return next(message for prefix, message in MESSAGES[action] if rule_id.startswith(prefix))


def rule_reasons(hits: tuple[RuleHit, ...]) -> tuple[tuple[Action, Reason], ...]:
    """One reason per hit that asks for more than publishing, with the reader message for its rule-id prefix."""
    return tuple(
        (hit.action, Reason.told(ReasonCode.RULE, reader_message(hit.action, hit.rule_id), rule_id=hit.rule_id))
        for hit in hits
        if hit.action is not Action.PUBLISH
    )


def decide(findings: tuple[tuple[Action, Reason], ...]) -> tuple[Action, tuple[Reason, ...]]:
    """The strongest action wins; the reasons returned are exactly those that asked for it."""
    if not findings:
        return Action.PUBLISH, ()
    strongest = max(action.value for action, _ in findings)
    reasons = tuple(dict.fromkeys(r for a, r in findings if a.value == strongest))
    return Action(strongest), reasons
