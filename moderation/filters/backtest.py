"""Replaying stored comments through two rule sets: what would a candidate rule set change? (pure)

Each comment is decided twice, by the enforced and by the candidate rule set, each time with the comment's
stored toxicity scores at its stored thresholds, so a change in the result comes from the rules alone.
Moderator decisions are not replayed; comments rejected by a rule before scoring have no scores to replay.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from moderation.filters.policy import decide, rule_reasons, toxicity_reasons
from moderation.filters.rules import evaluate
from moderation.filters.ruleset import Ruleset
from moderation.verdicts import Action, Reason, RuleHit

_SINCE = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class StoredComment:
    comment_id: int
    body: str
    scores: Mapping[str, float] | None
    thresholds: Mapping[str, Mapping[str, float]] | None


@dataclass(frozen=True)
class Change:
    comment_id: int
    before: Action
    after: Action
    rule_ids: tuple[str, ...]


@dataclass
class Report:
    total: int = 0
    transitions: Counter[tuple[Action, Action]] = field(default_factory=Counter)
    changes: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(n for (before, after), n in self.transitions.items() if before is not after)


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """``30d``, ``12h``, ``2w``, ``90m`` before now, or an ISO date/time (UTC when no zone is given)."""
    now = now or datetime.now(UTC)
    match = _SINCE.match(value.strip())
    if match:
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(f"expected e.g. 30d, 12h, 2w or 2026-11-01, got {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def decide_with(
    ruleset: Ruleset, comment: StoredComment, extra_hits: tuple[RuleHit, ...] = ()
) -> tuple[Action, tuple[str, ...]]:
    """The action for one stored comment under ``ruleset`` (enforced as if its mode were "enforce"), with the hits
    of other rule stages (the watched words) in ``extra_hits``."""
    hits = evaluate(comment.body, ruleset) + extra_hits
    findings: tuple[tuple[Action, Reason], ...] = rule_reasons(hits)
    if comment.scores:
        findings += toxicity_reasons(comment.scores, comment.thresholds or {})
    rule_ids = tuple(dict.fromkeys(hit.rule_id for hit in hits if hit.action is not Action.PUBLISH))
    return decide(findings)[0], rule_ids


Decide = Callable[[StoredComment], tuple[Action, tuple[str, ...]]]


def replay(comments: Iterable[StoredComment], before: Decide, after: Decide, *, keep: int = 20) -> Report:
    """Counts of (action before, action after) and the first ``keep`` comments whose action changes, named by the
    rules that asked for the new action (or, when the change comes from rules dropped, the old one)."""
    report = Report()
    for comment in comments:
        was, old_rules = before(comment)
        now, rule_ids = after(comment)
        report.total += 1
        report.transitions[(was, now)] += 1
        if was is not now and len(report.changes) < keep:
            report.changes.append(Change(comment.comment_id, was, now, rule_ids or old_rules))
    return report


def backtest(comments: Iterable[StoredComment], enforced: Ruleset, candidate: Ruleset, *, keep: int = 20) -> Report:
    """The enforced rule set against a candidate, over stored comments."""
    return replay(
        comments,
        lambda comment: decide_with(enforced, comment),
        lambda comment: decide_with(candidate, comment),
        keep=keep,
    )


def stored(row: Any) -> StoredComment:
    comment_id, body, scores, thresholds = row
    return StoredComment(comment_id, body, scores, thresholds)
