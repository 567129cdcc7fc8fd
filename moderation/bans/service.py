"""Banning and suspending readers and guests; checked before anything of a submission is decided or stored.

A signed-in reader is banned by reader id (whatever name they post under); a guest by the same keyed hash of
e-mail address, else name, that campaign screening uses. A ban can reject the subject's pending comments in the
same transaction, each through the queue's own decision (audited and announced per comment).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from moderation.actors import moderator_actor
from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.bans.models import Ban
from moderation.campaigns.accounts import account_key
from moderation.campaigns.models import Fingerprint
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import get_comment
from moderation.errors import Forbidden, InvalidInput, NotFound
from moderation.messages import Message
from moderation.queue.service import Decision, DecisionAction, apply_decision
from moderation.readers.models import Reader
from moderation.types import utcnow
from moderation.webhooks.events import emit, subscriptions
from moderation.webhooks.models import EventType


class Banned(Forbidden):
    slug = "banned"
    title = "Banned from commenting"


class ReaderNotFound(NotFound):
    slug = "reader-not-found"
    title = "Reader not found"


class BanNotFound(NotFound):
    slug = "ban-not-found"
    title = "No active ban"


class BanKind(enum.StrEnum):
    """A ban lasts until lifted; a suspension ends by itself at ``until``."""

    BAN = "ban"
    SUSPENSION = "suspension"


@dataclass(frozen=True)
class BanInput:
    reason: str
    until: datetime | None = None
    #: Also reject the subject's comments still waiting in the queue.
    reject_pending: bool = False


READER_PREFIX = "reader:"


def reader_subject(reader_id: int) -> str:
    return f"{READER_PREFIX}{reader_id}"


def guest_subject(*, secret: str, email: str | None, author_name: str) -> str:
    return "guest:" + account_key(secret=secret, email=email, author_name=author_name)


def subjects_for(*, reader_id: int | None, email: str | None, author_name: str, secret: str) -> list[str]:
    """What a ban on an author names: their reader id, else the guest's account key."""
    if reader_id is not None:
        return [reader_subject(reader_id)]
    return [guest_subject(secret=secret, email=email, author_name=author_name)]


def subjects_of(comment: Comment, *, secret: str) -> list[str]:
    return subjects_for(
        reader_id=comment.reader_id, email=comment.email, author_name=comment.author_name, secret=secret
    )


def find_reader(session: Session, reader: str) -> Reader:
    """A reader by id (digits) or by the newsroom's ``sub``."""
    found = session.get(Reader, int(reader)) if reader.isdigit() and len(reader) < 12 else None
    found = found or session.scalar(select(Reader).where(Reader.sub == reader))
    if found is None:
        raise ReaderNotFound(f"No reader with id or sub '{reader[:100]}'.")
    return found


def active_ban(session: Session, subjects: list[str], now: datetime) -> Ban | None:
    """The subjects' first ban in force. Every submission asks, and almost never finds one: the question is a
    statement built once and run on the connection; only a ban found is loaded as an entity."""
    rows = session.connection().execute(_UNLIFTED, {"subjects": subjects})
    found = next((ban_id for ban_id, until in rows if until is None or until > now), None)
    return session.get(Ban, found) if found is not None else None


_UNLIFTED = (
    select(Ban.id, Ban.until)
    .where(Ban.subject.in_(bindparam("subjects", expanding=True)), Ban.lifted_at.is_(None))
    .order_by(Ban.id)
)


def refuse_if_banned(session: Session, subjects: list[str], now: datetime) -> None:
    """``Banned`` (403, in the reader's language) when any subject has an active ban; nothing else happens."""
    ban = active_ban(session, subjects, now)
    if ban is not None:
        extra = {"until": ban.until.isoformat() if ban.until else None}
        if ban.until is None:
            raise Banned(Message.BANNED, extra=extra)
        raise Banned(Message.BANNED_UNTIL, params={"until": f"{ban.until:%Y-%m-%d %H:%M}"}, extra=extra)


def ban_reader(*, session: Session, reader: str, ban_input: BanInput, moderator: str) -> Ban:
    found = find_reader(session, reader)
    return _ban(session, reader_subject(found.id), ban_input, moderator, Comment.reader_id == found.id)


