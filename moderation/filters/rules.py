"""The rule stage: links, narratives and the policy's narrative scoring, for one comment (pure).

``evaluate(text, ruleset)`` is what the pipeline runs: links are read from the original text, narratives from
the normalised text and its leetspeak fold (one automaton pass each), and every hit comes back with its action,
its span in the original text and its (damped) weight. Loading and validation live in ``ruleset``, matching in
``matching``/``narratives``, links in ``links``/``lookalike``, actions in ``policy``.
"""

from __future__ import annotations

from dataclasses import replace

from moderation.filters.links import DomainRule, check_hosts, fold_host
from moderation.filters.narratives import Scan, is_leet, narrative_hits, scan
from moderation.filters.normalize import Normalized, normalize
from moderation.filters.policy import score_narratives
from moderation.filters.ruleset import DEFAULT_RULESET, Ruleset, RulesetError, RulesetHolder, load_ruleset
from moderation.verdicts import Action, RuleHit

__all__ = [
    "DEFAULT_RULESET",
    "DomainRule",
    "Ruleset",
    "RulesetError",
    "RulesetHolder",
    "check_links",
    "check_narratives",
    "evaluate",
    "fold_host",
    "load_ruleset",
]


def evaluate(text: str, ruleset: Ruleset) -> tuple[RuleHit, ...]:
    """All rule hits of one comment, link hits first, each with the action the policy gives it."""
    normalized = normalize(text)
    found = scan(normalized, ruleset)
    links = _damp_links(check_links(text, ruleset), found, ruleset)
    return links + check_narratives(normalized, ruleset, found)


def check_links(text: str, ruleset: Ruleset) -> tuple[RuleHit, ...]:
    """Link hits read from the original text (before normalisation would merge them with surrounding words)."""
    return check_hosts(text, ruleset.sanctioned, ruleset.hold, ruleset.lookalikes)


def check_narratives(normalized: Normalized, ruleset: Ruleset, found: Scan | None = None) -> tuple[RuleHit, ...]:
    """Narrative hits with the action of the comment's narrative score (disguised text holds on any hit)."""
    found = found if found is not None else scan(normalized, ruleset)
    hits = narrative_hits(normalized, ruleset, found)
    return score_narratives(
        hits,
        hold_threshold=ruleset.scoring.hold_threshold,
        flag_threshold=ruleset.scoring.flag_threshold,
        disguised=normalized.disguised or any(is_leet(hit) for hit in hits),
    )


def _damp_links(hits: tuple[RuleHit, ...], found: Scan, ruleset: Ruleset) -> tuple[RuleHit, ...]:
    """A sanctioned link in a comment that carries a debunk term may be a citation: held for a human, not rejected."""
    if not found.debunks or not any(hit.action is Action.REJECT for hit in hits):
        return hits
    term = ruleset.debunk_terms[found.debunks[0].target]
    return tuple(
        replace(
            hit,
            action=Action.HOLD,
            damper=f"debunk:{term}",
            note=f"{hit.note}; held instead of rejected: the comment carries the debunk term '{term}'",
        )
        if hit.action is Action.REJECT and hit.rule_id.startswith("link.sanctioned.")
        else hit
        for hit in hits
    )
