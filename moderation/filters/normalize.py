"""Text normalisation for matching, keeping a map back to the reader's original offsets.

Rules match on a folded form so that fullwidth or mathematical letters, zero-width splits, case games and
Cyrillic look-alikes inside Latin words do not evade them, while moderators still see the span the reader wrote.
Three passes, each one character in to one character out after the first (so all share ``starts``/``ends``):

1. per cluster: NFKC, casefold, invisible format characters dropped and counted;
2. per word: letters of a minority script folded to their look-alikes in the word's main script;
3. (``leet`` only) digits and symbols standing for letters inside words folded to those letters.

This runs on every comment: plain text (ASCII, or Latin with umlauts, punctuation, emoji) folds with one call
over the whole string, and only the characters that need it are walked one by one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from moderation.filters import confusables as cf
from moderation.filters.confusables import skeleton

__all__ = ["Normalized", "Span", "normalize", "skeleton"]

Span = tuple[int, int]

_SCRIPTS = {name: re.compile(f"[{body}]") for name, body in cf.SCRIPT_LETTERS.items()}
_TO_SCRIPT = {name: str.maketrans(mapping) for name, mapping in cf.TO_SCRIPT.items()}
_NON_LATIN = re.compile(f"[{cf.CYRILLIC}{cf.GREEK}]")
# A word is a run of letters, digits and combining marks (\w alone would split words at a stray mark).
_WORD_RUN = re.compile(r"[\w\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*")
# Zero-width joiners are orthography in other scripts, so splits only count between these.
_SPLIT_NEIGHBOUR = re.compile(f"(?=\\w)[0-9\u03bc{cf.LATIN}{cf.CYRILLIC}{cf.GREEK}]")

_LEET_TABLE = str.maketrans(cf.LEET)
_LEET_RUN = re.compile(r"[\w@$€|!]*")
# Finds a leet character next to a letter (or separated by "_"), starting at the rare leet characters.
_LEET_HINT = re.compile(r"[0-9@$€|](?:(?<=[^\W0-9][0-9@$€|])|[\d_]*[^\W\d_])|!(?<=[^\W\d_]!)(?=[^\W\d_])")
_LETTER = re.compile(r"[^\W\d_]")
_BANG = re.compile(r"(?<=[^\W\d_])!(?=[^\W\d_])")
_CACHE_LIMIT = 1 << 16  # distinct code points cached per table; bounds memory against code point floods


@dataclass(frozen=True)
class Normalized:
    original: str
    text: str
    #: ``starts[i]``/``ends[i]``: the original-text span of the cluster that produced ``text[i]`` (and ``leet[i]``).
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    format_chars_removed: int
    #: ``text`` with leetspeak folded inside words ("n4z1s" → "nazis"); same length as ``text``.
    leet: str = ""
    #: Original-text spans of words that mixed Latin/Cyrillic/Greek look-alikes before folding.
    mixed_script_words: tuple[Span, ...] = ()
    #: Original-text spans of words split by an invisible character between two letters.
    split_words: tuple[Span, ...] = ()

    def __post_init__(self) -> None:
        if not self.leet:  # built without a leet pass: leet matching then sees the plain folded text
            object.__setattr__(self, "leet", self.text)

    @property
    def disguised(self) -> bool:
        """Deliberate evasion rather than typography: a look-alike letter or an invisible split inside a word."""
        return bool(self.mixed_script_words or self.split_words)

    def original_span(self, start: int, end: int) -> Span:
        """Map a ``[start, end)`` span of the normalised text back to the original text."""
        return self.starts[start], self.ends[end - 1]


class _LazyTable(dict[int, str]):
    """A ``str.translate`` table filled on first sight of a code point, so import never scans all of Unicode."""

    def __init__(self, compute: Callable[[str], str]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, code: int) -> str:
        value = self._compute(chr(code))
        if len(self) < _CACHE_LIMIT:
            self[code] = value
        return value


_SMALL_CAPS_TABLE = str.maketrans(cf.SMALL_CAPITALS)


@lru_cache(maxsize=4096)
def _fold_cluster(cluster: str) -> str:
    """A base with its combining marks is normalised together so "e" + U+0301 composes to "é"."""
    return unicodedata.normalize("NFKC", cluster).casefold().translate(_SMALL_CAPS_TABLE)


def _kind(char: str) -> str:
    """For the cluster walk: "." folds alone to one character, "w" to several, "x" is removed, "m" is a combining
    mark that joins the cluster before it."""
    if cf.is_invisible(char):
        return "x"
    if unicodedata.combining(char):
        return "m"
    return "." if len(_fold_cluster(char)) == 1 else "w"


_FOLDS = _LazyTable(_fold_cluster)  # for runs of "." characters only
_KINDS = _LazyTable(_kind)


def _slow_chars() -> re.Pattern[str]:
    """Matches characters outside the set that folds alone to one character that composes with no neighbour.

    A text without them (most comments: Latin with umlauts, punctuation, emoji) folds with one
    ``unicodedata.normalize`` over the whole string and identity offsets; the set is built once at import (~15 ms).
    """
    fast: set[int] = set()
    for code in (code for low, high in cf.FAST_BLOCKS for code in range(low, high + 1)):
        char = chr(code)
        if cf.is_invisible(char) or unicodedata.combining(char):
            continue
        folded = unicodedata.normalize("NFKC", char).casefold()
        if len(folded) == 1 and not unicodedata.combining(folded) and folded not in cf.SMALL_CAPITALS:
            fast.add(code)
    ranges = [(code, code) for code in sorted(fast) if code - 1 not in fast]
    ranges = [(low, next(c for c in range(low, 0x110000) if c + 1 not in fast)) for low, _ in ranges]
    return re.compile("[^\x00-\x7f" + "".join(f"{chr(low)}-{chr(high)}" for low, high in ranges) + "]")


_SLOW_CHAR = _slow_chars()


class _Folding:
    """Accumulates folded text with per-character original spans; ``gaps`` are text offsets of removals."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.gaps: list[int] = []
        self.length = 0

    def run(self, original: str, start: int, end: int, fast: bool) -> None:
        """Characters that each fold to one character: one call for all of them, identity spans."""
        run = original[start:end]
        self.parts.append(unicodedata.normalize("NFKC", run).casefold() if fast else run.translate(_FOLDS))
        self.starts.extend(range(start, end))
        self.ends.extend(range(start + 1, end + 1))
        self.length += end - start

    def cluster(self, original: str, start: int, end: int) -> None:
        if cf.is_invisible(original[start]):
            self.gaps.append(self.length)  # marks on an invisible base go with it: they would render on nothing
            return
        folded = _fold_cluster(original[start:end]) if end - start > 1 else _FOLDS[ord(original[start])]
        self.parts.append(folded)
        self.starts.extend([start] * len(folded))
        self.ends.extend([end] * len(folded))
        self.length += len(folded)


