"""What the shadow-mode watched words would change if enforced, replayed over stored comments (pure).

Each stored comment is decided twice with the rule file in force and its stored toxicity scores: once with the
watched words as they are enforced now, once with the shadow entries enforced too. Moderators see how many
comments would move (e.g. published -> held) and which, before switching an entry from shadow to enforce.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from moderation.filters.backtest import Change, Report, StoredComment
from moderation.filters.policy import decide, rule_reasons, toxicity_reasons
from moderation.filters.rules import Ruleset, evaluate
from moderation.verdicts import Action, Reason
from moderation.watchwords.wordlist import Mode, Wordlist


def enforcing_shadow(wordlist: Wordlist) -> Wordlist:
    """The same list with every shadow entry enforced."""
    entries = tuple(dataclasses.replace(entry, mode=Mode.ENFORCE) for entry in wordlist.entries)
    return Wordlist.compile(entries, wordlist.version + "+shadow", wordlist.allow)


def decide_with(ruleset: Ruleset, wordlist: Wordlist, comment: StoredComment) -> tuple[Action, tuple[str, ...]]:
    hits = evaluate(comment.body, ruleset) + wordlist.evaluate(comment.body).hits
    findings: tuple[tuple[Action, Reason], ...] = rule_reasons(hits)
    if comment.scores:
        findings += toxicity_reasons(comment.scores, comment.thresholds or {})
    rule_ids = tuple(dict.fromkeys(hit.rule_id for hit in hits if hit.action is not Action.PUBLISH))
    return decide(findings)[0], rule_ids


def backtest_shadow(
    comments: Iterable[StoredComment], ruleset: Ruleset, wordlist: Wordlist, *, keep: int = 20
) -> Report:
    candidate = enforcing_shadow(wordlist)
    report = Report()
    for comment in comments:
        before, _ = decide_with(ruleset, wordlist, comment)
        after, rule_ids = decide_with(ruleset, candidate, comment)
        report.total += 1
        report.transitions[(before, after)] += 1
        if before is not after and len(report.changes) < keep:
            report.changes.append(Change(comment.comment_id, before, after, rule_ids))
    return report
