"""Hand-picked look-alike tables for ``normalize``, small and explicit so every fold can be read and reviewed,
and ``skeleton`` for comparing strings such as host names.

The word tables map one character to one character (offsets must keep mapping back to the reader's text); only
the skeleton tables expand, because skeletons are compared, never mapped back. Keys are casefolded forms, since
folding runs after casefolding.
"""

from __future__ import annotations

import unicodedata

# Invisible code points outside Unicode category Cf (which is removed wholesale) that evade matching in the same
# way: combining grapheme joiner, variation selectors, Mongolian free variation selectors, Hangul fillers.
IGNORABLE: frozenset[int] = frozenset(
    code
    for low, high in ((0x034F, 0x034F), (0x115F, 0x1160), (0x180B, 0x180D), (0x180F, 0x180F), (0x3164, 0x3164),
                      (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0100, 0xE01EF))
    for code in range(low, high + 1)
)  # fmt: skip

# Blocks scanned at import for characters that fold alone to one character with no neighbour involved:
# Latin, Greek, Cyrillic, Hebrew, Arabic, punctuation and symbols, fullwidth ASCII, mathematical letters, emoji.
FAST_BLOCKS: tuple[tuple[int, int], ...] = (
    (0x0080, 0x06FF),
    (0x1E00, 0x1FFF),
    (0x2000, 0x2BFF),
    (0x3000, 0x303F),
    (0xFF01, 0xFF5E),
    (0x1D400, 0x1D7FF),
    (0x1F000, 0x1FAFF),
)

# Latin small capitals have no NFKC decomposition, but "fancy text" generators use them to spell words.
SMALL_CAPITALS: dict[str, str] = dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnopqrstuvwyz", strict=True))

# Regex character-class bodies for letters of the three scripts that share look-alikes. Greek mu is left out:
# NFKC turns the micro sign into it, and "µg" or "µm" are units, not disguises.
LATIN = "a-zA-Z\u00aa\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u1d00-\u1d7f\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff"
CYRILLIC = "\u0400-\u0482\u048a-\u052f\u1c80-\u1c8f\ua640-\ua66e\ua680-\ua69d"
GREEK = "\u0370-\u03bb\u03bd-\u03ff\u1f00-\u1fff"
SCRIPT_LETTERS: dict[str, str] = {"latin": LATIN, "cyrillic": CYRILLIC, "greek": GREEK}  # first wins ties

# Only close look-alikes (a capital or a small form, since casefolding merged them): a loose one such as
# п for n would make a Russian word with one Latin letter look like a disguised Latin word.
CYRILLIC_TO_LATIN: dict[str, str] = {
    "а": "a", "в": "b", "ԁ": "d", "е": "e", "ё": "ë", "һ": "h", "і": "i", "ї": "ï", "ј": "j", "к": "k",
    "ӏ": "l", "м": "m", "н": "h", "о": "o", "р": "p", "ԛ": "q", "с": "c", "ѕ": "s", "т": "t", "ԝ": "w",
    "х": "x", "у": "y", "ү": "y",
}  # fmt: skip

GREEK_TO_LATIN: dict[str, str] = {
    "α": "a", "β": "b", "γ": "y", "ε": "e", "ζ": "z", "η": "n", "ι": "i", "ϳ": "j", "κ": "k", "ν": "v",
    "ο": "o", "ρ": "p", "ϲ": "c", "τ": "t", "υ": "u", "χ": "x", "ω": "w",
}  # fmt: skip

# Greek letters whose capital resembles a different Latin letter than the small one (Η is H, η is n).
GREEK_CAPITAL_TO_LATIN: dict[str, str] = {"η": "h", "ν": "n", "υ": "y"}

LATIN_TO_CYRILLIC: dict[str, str] = {
    "a": "а", "b": "в", "c": "с", "d": "ԁ", "e": "е", "ë": "ё", "h": "н", "i": "і", "ï": "ї", "j": "ј",
    "k": "к", "l": "ӏ", "m": "м", "o": "о", "p": "р", "q": "ԛ", "s": "ѕ", "t": "т", "w": "ԝ", "x": "х",
    "y": "у",
}  # fmt: skip

LATIN_TO_GREEK: dict[str, str] = {
    "a": "α", "b": "β", "c": "ϲ", "e": "ε", "h": "η", "i": "ι", "j": "ϳ", "k": "κ", "o": "ο", "p": "ρ",
    "t": "τ", "u": "υ", "v": "ν", "w": "ω", "x": "χ", "y": "γ", "z": "ζ",
}  # fmt: skip


def _via_latin(source_to_latin: dict[str, str], latin_to_target: dict[str, str]) -> dict[str, str]:
    return {src: latin_to_target[lat] for src, lat in source_to_latin.items() if lat in latin_to_target}


# Per target script: every letter of the other two scripts that can be read as a letter of the target.
TO_SCRIPT: dict[str, dict[str, str]] = {
    "latin": {**CYRILLIC_TO_LATIN, **GREEK_TO_LATIN},
    "cyrillic": {**LATIN_TO_CYRILLIC, **_via_latin(GREEK_TO_LATIN, LATIN_TO_CYRILLIC)},
    "greek": {**LATIN_TO_GREEK, **_via_latin(CYRILLIC_TO_LATIN, LATIN_TO_GREEK)},
}

# Leetspeak digits and symbols; "!" is handled apart because it is only a letter between letters.
LEET: dict[str, str] = {
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s", "€": "e", "|": "l",
}  # fmt: skip

# UTS #39-style extras for skeletons: digits and multi-letter look-alikes (m is "rn", w is "vv").
SKELETON_EXTRA: dict[str, str] = {"0": "o", "1": "l", "|": "l", "ı": "i", "ȷ": "j", "ɡ": "g", "m": "rn", "w": "vv"}
SKELETON: dict[str, str] = {
    source: "".join(SKELETON_EXTRA.get(char, char) for char in latin)
    for source, latin in {**SMALL_CAPITALS, **TO_SCRIPT["latin"], "μ": "u", **SKELETON_EXTRA}.items()
}
# Applied before casefolding, which would merge these capitals with small letters that read differently.
SKELETON_CAPITALS: dict[str, str] = {"Μ": "m", **{small.upper(): lat for small, lat in GREEK_CAPITAL_TO_LATIN.items()}}


def is_invisible(char: str) -> bool:
    """Format characters (Cf) and the other invisibles that only serve to split or disguise a word."""
    return ord(char) in IGNORABLE or unicodedata.category(char) == "Cf"


_SKELETON_TABLE = str.maketrans(SKELETON)
_SKELETON_CAPITALS_TABLE = str.maketrans(SKELETON_CAPITALS)


def skeleton(value: str) -> str:
    """UTS #39-style skeleton for string equality (is this host a look-alike of a listed one?), never for display.

    Unlike the word folding it also maps digits and letter pairs ("1" → "l", "m" → "rn"), which would break
    ordinary words such as "regime"; comparing two skeletons is safe because both sides are mapped the same way.
    """
    folded = unicodedata.normalize("NFKC", value).translate(_SKELETON_CAPITALS_TABLE).casefold()
    return "".join(char for char in folded if not is_invisible(char)).translate(_SKELETON_TABLE)
