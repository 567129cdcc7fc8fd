"""Queueing mails inside the caller's transaction: reply opt-ins, reply notices and decision notices.

Every function here only writes rows (a mail exists exactly when the change it tells of commits); the worker
(``sending.py``) renders and sends them. They do nothing while mail is off (no SMTP host).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moderation.comments.models import Comment, CommentStatus
from moderation.errors import NotFound
from moderation.messages import Message
from moderation.notifications.config import MailConfig
from moderation.notifications.models import MailKind, MailMessage, MailRecipient, ReplySubscription
from moderation.readers.models import Reader
from moderation.types import utcnow

#: At most one confirmation mail per address in this time, however often someone types it in.
CONFIRMATION_INTERVAL = timedelta(days=1)
LANGUAGES = ("de", "en")


class UnknownMailToken(NotFound):
    slug = "unknown-mail-token"
    title = "Unknown or expired link"


def mail_language(comment: Comment) -> str:
    """English mails for comments written in English, German for everything else (the site's language)."""
    return "en" if comment.language == "en" else "de"


def subscribe_replies(session: Session, *, comment: Comment, email: str, config: MailConfig) -> None:
    """The author wants to hear of replies to ``comment``: a subscription, and a confirmation mail unless the
    address already confirmed (double opt-in). A new opt-in after an unsubscribe asks for confirmation again."""
    if not config.enabled:
        return
    now = utcnow()
    recipient = recipient_for(session, email=email, language=mail_language(comment))
    if recipient.unsubscribed_at is not None:
        recipient.unsubscribed_at, recipient.confirmed_at = None, None
    session.add(ReplySubscription(recipient_id=recipient.id, comment_id=comment.id))
    recent = recipient.confirmation_sent_at and now - recipient.confirmation_sent_at < CONFIRMATION_INTERVAL
    if recipient.confirmed_at is None and not recent:
        recipient.confirmation_sent_at = now
        _queue(session, MailKind.CONFIRM, recipient, comment_id=comment.id, now=now)


def notify_published(session: Session, *, comment: Comment, config: MailConfig) -> None:
    """``comment`` is now public: mail the confirmed subscribers of its parent (never its own author), once."""
    if not config.enabled or comment.parent_id is None or comment.status is not CommentStatus.PUBLISHED:
        return
    own = (comment.email or "").lower()
    rows = session.execute(
        select(MailRecipient)
        .join(ReplySubscription, ReplySubscription.recipient_id == MailRecipient.id)
        .where(
            ReplySubscription.comment_id == comment.parent_id,
            MailRecipient.confirmed_at.is_not(None),
            MailRecipient.unsubscribed_at.is_(None),
            MailRecipient.email != own,
            ~exists().where(
                MailMessage.recipient_id == MailRecipient.id,
                MailMessage.kind == MailKind.REPLY,
                MailMessage.comment_id == comment.id,
            ),
        )
    ).scalars()
    now = utcnow()
    for recipient in rows:
        _queue(session, MailKind.REPLY, recipient, comment_id=comment.id, now=now)


def notify_decided(session: Session, *, comment: Comment, before: CommentStatus, config: MailConfig) -> None:
    """A moderator decided: tell the author (rejected, with the statement of reasons; or their held comment is
    published) if they gave an address, and subscribers of the parent when it went public."""
    notify_published(session, comment=comment, config=config)
    after = comment.status
    wanted = (after is CommentStatus.REJECTED and before is not CommentStatus.REJECTED) or (
        after is CommentStatus.PUBLISHED and before is CommentStatus.PENDING
    )
    if not (config.enabled and config.decision_notices and wanted):
        return
    email = author_address(session, comment)
    if email is None:
        return
    recipient = recipient_for(session, email=email, language=mail_language(comment))
    if recipient.unsubscribed_at is None:
        _queue(session, MailKind.DECISION, recipient, comment_id=comment.id, now=utcnow(), outcome=after.value)


def author_address(session: Session, comment: Comment) -> str | None:
    """Where the author of ``comment`` is reached (lower-cased): the address they typed, or their login's."""
    if comment.email:
        return comment.email.strip().lower()
    if comment.reader_id is None:
        return None
    email = session.scalar(select(Reader.email).where(Reader.id == comment.reader_id))
    return email.strip().lower() if email else None


def recipient_for(session: Session, *, email: str, language: str) -> MailRecipient:
    """The address's row, created on first use; a concurrent first use of the same address wins, not fails."""
    address = email.strip().lower()
    found: MailRecipient | None = session.scalar(select(MailRecipient).where(MailRecipient.email == address))
    if found is not None:
        return found
    recipient = MailRecipient(email=address, token=secrets.token_urlsafe(32), language=language)
    try:
        with session.begin_nested():
            session.add(recipient)
    except IntegrityError:
        return session.scalars(select(MailRecipient).where(MailRecipient.email == address)).one()
    return recipient


def _queue(
    session: Session, kind: MailKind, recipient: MailRecipient, *, comment_id: int, now: datetime, outcome: str = ""
) -> None:
    context = {"outcome": outcome} if outcome else {}
    session.add(
        MailMessage(
            kind=kind,
            recipient_id=recipient.id,
            comment_id=comment_id,
            language=recipient.language,
            context=context,
            created_at=now,
            next_attempt_at=now,
        )
    )


def confirm(*, session: Session, token: str) -> MailRecipient:
    """The link in the confirmation mail was followed: reply notices may go to this address now; commits."""
    recipient = _by_token(session, token)
    if recipient.confirmed_at is None:
        recipient.confirmed_at = utcnow()
    recipient.unsubscribed_at = None
    session.commit()
    return recipient


def unsubscribe(*, session: Session, token: str) -> MailRecipient:
    """No more mail to this address (RFC 8058 one-click): its subscriptions end, queued mails are dropped;
    commits."""
    recipient = _by_token(session, token)
    recipient.unsubscribed_at = recipient.unsubscribed_at or utcnow()
    recipient.confirmed_at = None
    session.execute(ReplySubscription.__table__.delete().where(ReplySubscription.recipient_id == recipient.id))
    session.commit()
    return recipient


def address_of_token(*, session: Session, token: str) -> tuple[str, str]:
    """The address a mail's link stands for and its language (``UnknownMailToken``, 404, for anything else)."""
    recipient = _by_token(session, token)
    return recipient.email, recipient.language


def language_of_token(*, session: Session, token: str) -> str:
    """The language of the address a mail's link names (``UnknownMailToken``, 404, for anything else)."""
    language = _by_token(session, token).language
    session.rollback()  # reads only
    return language


def _by_token(session: Session, token: str) -> MailRecipient:
    recipient: MailRecipient | None = session.scalar(select(MailRecipient).where(MailRecipient.token == token))
    if recipient is None:
        raise UnknownMailToken(Message.LINK_INVALID)
    return recipient


def subscriptions_of(session: Session, email: str) -> dict[str, object] | None:
    """What is stored about an address for the reader's data export (None: nothing)."""
    recipient = session.scalar(select(MailRecipient).where(MailRecipient.email == email.strip().lower()))
    if recipient is None:
        return None
    comment_ids = session.scalars(
        select(ReplySubscription.comment_id).where(ReplySubscription.recipient_id == recipient.id)
    ).all()
    queued = session.scalar(select(func.count()).where(MailMessage.recipient_id == recipient.id))
    return {
        "email": recipient.email,
        "language": recipient.language,
        "created_at": recipient.created_at.isoformat(),
        "confirmed_at": recipient.confirmed_at.isoformat() if recipient.confirmed_at else None,
        "unsubscribed_at": recipient.unsubscribed_at.isoformat() if recipient.unsubscribed_at else None,
        "reply_subscriptions": list(comment_ids),
        "mails_kept": queued,
    }