def _fold(original: str) -> tuple[str, tuple[int, ...], tuple[int, ...], list[int]]:
    """Pass 1. Returns text, starts, ends and removal gaps; the cluster walk only visits the slow characters."""
    n = len(original)
    if original.isascii() or _SLOW_CHAR.search(original) is None:
        starts = tuple(range(n + 1))
        return unicodedata.normalize("NFKC", original).casefold(), starts[:-1], starts[1:], []
    folding, position, fast = _Folding(), 0, True
    for match in _SLOW_CHAR.finditer(original):
        index = match.start()
        if index < position:
            continue  # a mark already taken into the cluster before it
        kind = _KINDS[ord(original[index])]
        if kind == ".":
            fast = False  # folds alone to one character, but only the per-character table knows how
            continue
        base = index - 1 if kind == "m" and index > position else index
        end = index + 1
        while end < n and _KINDS[ord(original[end])] == "m":
            end += 1
        if position < base:
            folding.run(original, position, base, fast)
        folding.cluster(original, base, end)
        position, fast = end, True
    if position < n:
        folding.run(original, position, n, fast)
    return "".join(folding.parts), tuple(folding.starts), tuple(folding.ends), folding.gaps


def _run_around(text: str, reverse: str, index: int, run: re.Pattern[str]) -> Span:
    """The span of the ``run`` characters around ``index``; ``reverse`` (``text[::-1]``) lets a regex look back."""
    back, ahead = run.match(reverse, len(text) - index), run.match(text, index)
    assert back is not None and ahead is not None  # a starred run always matches
    return len(text) - back.end(), ahead.end()


