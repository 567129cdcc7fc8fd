"""What the shadow-mode watched words would change if enforced, replayed over stored comments (pure).

Each stored comment is decided twice with the rule file in force and its stored toxicity scores: once with the
watched words as they are enforced now, once with the shadow entries enforced too. Moderators see how many
comments would move (e.g. published -> held) and which, before switching an entry from shadow to enforce.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from moderation.filters.backtest import Report, StoredComment, decide_with, replay
from moderation.filters.rules import Ruleset
from moderation.watchwords.wordlist import Mode, Wordlist


def enforcing_shadow(wordlist: Wordlist) -> Wordlist:
    """The same list with every shadow entry enforced."""
    entries = tuple(dataclasses.replace(entry, mode=Mode.ENFORCE) for entry in wordlist.entries)
    return Wordlist.compile(entries, wordlist.version + "+shadow", wordlist.allow)


def backtest_shadow(
    comments: Iterable[StoredComment], ruleset: Ruleset, wordlist: Wordlist, *, keep: int = 20
) -> Report:
    candidate = enforcing_shadow(wordlist)
    return replay(
        comments,
        lambda comment: decide_with(ruleset, comment, wordlist.evaluate(comment.body).hits),
        lambda comment: decide_with(ruleset, comment, candidate.evaluate(comment.body).hits),
        keep=keep,
    )