def ban_author_of(*, session: Session, comment_id: int, ban_input: BanInput, moderator: str, secret: str) -> Ban:
    """Ban whoever wrote ``comment_id``: the reader behind it, else the guest's account."""
    comment = get_comment(session, comment_id)
    if comment.reader_id is not None:
        theirs = Comment.reader_id == comment.reader_id
        return _ban(session, reader_subject(comment.reader_id), ban_input, moderator, theirs, comment_id=comment.id)
    subject = guest_subject(secret=secret, email=comment.email, author_name=comment.author_name)
    same_account = Comment.id.in_(
        select(Fingerprint.comment_id).where(Fingerprint.account_key == subject.removeprefix("guest:"))
    )
    theirs = or_(Comment.id == comment.id, same_account)
    return _ban(session, subject, ban_input, moderator, theirs, comment_id=comment.id)


def lift_reader_ban(*, session: Session, reader: str, moderator: str) -> None:
    found = find_reader(session, reader)
    now = utcnow()
    bans = [b for b in session.scalars(select(Ban).where(Ban.subject == reader_subject(found.id))) if b.active(now)]
    if not bans:
        raise BanNotFound(f"Reader '{reader[:100]}' is not banned.")
    for ban in bans:
        ban.lifted_at, ban.lifted_by = now, moderator
    record_action(
        session,
        actor=moderator_actor(moderator),
        action=AuditAction.BAN_LIFTED,
        details={"subject": bans[0].subject, "bans": [b.id for b in bans]},
    )
    endpoints = subscriptions(session)
    for ban in bans:
        emit(session, event_types=(EventType.BAN_LIFTED,), data={"ban": ban_payload(ban)}, endpoints=endpoints)
    session.commit()


def list_bans(*, session: Session) -> list[Ban]:
    now = utcnow()
    return [
        b for b in session.scalars(select(Ban).where(Ban.lifted_at.is_(None)).order_by(Ban.id.desc())) if b.active(now)
    ]


def _ban(
    session: Session,
    subject: str,
    ban_input: BanInput,
    moderator: str,
    theirs: object,
    *,
    comment_id: int | None = None,
) -> Ban:
    now = utcnow()
    if ban_input.until is not None and ban_input.until <= now:
        raise InvalidInput("A suspension must end in the future.", errors={"until": ["Must be in the future."]})
    ban = Ban(subject=subject, reason=ban_input.reason, until=ban_input.until, created_by=moderator, created_at=now)
    session.add(ban)
    session.flush()
    rejected = _reject_pending(session, ban, theirs, moderator) if ban_input.reject_pending else []
    details = {"ban_id": ban.id, "subject": subject, "until": ban.until.isoformat() if ban.until else None}
    record_action(
        session,
        actor=moderator_actor(moderator),
        action=AuditAction.BAN_CREATED,
        details={**details, "reason": ban.reason, "rejected": rejected},
    )
    data = {"ban": ban_payload(ban), "comment_id": comment_id, "rejected_comment_ids": rejected}
    emit(session, event_types=(EventType.BAN_CREATED,), data=data)
    session.commit()
    return ban


def ban_payload(ban: Ban) -> dict[str, Any]:
    """What webhook receivers learn about a ban: a reader by their internal id, a guest not at all (their subject
    is a keyed hash of e-mail address or name, personal data that never leaves through a webhook)."""
    reader = ban.subject.startswith(READER_PREFIX)
    return {
        "id": ban.id,
        "reader_id": int(ban.subject.removeprefix(READER_PREFIX)) if reader else None,
        "kind": (BanKind.BAN if ban.until is None else BanKind.SUSPENSION).value,
        "reason": ban.reason,
        "until": ban.until.isoformat() if ban.until else None,
        "created_by": ban.created_by,
        "created_at": ban.created_at.isoformat(),
        "lifted_at": ban.lifted_at.isoformat() if ban.lifted_at else None,
        "lifted_by": ban.lifted_by,
    }


def _reject_pending(session: Session, ban: Ban, theirs: object, moderator: str) -> list[int]:
    pending = session.scalars(
        select(Comment).where(Comment.status == CommentStatus.PENDING, theirs).order_by(Comment.id)  # type: ignore[arg-type]
    )
    decision = Decision(action=DecisionAction.REJECT, reason="ban")
    rejected = []
    for comment in pending:
        apply_decision(
            session, comment=comment, decision=decision, moderator_name=moderator, context={"ban_id": ban.id}
        )
        rejected.append(comment.id)
    return rejected