def _target_script(word: str) -> str | None:
    """The script a mixed word is meant to be in: one its other letters can all be read as, else the majority.

    Ties go to Latin, the first in ``cf.SCRIPT_LETTERS``: the rules that matter most here are written in German.
    """
    letters = {name: pattern.findall(word) for name, pattern in _SCRIPTS.items()}
    present = [name for name in _SCRIPTS if letters[name]]
    if len(present) < 2:
        return None
    readable = [
        target
        for target in present
        if all(char in cf.TO_SCRIPT[target] for other in present if other != target for char in letters[other])
    ]
    return max(readable or present, key=lambda name: len(letters[name]))


class _Source(NamedTuple):
    """The reader's text and the pass-1 offsets, for the few decisions that need the case casefolding erased."""

    original: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def is_upper(self, index: int) -> bool:
        return self.original[self.starts[index] : self.ends[index]].isupper()

    def span(self, text_span: Span) -> Span:
        return self.starts[text_span[0]], self.ends[text_span[1] - 1]


def _fold_word(word: str, target: str, source: _Source, offset: int) -> str:
    """Fold one word to ``target``; a Greek capital Η reads as H where a small η reads as n."""
    folded = word.translate(_TO_SCRIPT[target])
    if target != "latin" or not any(char in cf.GREEK_CAPITAL_TO_LATIN for char in word):
        return folded
    chars = list(folded)
    for index, char in enumerate(word):
        if char in cf.GREEK_CAPITAL_TO_LATIN and source.is_upper(offset + index):
            chars[index] = cf.GREEK_CAPITAL_TO_LATIN[char]
    return "".join(chars)


def _fold_scripts(text: str, source: _Source) -> tuple[str, list[Span]]:
    """Pass 2. Single-script words ("НАТО", "Путин") are left alone; returns the text and the folded words' spans."""
    if _NON_LATIN.search(text) is None or sum(p.search(text) is not None for p in _SCRIPTS.values()) < 2:
        return text, []
    parts: list[str] = []
    spans: list[Span] = []
    copied = searched = 0
    reverse = text[::-1]
    while (match := _NON_LATIN.search(text, searched)) is not None:  # words are found from their rare letters
        start, end = _run_around(text, reverse, match.start(), _WORD_RUN)
        word, searched = text[start:end], max(end, match.end())  # a Greek or Cyrillic sign is no word: move on
        target = _target_script(word)
        folded = word if target is None else _fold_word(word, target, source, start)
        if folded != word:
            parts += (text[copied:start], folded)
            spans.append((start, end))
            copied = end
    return "".join([*parts, text[copied:]]), spans


def _leet_word(word: str) -> str:
    if _LETTER.search(word) is None:  # "2022", "1:0", "3,5" and "5€" are numbers, not disguised words
        return word
    folded = word.translate(_LEET_TABLE)
    return _BANG.sub("i", folded) if "!" in folded else folded


def _leet(text: str) -> str:
    """Pass 3, kept apart from ``text`` so a rule can choose to match it: "r3g1m3" → "regime"."""
    parts: list[str] = []
    position, reverse = 0, text[::-1]
    while (match := _LEET_HINT.search(text, position)) is not None:
        start, end = _run_around(text, reverse, match.start(), _LEET_RUN)
        parts += (text[position:start], _leet_word(text[start:end]))
        position = end
    return "".join([*parts, text[position:]]) if parts else text


def _split_words(text: str, gaps: list[int]) -> list[Span]:
    """Text spans of the words that had an invisible character removed between two letters or digits."""
    spans: list[Span] = []
    reverse = text[::-1]
    for gap in sorted(set(gaps)):
        inside = 0 < gap < len(text) and _SPLIT_NEIGHBOUR.match(text, gap - 1) and _SPLIT_NEIGHBOUR.match(text, gap)
        if inside and not (spans and spans[-1][1] >= gap):  # a second split in a word is the same word
            spans.append(_run_around(text, reverse, gap, _WORD_RUN))
    return spans


def normalize(text: str) -> Normalized:
    """Fold ``text`` for matching (see the module docstring) and record the disguises the folding undid."""
    folded, starts, ends, gaps = _fold(text)
    source = _Source(text, starts, ends)
    folded, mixed = _fold_scripts(folded, source)
    leet = _leet(folded)
    if leet is not folded:  # "п0тин": the leet "o" is Latin inside a Cyrillic word
        leet = _fold_scripts(leet, source)[0]
    spans = tuple(map(source.span, mixed)), tuple(map(source.span, _split_words(folded, gaps)))
    return Normalized(text, folded, starts, ends, len(gaps), leet, *spans)
