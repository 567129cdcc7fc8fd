"""Which language a comment is written in, for the moderators' language filter (pure, no model).

German-speaking newsrooms see German, English, Russian and Ukrainian comments (the last two often from
campaigns). A script count tells Cyrillic from Latin text, Ukrainian-only letters tell Ukrainian from Russian,
and the share of very common function words tells German from English. Short or mixed texts get ``und``
(undetermined, the BCP 47 code) instead of a guess: the filter must not hide a comment behind a wrong label.
"""

from __future__ import annotations

import enum
import re


class Language(enum.StrEnum):
    GERMAN = "de"
    ENGLISH = "en"
    RUSSIAN = "ru"
    UKRAINIAN = "uk"
    UNDETERMINED = "und"


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_GERMAN = frozenset(
    [
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "ein",
        "eine",
        "einen",
        "dem",
        "den",
        "des",
        "zu",
        "mit",
        "auf",
        "für",
        "von",
        "sich",
        "auch",
        "es",
        "ich",
        "sie",
        "wir",
        "ihr",
        "aber",
        "oder",
        "wie",
        "was",
        "wenn",
        "noch",
        "nur",
        "schon",
        "bei",
        "nach",
        "hat",
        "haben",
        "sind",
        "war",
        "wird",
        "werden",
        "kein",
        "keine",
        "mehr",
        "man",
        "doch",
        "so",
        "dass",
        "über",
        "vom",
        "zum",
        "zur",
        "im",
        "am",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "and",
        "is",
        "are",
        "not",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "this",
        "that",
        "it",
        "i",
        "you",
        "we",
        "they",
        "he",
        "she",
        "but",
        "or",
        "as",
        "was",
        "were",
        "be",
        "have",
        "has",
        "had",
        "will",
        "would",
        "there",
        "their",
        "what",
        "which",
        "who",
        "from",
        "by",
        "at",
        "do",
        "does",
        "just",
        "so",
    ]
)
_UKRAINIAN_LETTERS = frozenset("іїєґ")
#: Fewer function words than this and the text is too short to tell German from English.
MIN_FUNCTION_WORDS = 2


def guess_language(text: str) -> Language:
    """The comment's language, or ``und`` when the evidence is too thin or evenly split."""
    words = [word.casefold() for word in _WORD.findall(text)]
    if not words:
        return Language.UNDETERMINED
    cyrillic = sum(1 for word in words if _is_cyrillic(word))
    if cyrillic * 2 > len(words):
        ukrainian = any(letter in _UKRAINIAN_LETTERS for word in words for letter in word)
        return Language.UKRAINIAN if ukrainian else Language.RUSSIAN
    german = sum(word in _GERMAN for word in words) + sum(1 for word in words if set(word) & set("äöüß"))
    english = sum(word in _ENGLISH for word in words)
    if max(german, english) < MIN_FUNCTION_WORDS or german == english:
        return Language.UNDETERMINED
    return Language.GERMAN if german > english else Language.ENGLISH


def _is_cyrillic(word: str) -> bool:
    return all("\u0400" <= letter <= "\u04ff" for letter in word)
