"""The author's side of a decision (EU Digital Services Act, Art. 17 and 20): a statement of reasons, and an
appeal that puts a rejected comment back in the queue for another moderator.

The statement says what was decided and when, the category of the reason in words, which facts (reason codes,
model labels, rule ids) it rests on, whether it was automated (the pipeline alone) or a person's decision, and how
to appeal. Only the author may read it or appeal (the comment's edit token, or their newsroom login). One appeal
per comment, with an optional note; the comment goes back to ``pending`` with reason ``appealed``, and the
moderator who rejected it cannot decide it again (the queue refuses, 403); an automated rejection may be decided
by any moderator.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from moderation.audit.models import AuditAction
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import announce, audit_comment, get_comment
from moderation.errors import Conflict
from moderation.messages import label_name
from moderation.submission.own import require_author
from moderation.submission.runtime import SubmissionRuntime
from moderation.types import utcnow
from moderation.verdicts import ReasonCode
from moderation.webhooks.models import EventType

#: Reason codes in words, as the statement names the category (German, the site's language).
CATEGORIES: dict[str, str] = {
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
}
APPEAL_HOW = "Einspruch mit POST /api/v1/comments/{id}/appeal (optional mit einer Begründung, einmal je Kommentar)."


class AlreadyAppealed(Conflict):
    slug = "already-appealed"
    title = "Already appealed"


class NotAppealable(Conflict):
    slug = "not-appealable"
    title = "Nothing to appeal"


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


def statement_of_reasons(
    *, session: Session, runtime: SubmissionRuntime, comment_id: int, authorization: str | None
) -> Statement:
    comment = get_comment(session, comment_id)
    require_author(session, runtime, comment, authorization)
    session.rollback()  # reads only
    return _statement(comment)


def _statement(comment: Comment) -> Statement:
    codes = [str(reason.get("code")) for reason in comment.reasons]
    human = comment.moderated_by is not None
    category = (
        "Entscheidung der Moderation nach den Diskussionsregeln"
        if human and comment.status is CommentStatus.REJECTED
        else next((CATEGORIES[c] for c in codes if c in CATEGORIES), "Keine Beanstandung")
    )
    grounds = [
        {k: v for k, v in {"code": r.get("code"), "label": r.get("label"), "rule_id": r.get("rule_id")}.items() if v}
        | ({"label_name": label_name(str(r["label"]))} if r.get("label") else {})
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


def appeal(
    *,
    session: Session,
    runtime: SubmissionRuntime,
    comment_id: int,
    authorization: str | None,
    note: str | None,
) -> Statement:
    """Back to the queue for another moderator; audited and announced (``comment.held``); commits."""
    comment = get_comment(session, comment_id)
    require_author(session, runtime, comment, authorization)
    if comment.appealed_at is not None:
        raise AlreadyAppealed("Gegen diese Entscheidung haben Sie bereits Einspruch eingelegt.")
    if comment.status is not CommentStatus.REJECTED:
        raise NotAppealable("Einspruch ist nur gegen abgelehnte Kommentare möglich.")
    now = utcnow()
    comment.appealed_at, comment.appeal_note, comment.appeal_excluded = now, note, comment.moderated_by
    comment.status = CommentStatus.PENDING
    comment.reasons = [
        {"code": ReasonCode.APPEALED.value, "message": CATEGORIES[ReasonCode.APPEALED]},
        *comment.reasons,
    ]
    audit_comment(
        session,
        comment=comment,
        actor="reader" if comment.reader_id is None else f"reader:{comment.reader_id}",
        action=AuditAction.COMMENT_APPEALED,
        details={"from": "rejected", "to": "pending", "excluded": comment.appeal_excluded},
    )
    announce(session, comment=comment, event_types=(EventType.HELD,))
    session.commit()
    return dataclasses.replace(_statement(comment), appeal_possible=False, appeal_how=None)
