"""The statement of reasons for a comment's status (EU Digital Services Act, Art. 17): what was decided and when,
the category of the reason in words, the facts it rests on (reason codes, model labels, rule ids), whether it was
automated or a person's decision, and whether it can be appealed.

It lives with the comment store because two features tell it: the author's API (``submission.appeals``) and the
decision notice the worker mails (``notifications``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from moderation.comments.models import Comment, CommentStatus
from moderation.messages import DEFAULT_LANGUAGE, label_name
from moderation.verdicts import ReasonCode

#: Reason codes in words, as the statement names the category, per language.
CATEGORIES: dict[str, dict[str, str]] = {
    "de": {
        ReasonCode.TOXICITY: "Verstoß gegen die Diskussionsregeln (beleidigende oder herabwürdigende Sprache)",
        ReasonCode.RULE: "Verstoß gegen die Diskussionsregeln (Regelwerk der Redaktion)",
        ReasonCode.CAMPAIGN: "Koordinierte Kampagne (gleiche Beiträge aus vielen Konten)",
        ReasonCode.READER_REPORTS: "Meldungen von Leserinnen und Lesern",
        ReasonCode.PREMODERATED: "Vorabprüfung des Artikels",
        ReasonCode.GUEST_PREMODERATED: "Vorabprüfung von Beiträgen ohne Anmeldung",
        ReasonCode.NEW_READER: "Vorabprüfung neuer Konten",
        ReasonCode.REJECTION_RATE: "Vorabprüfung nach mehreren abgelehnten Beiträgen",
        ReasonCode.SURGE: "Vorabprüfung neuer Konten während eines Ansturms",
        ReasonCode.APPEALED: "Einspruch der Autorin oder des Autors",
        ReasonCode.IMPORTED: "Entscheidung im früheren Kommentarsystem (übernommen)",
    },
    "en": {
        ReasonCode.TOXICITY: "Breach of the discussion rules (abusive or degrading language)",
        ReasonCode.RULE: "Breach of the discussion rules (the newsroom's rule set)",
        ReasonCode.CAMPAIGN: "Coordinated campaign (the same posts from many accounts)",
        ReasonCode.READER_REPORTS: "Reports by readers",
        ReasonCode.PREMODERATED: "The story's comments are reviewed before they appear",
        ReasonCode.GUEST_PREMODERATED: "Comments without a login are reviewed before they appear",
        ReasonCode.NEW_READER: "New accounts' comments are reviewed before they appear",
        ReasonCode.REJECTION_RATE: "Reviewed after several rejected comments",
        ReasonCode.SURGE: "New accounts are reviewed during a surge",
        ReasonCode.APPEALED: "The author's appeal",
        ReasonCode.IMPORTED: "A decision taken in the previous comment system (imported)",
    },
}
MODERATOR_DECISION = {
    "de": "Entscheidung der Moderation nach den Diskussionsregeln",
    "en": "A moderator's decision under the discussion rules",
}
NO_OBJECTION = {"de": "Keine Beanstandung", "en": "No objection"}
APPEAL_HOW = "Einspruch mit POST /api/v1/comments/{id}/appeal (optional mit einer Begründung, einmal je Kommentar)."


@dataclass(frozen=True)
class Statement:
    comment_id: int
    status: str
    decided_at: datetime
    automated: bool
    category: str
    grounds: list[dict[str, Any]]
    appeal_possible: bool
    appeal_how: str | None
    appealed_at: datetime | None = None


def statement(comment: Comment, language: str = DEFAULT_LANGUAGE) -> Statement:
    """The statement for the comment as it stands (German unless ``language`` is in the catalogue)."""
    language = language if language in CATEGORIES else DEFAULT_LANGUAGE
    codes = [str(reason.get("code")) for reason in comment.reasons]
    human = comment.moderated_by is not None
    category = (
        MODERATOR_DECISION[language]
        if human and comment.status is CommentStatus.REJECTED
        else next((CATEGORIES[language][c] for c in codes if c in CATEGORIES[language]), NO_OBJECTION[language])
    )
    grounds = [
        {k: v for k, v in {"code": r.get("code"), "label": r.get("label"), "rule_id": r.get("rule_id")}.items() if v}
        | ({"label_name": label_name(str(r["label"]), language)} if r.get("label") else {})
        for r in comment.reasons
    ]
    can_appeal = comment.status is CommentStatus.REJECTED and comment.appealed_at is None
    return Statement(
        comment_id=comment.id,
        status=comment.status.value,
        decided_at=comment.moderated_at or comment.created_at,
        automated=not human,
        category=category,
        grounds=grounds,
        appeal_possible=can_appeal,
        appeal_how=APPEAL_HOW.format(id=comment.id) if can_appeal else None,
        appealed_at=comment.appealed_at,
    )
