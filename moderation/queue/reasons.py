"""Why a moderator rejects a comment: the reasons readers are told, each mapped to a statement-of-reasons category
of the EU Digital Services Act (Art. 17; the categories of the Commission's transparency database)."""

from __future__ import annotations

import enum


class RejectReason(enum.StrEnum):
    INSULT = "insult"
    HATE = "hate"
    THREAT = "threat"
    DISINFORMATION = "disinformation"
    SPAM = "spam"
    PRIVACY = "privacy"
    OFF_TOPIC = "off_topic"
    OTHER = "other"

    @property
    def dsa_category(self) -> str:
        return _DSA[self]


_DSA = {
    RejectReason.INSULT: "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    RejectReason.HATE: "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    RejectReason.THREAT: "STATEMENT_CATEGORY_VIOLENCE",
    RejectReason.DISINFORMATION: "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    RejectReason.SPAM: "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    RejectReason.PRIVACY: "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    RejectReason.OFF_TOPIC: "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
    RejectReason.OTHER: "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
}
