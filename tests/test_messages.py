"""The reader-facing message catalogue: every key in every language, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from moderation.messages import _CATALOGUE, LANGUAGES, Message, label_name, text


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_message_with_the_same_placeholders(language: str) -> None:
    german = _CATALOGUE["de"]
    assert set(_CATALOGUE[language]) == set(Message)
    assert {key: placeholders(_CATALOGUE[language][key]) for key in Message} == {
        key: placeholders(german[key]) for key in Message
    }


def test_german_is_the_default_and_the_fallback() -> None:
    assert text(Message.HELD) == text(Message.HELD, "de") == text(Message.HELD, "fr")
    assert text(Message.HELD, "en") != text(Message.HELD)


def test_placeholders_are_filled_and_labels_named() -> None:
    assert text(Message.REJECTED_TOXICITY, label=label_name("insult")).endswith("(Beleidigung).")
    assert text(Message.REJECTED_TOXICITY, "en", label=label_name("insult", "en")).endswith("(insult).")
    assert label_name("new_label_of_a_newer_model") == "new_label_of_a_newer_model"
