"""Placing, lifting and checking legal holds (see ``models.LegalHold``); every change is audited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.bans.service import find_reader, guest_subject, reader_subject
from moderation.errors import Conflict, InvalidInput, NotFound
from moderation.privacy.models import LegalHold
from moderation.types import utcnow


class UnderLegalHold(Conflict):
    slug = "legal-hold"
    title = "Under legal hold"


class HoldNotFound(NotFound):
    slug = "legal-hold-not-found"
    title = "No such legal hold"


@dataclass(frozen=True)
class HoldInput:
    reason: str
    article_id: str | None = None
    reader: str | None = None
    email: str | None = None


def place_hold(*, session: Session, hold_input: HoldInput, secret: str, actor: str) -> LegalHold:
    """Hold an article, a reader (id or sub) or a guest (e-mail address): exactly one; audited; commits."""
    named = [hold_input.article_id, hold_input.reader, hold_input.email]
    if sum(value is not None for value in named) != 1:
        raise InvalidInput("Name one article, reader or e-mail address.", errors={"_schema": ["Give exactly one."]})
    subject = None
    if hold_input.reader is not None:
        subject = reader_subject(find_reader(session, hold_input.reader).id)
    elif hold_input.email is not None:
        subject = guest_subject(secret=secret, email=hold_input.email.strip().lower(), author_name="")
    hold = LegalHold(article_id=hold_input.article_id, subject=subject, reason=hold_input.reason, created_by=actor)
    session.add(hold)
    session.flush()
    details = {"hold_id": hold.id, "article_id": hold.article_id, "subject": subject, "reason": hold.reason}
    record_action(session, actor=actor, action=AuditAction.PRIVACY_HOLD_PLACED, details=details)
    session.commit()
    return hold


def lift_hold(*, session: Session, hold_id: int, actor: str) -> None:
    hold = session.get(LegalHold, hold_id)
    if hold is None or hold.lifted_at is not None:
        raise HoldNotFound(f"No legal hold {hold_id} in force.")
    hold.lifted_at, hold.lifted_by = utcnow(), actor
    record_action(session, actor=actor, action=AuditAction.PRIVACY_HOLD_LIFTED, details={"hold_id": hold_id})
    session.commit()


def holds_in_force(*, session: Session) -> list[LegalHold]:
    return list(session.scalars(select(LegalHold).where(LegalHold.lifted_at.is_(None)).order_by(LegalHold.id)))


def held(subjects: list[str], article_ids: list[str]) -> ColumnElement[bool]:
    """Holds in force on any of the subjects or articles."""
    return LegalHold.lifted_at.is_(None) & or_(LegalHold.subject.in_(subjects), LegalHold.article_id.in_(article_ids))


def refuse_if_held(session: Session, subjects: list[str], article_ids: list[str]) -> None:
    hold = session.scalar(select(LegalHold).where(held(subjects, article_ids)).limit(1))
    if hold is not None:
        raise UnderLegalHold(f"Legal hold {hold.id} keeps this data until it is lifted.", extra={"hold_id": hold.id})


def held_articles(session: Session) -> set[str]:
    query = select(LegalHold.article_id).where(LegalHold.lifted_at.is_(None), LegalHold.article_id.is_not(None))
    return {article_id for article_id in session.scalars(query) if article_id}


def held_subjects(session: Session) -> set[str]:
    query = select(LegalHold.subject).where(LegalHold.lifted_at.is_(None), LegalHold.subject.is_not(None))
    return {subject for subject in session.scalars(query) if subject}
