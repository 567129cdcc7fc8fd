"""Narrative hits: automaton and regex matches on the normalised text and its leetspeak fold, with dampers applied.

Each hit carries its damped ``weight``, the rule's ``raw_weight`` and the ``damper`` that applied; spans are
offsets into the reader's original text. Which action the hits lead to is the policy's call
(``policy.score_narratives``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from moderation.filters.dampers import Context
from moderation.filters.matching import Match
from moderation.filters.normalize import Normalized
from moderation.filters.ruleset import Ruleset
from moderation.verdicts import Action, RuleHit

LEET_NOTE = "found after folding leetspeak"


@dataclass(frozen=True)
class Scan:
    """All matches of one comment: narrative matches (``leet`` ones only found in the leetspeak fold) and debunks."""

    matches: tuple[Match, ...]
    leet: frozenset[Match]
    debunks: tuple[Match, ...]


def scan(normalized: Normalized, ruleset: Ruleset) -> Scan:
    plain = ruleset.matcher.scan(normalized.text)
    extra: list[Match] = []
    if normalized.leet != normalized.text:
        seen = set(plain)
        extra = [m for m in ruleset.matcher.scan(normalized.leet) if m not in seen]
    every = plain + extra
    narrative = tuple(m for m in every if m.kind != "debunk")
    debunks = tuple(m for m in every if m.kind == "debunk")
    return Scan(narrative, frozenset(m for m in extra if m.kind != "debunk"), debunks)


def narrative_hits(normalized: Normalized, ruleset: Ruleset, found: Scan) -> list[RuleHit]:
    """One hit per match, damped by its context; overlapping hits of one rule merged."""
    if not found.matches:
        return []
    context = Context(normalized.text, found.debunks, ruleset.dampers, ruleset.quote_pattern, ruleset.negation_pattern)
    hits = [_hit(normalized, ruleset, context, m, m in found.leet) for m in found.matches]
    return _merged(hits, normalized.original)


def _hit(normalized: Normalized, ruleset: Ruleset, context: Context, match: Match, leet: bool) -> RuleHit:
    rule = ruleset.narratives[match.target]
    damping = context.damping(match.start, match.end, ruleset.debunk_terms, inside=match.kind == "regex")
    start, end = normalized.original_span(match.start, match.end)
    note = rule.reference
    if damping.label:
        note += f"; weight {rule.weight:g} damped ×{damping.factor:.2f} ({damping.label})"
    if leet:
        note += f"; {LEET_NOTE}"
    return RuleHit(
        rule_id=rule.rule_id,
        action=Action.FLAG,  # placeholder: the policy sets the action from the whole comment's score
        start=start,
        end=end,
        match=normalized.original[start:end],
        weight=round(rule.weight * damping.factor, 4),
        note=note,
        raw_weight=rule.weight,
        damper=damping.label,
    )


def _merged(hits: list[RuleHit], original: str) -> list[RuleHit]:
    """Overlapping hits of one rule become one hit over their union, with the strongest weight and its damper."""
    hits.sort(key=lambda h: (h.rule_id, h.start, -h.end))
    merged: list[RuleHit] = []
    for hit in hits:
        last = merged[-1] if merged else None
        if last is None or last.rule_id != hit.rule_id or hit.start >= last.end:
            merged.append(hit)
            continue
        strongest = last if last.weight >= hit.weight else hit
        end = max(last.end, hit.end)
        merged[-1] = replace(strongest, start=last.start, end=end, match=original[last.start : end])
    return sorted(merged, key=lambda h: (h.start, h.rule_id))


def is_leet(hit: RuleHit) -> bool:
    return hit.note.endswith(LEET_NOTE)
