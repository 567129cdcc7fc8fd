"""The reader-facing message catalogue: every key in every language, with the same placeholders; stored reasons
keep their key so moderators can read them in their own language."""

from __future__ import annotations

import string

import pytest

from moderation.errors import DomainError
from moderation.messages import _CATALOGUE, LANGUAGES, Message, label_name, retell, text, told
from moderation.verdicts import Reason, ReasonCode


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


TOLD = [  # (key, label, params) as the stages build their reasons
    (Message.HELD, "insult", {}),
    (Message.REJECTED_TOXICITY, "insult", {}),
    (Message.REJECTED_SANCTIONED, None, {}),
    (Message.PUBLISHED, None, {}),
    (Message.APPEALED, None, {}),
    (Message.IMPORTED, None, {"source": "Disqus"}),
]


@pytest.mark.parametrize(("key", "label", "params"), TOLD)
def test_a_stored_reason_is_retold_in_either_language(key: Message, label: str | None, params: dict[str, str]) -> None:
    stored = Reason.told(ReasonCode.RULE, key, label=label, **params).as_json()
    assert stored["message_key"] == key.value
    assert stored["message"] == told(key, "de", label=label, **params)  # readers are told German, as before
    english, language = retell(stored, "en")
    assert (english, language) == (told(key, "en", label=label, **params), "en")
    assert english != stored["message"]
    assert retell(stored, "de") == (stored["message"], "de")


def test_the_english_retelling_names_the_label_in_english() -> None:
    stored = Reason.told(ReasonCode.TOXICITY, Message.REJECTED_TOXICITY, label="insult", score=0.99).as_json()
    assert stored["message"].endswith("(Beleidigung).")
    assert retell(stored, "en")[0] == "Your comment breaks our discussion rules (insult)."


@pytest.mark.parametrize(
    "stored",
    [
        {"code": "toxicity", "message": "Alter Text."},  # stored before keys were kept
        {"code": "toxicity", "message": "Alter Text.", "message_key": "a_key_of_another_version"},
        {"code": "imported", "message": "Alter Text.", "message_key": "imported"},  # its {source} is missing
    ],
)
def test_a_reason_that_cannot_be_retold_keeps_its_stored_german_text(stored: dict[str, str]) -> None:
    assert retell(stored, "en") == ("Alter Text.", "de")


def test_a_refusal_is_german_by_default_and_told_in_the_language_asked_for() -> None:
    refusal = DomainError(Message.EDIT_WINDOW_CLOSED, params={"minutes": "5"})
    assert str(refusal) == refusal.detail == "Kommentare können nur in den ersten 5 Minuten geändert werden."
    assert refusal.detail_in("en") == "Comments can only be changed in their first 5 minutes."
    assert refusal.detail_in("fr") == refusal.detail
    assert DomainError("An API client's mistake.").detail_in("en") == "An API client's mistake."
