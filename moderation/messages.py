"""The one catalogue of reader-facing text: every message a reader sees about their comment, per language.

Readers of a German newsroom read German, so German is the default and the text stored with each decision. The
English catalogue has every key too (a test checks both have the same keys and placeholders), so the widget and the
moderators' pages can show either language without a second source of truth. A stored reason keeps its message's
key and parameters beside the German text, so ``retell`` can say it again in the moderator's language.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

DEFAULT_LANGUAGE = "de"


class Message(enum.StrEnum):
    """Keys of the catalogue; the values are stable and never shown."""

    PUBLISHED = "published"
    HELD = "held"
    REJECTED_RULES = "rejected_rules"
    REJECTED_TOXICITY = "rejected_toxicity"
    REJECTED_SANCTIONED = "rejected_sanctioned"
    HELD_SANCTIONED = "held_sanctioned"
    REJECTED_LINK = "rejected_link"
    HELD_LINK = "held_link"
    HELD_LOOKALIKE = "held_lookalike"
    REJECTED_COPY = "rejected_copy"
    REJECTED_COPY_OF_REJECTED = "rejected_copy_of_rejected"
    NUDGE = "nudge"
    IMPORTED = "imported"
    APPEALED = "appealed"
    #: Refusals a reader meets (problem details): the API tells them in the language asked for.
    BANNED = "banned"
    BANNED_UNTIL = "banned_until"
    LOGIN_REQUIRED = "login_required"
    NOT_YOUR_COMMENT = "not_your_comment"
    NOT_EDITABLE = "not_editable"
    EDIT_WINDOW_CLOSED = "edit_window_closed"
    ALREADY_APPEALED = "already_appealed"
    NOT_APPEALABLE = "not_appealable"
    LINK_OF_ANOTHER_COMMENT = "link_of_another_comment"
    LINK_INVALID = "link_invalid"


_CATALOGUE: dict[str, dict[Message, str]] = {
    "de": {
        Message.PUBLISHED: "Ihr Kommentar wurde veröffentlicht.",
        Message.HELD: "Ihr Kommentar wird vor der Veröffentlichung von unserer Moderation geprüft.",
        Message.REJECTED_RULES: (
            "Ihr Kommentar verstößt gegen unsere Diskussionsregeln und kann nicht veröffentlicht werden."
        ),
        Message.REJECTED_TOXICITY: "Ihr Kommentar verstößt gegen unsere Diskussionsregeln ({label}).",
        Message.REJECTED_SANCTIONED: (
            "Ihr Kommentar verlinkt ein Medium, dessen Inhalte in der EU sanktioniert sind, und kann nicht "
            "veröffentlicht werden."
        ),
        Message.HELD_SANCTIONED: (
            "Ihr Kommentar nennt ein Medium, dessen Inhalte in der EU sanktioniert sind; unsere Moderation prüft ihn "
            "vor der Veröffentlichung."
        ),
        Message.REJECTED_LINK: "Ihr Kommentar enthält einen Link, den wir nicht veröffentlichen können.",
        Message.HELD_LINK: "Ihr Kommentar enthält einen Link, den unsere Moderation vor der Veröffentlichung prüft.",
        Message.HELD_LOOKALIKE: (
            "Ihr Kommentar enthält einen Link, der einer bekannten Nachrichtenseite nachgebildet sein könnte; unsere "
            "Moderation prüft ihn vor der Veröffentlichung."
        ),
        Message.REJECTED_COPY: ("Ihr Kommentar gleicht zahlreichen anderen Beiträgen und wird nicht veröffentlicht."),
        Message.REJECTED_COPY_OF_REJECTED: (
            "Ihr Kommentar gleicht einem Beitrag, den unsere Moderation abgelehnt hat, und wird nicht veröffentlicht."
        ),
        Message.NUDGE: (
            "Dieser Satz könnte gegen unsere Diskussionsregeln verstoßen ({labels}). Möchten Sie ihn umformulieren?"
        ),
        Message.IMPORTED: (
            "Ihr Kommentar wurde mit seinem Status aus dem früheren Kommentarsystem übernommen ({source})."
        ),
        Message.APPEALED: "Einspruch der Autorin oder des Autors",
        Message.BANNED: "Ihr Konto ist für Kommentare gesperrt.",
        Message.BANNED_UNTIL: "Ihr Konto ist bis {until} Uhr (UTC) für Kommentare gesperrt.",
        Message.LOGIN_REQUIRED: "Bitte melden Sie sich an, um diesen Artikel zu kommentieren.",
        Message.NOT_YOUR_COMMENT: "Sie können nur Ihre eigenen Kommentare ändern.",
        Message.NOT_EDITABLE: "Dieser Kommentar kann nicht mehr geändert werden.",
        Message.EDIT_WINDOW_CLOSED: "Kommentare können nur in den ersten {minutes} Minuten geändert werden.",
        Message.ALREADY_APPEALED: "Gegen diese Entscheidung haben Sie bereits Einspruch eingelegt.",
        Message.NOT_APPEALABLE: "Einspruch ist nur gegen abgelehnte Kommentare möglich.",
        Message.LINK_OF_ANOTHER_COMMENT: "Dieser Link gehört zu einem anderen Kommentar.",
        Message.LINK_INVALID: "Dieser Link ist ungültig oder nicht mehr gültig.",
    },
    "en": {
        Message.PUBLISHED: "Your comment has been published.",
        Message.HELD: "Your comment will be reviewed by our moderators before it is published.",
        Message.REJECTED_RULES: "Your comment breaks our discussion rules and cannot be published.",
        Message.REJECTED_TOXICITY: "Your comment breaks our discussion rules ({label}).",
        Message.REJECTED_SANCTIONED: (
            "Your comment links to an outlet whose content is sanctioned in the EU and cannot be published."
        ),
        Message.HELD_SANCTIONED: (
            "Your comment names an outlet whose content is sanctioned in the EU; our moderators will review it "
            "before it is published."
        ),
        Message.REJECTED_LINK: "Your comment contains a link we cannot publish.",
        Message.HELD_LINK: "Your comment contains a link our moderators review before publication.",
        Message.HELD_LOOKALIKE: (
            "Your comment contains a link that may imitate a well-known news site; our moderators will review it "
            "before it is published."
        ),
        Message.REJECTED_COPY: "Your comment matches many other posts and will not be published.",
        Message.REJECTED_COPY_OF_REJECTED: (
            "Your comment matches a post our moderators rejected and will not be published."
        ),
        Message.NUDGE: "This sentence may break our discussion rules ({labels}). Would you like to rephrase it?",
        Message.IMPORTED: "Your comment was carried over with its status from the previous comment system ({source}).",
        Message.APPEALED: "The author's appeal",
        Message.BANNED: "Your account is blocked from commenting.",
        Message.BANNED_UNTIL: "Your account is blocked from commenting until {until} (UTC).",
        Message.LOGIN_REQUIRED: "Please sign in to comment on this article.",
        Message.NOT_YOUR_COMMENT: "You can only change your own comments.",
        Message.NOT_EDITABLE: "This comment can no longer be changed.",
        Message.EDIT_WINDOW_CLOSED: "Comments can only be changed in their first {minutes} minutes.",
        Message.ALREADY_APPEALED: "You have already appealed this decision.",
        Message.NOT_APPEALABLE: "Only rejected comments can be appealed.",
        Message.LINK_OF_ANOTHER_COMMENT: "This link belongs to another comment.",
        Message.LINK_INVALID: "This link is invalid or has expired.",
    },
}

#: Model labels as readers are told them.
_LABELS: dict[str, dict[str, str]] = {
    "de": {
        "toxicity": "toxische Sprache",
        "severe_toxicity": "schwer toxische Sprache",
        "obscene": "Obszönität",
        "threat": "Drohung",
        "insult": "Beleidigung",
        "identity_attack": "Angriff auf eine Gruppe",
        "sexual_explicit": "sexuell explizite Sprache",
    },
    "en": {
        "toxicity": "toxic language",
        "severe_toxicity": "severely toxic language",
        "obscene": "obscenity",
        "threat": "threat",
        "insult": "insult",
        "identity_attack": "attack on a group",
        "sexual_explicit": "sexually explicit language",
    },
}

LANGUAGES = tuple(_CATALOGUE)


def text(key: Message, language: str = DEFAULT_LANGUAGE, **params: str) -> str:
    """The message in ``language`` (German when the language is not in the catalogue), placeholders filled (a
    missing one is a ``KeyError``; parameters the message has no placeholder for are ignored)."""
    return _CATALOGUE.get(language, _CATALOGUE[DEFAULT_LANGUAGE])[key].format(**params)


def label_name(label: str, language: str = DEFAULT_LANGUAGE) -> str:
    """A model label in words; an unknown label (a newer model's) is shown as it is."""
    return _LABELS.get(language, _LABELS[DEFAULT_LANGUAGE]).get(label, label)


def label_names(labels: Iterable[str], language: str = DEFAULT_LANGUAGE) -> str:
    return ", ".join(label_name(label, language) for label in labels)


def told(key: Message, language: str = DEFAULT_LANGUAGE, *, label: str | None = None, **params: str) -> str:
    """A reason's message: ``label`` (a model label's id) in this language's words, other parameters as they are
    (a message without that placeholder ignores them)."""
    return text(key, language, **params, **({"label": label_name(label, language)} if label else {}))


def retell(reason: Mapping[str, Any], language: str) -> tuple[str, str]:
    """A stored reason's message in ``language``, from its ``message_key``, and the language it is in: a reason
    stored before keys were kept (or with a key this catalogue no longer has) keeps its stored German text."""
    try:
        key = Message(str(reason.get("message_key")))
        params = dict(reason.get("message_params") or {})
        return told(key, language, label=reason.get("label"), **params), language
    except (ValueError, KeyError):  # an unknown key, or a placeholder without its parameter
        return str(reason.get("message", "")), DEFAULT_LANGUAGE
