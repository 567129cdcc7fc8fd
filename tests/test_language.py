"""The language guess behind the queue's language filter: clear cases named, thin evidence left undetermined."""

from __future__ import annotations

import pytest

from moderation.language import Language, guess_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nordkorea behandelt verwundete russische Soldaten, und das ist nicht überraschend.", Language.GERMAN),
        ("Schön wär's, wenn die Regierung mal zuhört.", Language.GERMAN),
        ("This is what the government always does, and nobody asks why.", Language.ENGLISH),
        ("Киевский режим виноват во всём, это знают все.", Language.RUSSIAN),
        ("Це неправда, і всі це знають.", Language.UKRAINIAN),
        ("Putin!!!", Language.UNDETERMINED),
        ("", Language.UNDETERMINED),
        ("12345 !!!", Language.UNDETERMINED),
    ],
)
def test_guesses(text: str, expected: Language) -> None:
    assert guess_language(text) is expected


def test_a_link_alone_is_undetermined() -> None:
    assert guess_language("https://rt.com/news/123") is Language.UNDETERMINED
