"""The decision policy: rule hits and toxicity scores in, one action with its reasons out (pure)."""

from __future__ import annotations

from collections.abc import Mapping

from moderation.filters.verdicts import Action, Reason, RuleHit

LABEL_NAMES_DE = {
    "toxicity": "toxische Sprache",
    "severe_toxicity": "schwer toxische Sprache",
    "obscene": "Obszönität",
    "threat": "Drohung",
    "insult": "Beleidigung",
    "identity_attack": "Angriff auf eine Gruppe",
    "sexual_explicit": "sexuell explizite Sprache",
}
HOLD_MESSAGE = "Ihr Kommentar wird vor der Veröffentlichung von unserer Moderation geprüft."
SANCTIONED_MESSAGE = (
    "Ihr Kommentar verlinkt ein Medium, dessen Inhalte in der EU sanktioniert sind, und kann nicht "
    "veröffentlicht werden."
)


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
            name = LABEL_NAMES_DE.get(label, label)
            message = (
                f"Ihr Kommentar verstößt gegen unsere Diskussionsregeln ({name})."
                if action is Action.REJECT
                else HOLD_MESSAGE
            )
            found.append((action, Reason("toxicity", message, label=label, score=round(score, 4))))
    return tuple(found)


def rule_reasons(hits: tuple[RuleHit, ...]) -> tuple[tuple[Action, Reason], ...]:
    found: list[tuple[Action, Reason]] = []
    for hit in hits:
        if hit.action is Action.REJECT:
            found.append((hit.action, Reason("rule", SANCTIONED_MESSAGE, rule_id=hit.rule_id)))
        elif hit.action is Action.HOLD:
            found.append((hit.action, Reason("rule", HOLD_MESSAGE, rule_id=hit.rule_id)))
    return tuple(found)


def decide(findings: tuple[tuple[Action, Reason], ...]) -> tuple[Action, tuple[Reason, ...]]:
    """The strongest action wins; the reasons returned are exactly those that asked for it."""
    if not findings:
        return Action.PUBLISH, ()
    strongest = max(action.value for action, _ in findings)
    reasons = tuple(dict.fromkeys(r for a, r in findings if a.value == strongest))
    return Action(strongest), reasons
