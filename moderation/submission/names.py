"""Author names readers cannot use to impersonate: no invisible or control characters, and no look-alike of the
newsroom's own names or its moderators'.

A name of zero-width spaces or Hangul fillers shows as nothing; a right-to-left override makes "noitkadeR" render
as "Redaktion"; a line separator breaks the layout of every page that shows the name. Such characters are refused
outright. Reserved names are compared by their confusable skeleton (the look-alike folding the link rules use), as
whole words: "Rеdaktion" with a Cyrillic "е", "REDAKTION", "Die Redaktion" and "R3daktion" are all the newsroom.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from moderation.filters.confusables import skeleton
from moderation.filters.normalize import normalize

#: Characters that render as nothing or rearrange text, beyond the general categories refused below.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5\u180e")
#: Control, format (zero-width, bidi controls, BOM), line/paragraph separators, private use, unassigned.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"})
_WORD = re.compile(r"[^\W_]+")
#: In most fonts of a comment list, a capital I, a small l and a 1 look alike: names compare them as one letter.
_I_LIKE = str.maketrans({"l": "i", "1": "i", "|": "i"})


def name_problem(name: str) -> str | None:
    """Why a name cannot be shown as an author, or None (pure)."""
    for char in name:
        if unicodedata.category(char) in _REFUSED_CATEGORIES or char in _INVISIBLE:
            return f"Contains an invisible or control character (U+{ord(char):04X})."
    if not any(char.isalnum() for char in name):
        return "Must contain a letter or digit."
    return None


def _forms(value: str) -> set[tuple[str, ...]]:
    """The words of a name as a look-alike sees them: its skeleton (where "l", "I" and "1" meet) and the skeleton of
    its leetspeak fold ("R3daktion" is "redaktion")."""
    return {tuple(_WORD.findall(skeleton(form).translate(_I_LIKE))) for form in (value, normalize(value).leet)}


@functools.lru_cache(maxsize=1024)
def _variants(name: str) -> frozenset[tuple[str, ...]]:
    """A reserved name in every case a reader could imitate ("SCHMIDT" and "SCHMlDT" share a skeleton); cached,
    since the same few names are checked on every submission."""
    forms = {name, name.upper(), name.lower(), name.title()}
    return frozenset(words for form in forms for words in _forms(form) if words)


def _contains(words: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    return any(words[i : i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


def reserved_match(name: str, reserved: Iterable[str]) -> str | None:
    """The reserved name ``name`` imitates (as whole words, look-alike letters folded), or None."""
    forms = _forms(name)
    for candidate in reserved:
        if any(_contains(words, wanted) for words in forms for wanted in _variants(candidate)):
            return candidate
    return None
