"""Phrase matching: every literal phrase and stem of a rule set in ONE Aho–Corasick automaton, plus re2 patterns.

Phrases are written in a small language (see ``parse_phrase``): words separated by spaces or hyphens, ``*`` at
the end of a word for any inflected ending (``entnazifizier*``), ``*`` before the first word to match inside a
compound (``*biolabor*``), and ``-?`` for an optional separator (``gay-?europ*``). The automaton holds each
phrase's literal *key* (its text up to the first ``*`` or optional separator); a key found in the text is
verified against the rest of the phrase and word boundaries in Python, which only runs on candidate hits.

Matching sees a *view* of the normalised text in which every run of spaces, hyphens, dashes and underscores is
one space, so "NATO-Osterweiterung", "NATO  Osterweiterung" and "nato osterweiterung" look alike; view offsets
map back to the normalised text (and from there, through ``Normalized``, to the reader's original text).

Moderator-written ``regex`` patterns are compiled with google-re2 (linear time: no pattern can blow up the CPU)
and run on the normalised text itself, behind one ``re2.Set`` pass that says which of them can match at all.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

import ahocorasick
import re2

from moderation.filters.normalize import normalize

MIN_KEY_LENGTH = 3
MAX_MATCHES = 100
_SEP = re.compile(r"[\s\-\u2010-\u2015\u2212_]+")
_PHRASE_TOKEN = re.compile(r"(?P<sep>[\s\-\u2010-\u2015_]+)(?P<opt>\?)?|(?P<word>\*?[^\s\-\u2010-\u2015_*?]+\*?)")
_INNER_STAR = re.compile(r"[^\s\-\u2010-\u2015_*?]\*[^\s\-\u2010-\u2015_*?]")
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False

Step = tuple[str, str]  # ("lit", text) | ("star", "") | ("sep", "") | ("optsep", "")


@dataclass(frozen=True)
class Pattern:
    """A parsed phrase: the automaton ``key`` and the ``steps`` that must follow it."""

    source: str
    key: str
    steps: tuple[Step, ...]
    open_start: bool = False


@dataclass(frozen=True)
class Match:
    """A verified occurrence in normalised-text offsets; ``kind`` is "phrase", "regex" or "debunk"."""

    kind: str
    target: int
    start: int
    end: int


def fold(text: str) -> str:
    """Phrases are folded exactly like comments (NFKC, casefold, look-alike letters) before matching."""
    return normalize(text).text


def parse_phrase(phrase: str) -> Pattern:
    """Parse one phrase; ``ValueError`` says what is wrong with it."""
    folded = fold(phrase).strip()
    if _INNER_STAR.search(folded):
        raise ValueError("'*' may only stand at the start or end of a word")
    words, seps = _tokens(folded)
    steps: list[Step] = []
    for position, word in enumerate(words):
        if position:
            steps.append((seps[position - 1], ""))
        if word.startswith("*") and position:
            raise ValueError("a leading '*' is only allowed on the first word")
        literal = word.strip("*")
        steps.append(("lit", literal))
        if word.endswith("*"):
            steps.append(("star", ""))
    return _with_key(folded, steps, open_start=words[0].startswith("*"))


def _tokens(folded: str) -> tuple[list[str], list[str]]:
    words: list[str] = []
    seps: list[str] = []
    position = 0
    while position < len(folded):
        token = _PHRASE_TOKEN.match(folded, position)
        if token is None:
            raise ValueError(f"unexpected {folded[position]!r} at column {position + 1}")
        if token.group("word"):
            if len(words) > len(seps):
                raise ValueError("two words need a separator between them")
            words.append(token.group("word"))
        else:
            if len(seps) >= len(words):
                raise ValueError("a phrase must start and end with a word")
            seps.append("optsep" if token.group("opt") else "sep")
        position = token.end()
    if not words or len(seps) >= len(words):
        raise ValueError("a phrase must start and end with a word")
    return words, seps


def _with_key(source: str, steps: list[Step], *, open_start: bool) -> Pattern:
    """The key is the literal prefix up to the first wildcard or optional separator."""
    key = ""
    index = 0
    while index < len(steps) and steps[index][0] in ("lit", "sep"):
        if steps[index][0] == "sep" and (index + 1 >= len(steps) or steps[index + 1][0] != "lit"):
            break
        key += steps[index][1] if steps[index][0] == "lit" else " "
        index += 1
    if len(key.replace(" ", "")) < MIN_KEY_LENGTH:
        raise ValueError(f"needs at least {MIN_KEY_LENGTH} letters before the first '*' or optional separator")
    return Pattern(source, key, tuple(steps[index:]), open_start)


def compile_regex(pattern: str) -> Any:
    """A moderator pattern, compiled by re2 (no backreferences or look-around; linear-time matching)."""
    try:
        return re2.compile(pattern, options=_RE2_OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise ValueError(f"re2 cannot compile it: {reason}") from exc


class _View:
    """``source`` with separator runs collapsed to one space; maps view offsets back to ``source`` offsets."""

    __slots__ = ("_shifts", "_starts", "source", "text")

    def __init__(self, source: str) -> None:
        self.source = source
        self.text = _SEP.sub(" ", source)
        self._starts: list[int] | None = None
        self._shifts: list[int] = []

    def span(self, start: int, end: int) -> tuple[int, int]:
        if len(self.text) == len(self.source):
            return start, end
        return self._to_source(start), self._to_source(end - 1) + 1

    def _to_source(self, position: int) -> int:
        if self._starts is None:
            self._starts, shift = [], 0
            for run in _SEP.finditer(self.source):
                if run.end() - run.start() > 1:
                    self._starts.append(run.start() - shift + 1)
                    shift += run.end() - run.start() - 1
                    self._shifts.append(shift)
        index = bisect_right(self._starts, position)
        return position + (self._shifts[index - 1] if index else 0)


def _is_word(char: str) -> bool:
    return char.isalnum()


class Matcher:
    """The compiled automaton and re2 patterns of one rule set (built once at load)."""

    def __init__(
        self,
        phrases: Sequence[tuple[int, Pattern]],
        debunk: Sequence[tuple[int, Pattern]],
        regexes: Sequence[tuple[int, Any]],
    ) -> None:
        by_key: dict[str, list[tuple[str, int, Pattern]]] = {}
        for kind, items in (("phrase", phrases), ("debunk", debunk)):
            for target, pattern in items:
                by_key.setdefault(pattern.key, []).append((kind, target, pattern))
        self.automaton: Any = ahocorasick.Automaton()
        for key, values in by_key.items():
            self.automaton.add_word(key, tuple(values))
        if by_key:
            self.automaton.make_automaton()
        self.pattern_count = len(phrases) + len(debunk)
        self.regexes = tuple(regexes)
        self._set: Any = None
        if regexes:
            self._set = re2.Set.SearchSet(_RE2_OPTIONS)
            for _, compiled in regexes:
                self._set.Add(compiled.pattern)
            self._set.Compile()

    def scan(self, text: str) -> list[Match]:
        """Verified phrase, debunk-term and regex matches in ``text`` (normalised-text offsets).

        At most ``MAX_MATCHES`` of each kind: a comment repeating one phrase a thousand times needs no more to be
        scored, and the cap bounds the work a crafted comment can cause.
        """
        found = list(islice(self._phrases(_View(text)), MAX_MATCHES)) if self.pattern_count else []
        if self._set is not None and self._set.Match(text):
            found.extend(islice(self._regex_matches(text), MAX_MATCHES))
        return found

    def _phrases(self, view: _View) -> Iterator[Match]:
        text = view.text
        for last, values in self.automaton.iter(text):
            for kind, target, pattern in values:
                start = last + 1 - len(pattern.key)
                span = _verify(text, start, last + 1, pattern)
                if span is not None:
                    yield Match(kind, target, *view.span(*span))

    def _regex_matches(self, text: str) -> Iterator[Match]:
        """Matches that begin at the start of a word ("nazi" inside "Entnazifizierung" is none)."""
        for index in self._set.Match(text) or ():
            target, compiled = self.regexes[index]
            for found in compiled.finditer(text):
                start, end = found.span()
                if end > start and not (start and _is_word(text[start - 1]) and _is_word(text[start])):
                    yield Match("regex", target, start, end)


def _verify(text: str, start: int, end: int, pattern: Pattern) -> tuple[int, int] | None:
    """Check boundaries and the steps after the key; returns the full view span or None."""
    if pattern.open_start:
        while start > 0 and _is_word(text[start - 1]):
            start -= 1
    elif start > 0 and _is_word(text[start - 1]):
        return None
    position, length = end, len(text)
    for op, literal in pattern.steps:
        if op == "lit":
            if not text.startswith(literal, position):
                return None
            position += len(literal)
        elif op == "star":
            while position < length and _is_word(text[position]):
                position += 1
        elif position < length and text[position] == " ":
            position += 1
        elif op == "sep":
            return None
    if position < length and _is_word(text[position]) and position > 0 and _is_word(text[position - 1]):
        return None
    return start, position
