"""Context dampers: a narrative quoted, negated or next to a debunk word is probably discussed, not pushed.

Each lowers a hit's weight by a factor from the rule file (they multiply when several apply), so a quoted strong
narrative is flagged instead of held and a debunked one may not count at all, while a plain one still holds.

- quoted: the hit lies between an opening and its closing mark on one line (pairs such as ``"…"``, ``„…“``,
  ``«…»``, ``‚…‘``, and ``'…'`` only between word boundaries, so "Russia's" opens nothing);
- debunk: a debunk term (from the same automaton as the narratives) within ``window`` characters of the hit;
- negated: a negation word ("no", "not", "kein", "nicht", "не", "нет", ...) shortly before the hit in the same
  clause ("there was no coup in Kyiv", "Ukraine is not governed by a junta"). A negation inside the matched
  phrase itself ("Ukraine ist kein Staat") is part of the narrative and damps nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from moderation.filters.matching import Match

#: Default pairs (opening + closing character); the rule file may replace them.
DEFAULT_QUOTES = ('""', "„“", "„”", "“”", "”“", "«»", "»«", "‚‘", "‹›", "›‹", "「」", "''")
_MAX_QUOTE = 400
#: Default negations; "'" in a word also matches the typographic apostrophe.
DEFAULT_NEGATIONS = (
    "no", "not", "never", "nothing like", "neither", "nor", "isn't", "wasn't", "aren't", "weren't", "doesn't",
    "didn't", "don't", "hasn't", "haven't", "cannot", "can't", "kein", "keine", "keinen", "keinem", "keiner",
    "nicht", "nie", "niemals", "weder", "не", "нет", "никакого", "никакой", "никаких", "ни",
)  # fmt: skip
_CLAUSE_END = re.compile(r"[.!?;:,\n–—]")


@dataclass(frozen=True)
class DamperConfig:
    quote_factor: float = 0.4
    debunk_factor: float = 0.3
    window: int = 80
    quotes: tuple[str, ...] = DEFAULT_QUOTES
    negation_factor: float = 0.3
    negation_window: int = 30
    negations: tuple[str, ...] = DEFAULT_NEGATIONS

    def quote_pattern(self) -> re.Pattern[str]:
        """One regex for all pairs; an apostrophe pair only counts between word boundaries ("Russia's" is none)."""
        parts = []
        for pair in self.quotes:
            opening, closing = re.escape(pair[0]), re.escape(pair[1])
            body = f"[^{opening}{closing}\\n]{{1,{_MAX_QUOTE}}}"
            if pair == "''":
                parts.append(f"(?<!\\w){opening}(?=\\S){body}(?<=\\S){closing}(?!\\w)")
            else:
                parts.append(f"{opening}{body}{closing}")
        return re.compile("|".join(parts))

    def negation_pattern(self) -> re.Pattern[str]:
        """Whole words, casefolded; the last one before the hit counts."""
        words = {fold_word(w) for w in self.negations} | {fold_word(w).replace("'", "’") for w in self.negations}
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if words else re.compile(r"(?!)")


def fold_word(word: str) -> str:
    return " ".join(word.casefold().split())


def validate_quote_pair(pair: str) -> str:
    if len(pair) != 2 or any(char.isalnum() or char.isspace() for char in pair):
        raise ValueError("a quote pair is two punctuation characters: opening and closing mark")
    return pair


@dataclass(frozen=True)
class Damping:
    factor: float
    label: str | None


class Context:
    """The quoted segments and debunk terms of one comment (normalised-text offsets), computed on first use."""

    def __init__(
        self,
        text: str,
        debunks: Sequence[Match],
        config: DamperConfig,
        quotes: re.Pattern[str],
        negations: re.Pattern[str],
    ) -> None:
        self.text, self.debunks, self.config = text, debunks, config
        self._quotes, self._negations = quotes, negations
        self._segments: list[tuple[int, int]] | None = None

    def damping(self, start: int, end: int, terms: Sequence[str], *, inside: bool = False) -> Damping:
        """The factor for a hit at ``[start, end)``; ``terms`` names the debunk entries for the label.

        ``inside``: also look for a negation inside the hit (regex hits span free text: "Kyiv saw no coup").
        """
        factor, labels = 1.0, []
        if self._quoted(start, end):
            factor *= self.config.quote_factor
            labels.append("quoted")
        term = self._debunk_near(start, end)
        if term is not None:
            factor *= self.config.debunk_factor
            labels.append(f"debunk:{terms[term.target]}")
        negation = self._negated(start, end if inside else start)
        if negation is not None:
            factor *= self.config.negation_factor
            labels.append(f"negated:{negation}")
        return Damping(factor, "+".join(labels) or None)

    def _negated(self, start: int, end: int) -> str | None:
        """The negation word in the clause just before ``start`` (or up to ``end``), if any."""
        before = self.text[max(0, start - self.config.negation_window) : start]
        clause = _CLAUSE_END.split(before)[-1] + self.text[start:end]
        found = self._negations.findall(clause)
        return found[-1] if found else None

    def _quoted(self, start: int, end: int) -> bool:
        if self._segments is None:
            self._segments = [m.span() for m in self._quotes.finditer(self.text)] if self.config.quotes else []
        return any(first < start and end < last for first, last in self._segments)

    def _debunk_near(self, start: int, end: int) -> Match | None:
        window = self.config.window
        for term in self.debunks:
            overlaps = term.start < end and start < term.end
            if not overlaps and term.end >= start - window and term.start <= end + window:
                return term
        return None
