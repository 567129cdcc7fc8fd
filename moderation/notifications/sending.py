"""The mail worker: queue the moderators' digest when it is due, claim due mails, render and send them, back off
on failure, and delete what is old.

Several workers may run: a claim leases its rows (``next_attempt_at`` moves past the round) under
``FOR UPDATE SKIP LOCKED`` on PostgreSQL or the host's write lock on SQLite, so no mail goes out twice unless a
worker dies between the SMTP answer and its commit (at-least-once, like webhooks).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from moderation import metrics
from moderation.comments.service import waiting
from moderation.notifications.config import MailConfig
from moderation.notifications.mails import Obsolete, queue_figures, render
from moderation.notifications.models import MailKind, MailMessage, MailRecipient, MailStatus
from moderation.notifications.smtp import SendFailed, Transport, build_message, smtp_send
from moderation.types import utcnow
from moderation.writes import serialized_writes

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)
BACKOFF_BASE_SECONDS = 30.0


@dataclass(frozen=True)
class MailRound:
    sent: int = 0
    failed: int = 0
    dropped: int = 0


def run_once(session: Session, *, config: MailConfig, send: Transport = smtp_send, batch: int = 50) -> MailRound:
    """One round: digest if due, then up to ``batch`` mails; commits after each mail."""
    now = utcnow()
    queue_digest(session, config=config, now=now)
    counts = dict.fromkeys(MailStatus, 0)
    for mail_id in claim_due(session, now=now, batch=batch):
        counts[send_one(session, mail_id, config=config, send=send)] += 1
    return MailRound(counts[MailStatus.SENT], counts[MailStatus.FAILED], counts[MailStatus.DROPPED])


def claim_due(session: Session, *, now: datetime, batch: int) -> list[int]:
    due = and_(MailMessage.status == MailStatus.PENDING, MailMessage.next_attempt_at <= now)
    with serialized_writes(session):
        ids = list(
            session.scalars(
                select(MailMessage.id)
                .where(due)
                .order_by(MailMessage.id)
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
        )
        if ids:
            session.execute(update(MailMessage).where(MailMessage.id.in_(ids)).values(next_attempt_at=now + LEASE))
        session.commit()
    return ids


def send_one(session: Session, mail_id: int, *, config: MailConfig, send: Transport) -> MailStatus:
    message = session.get_one(MailMessage, mail_id)
    message.attempts += 1
    try:
        send(build_message(render(session, message, config), config), config)
    except Obsolete as exc:
        message.status, message.last_error = MailStatus.DROPPED, str(exc)
    except SendFailed as exc:
        log.warning("mail %s (%s) failed: %s", message.id, message.kind.value, exc)
        message.last_error = str(exc)[:1000]
        if exc.permanent or message.attempts >= config.max_attempts:
            message.status = MailStatus.FAILED
        else:
            message.next_attempt_at = utcnow() + backoff(message.attempts)
    else:
        message.status, message.sent_at, message.last_error = MailStatus.SENT, utcnow(), None
    outcome = message.status
    metrics.MAILS.labels(kind=message.kind.value, outcome=outcome.value).inc()
    session.commit()
    return outcome


def backoff(attempts: int) -> timedelta:
    """30 s, 90 s, 4.5 min, ... (x3 per attempt), at most six hours."""
    return min(timedelta(seconds=BACKOFF_BASE_SECONDS * 3 ** (attempts - 1)), MAX_BACKOFF)


def queue_digest(session: Session, *, config: MailConfig, now: datetime) -> bool:
    """Queue a digest when the oldest pending comment waited ``digest_after_minutes`` and the last digest is
    ``digest_every_minutes`` old; commits. One per interval however many workers ask.

    Each round of the worker asks, so the cheap question comes first and outside the write lock: has anything
    waited long enough? Only then the lock, the last digest's time and the digest's own figures.
    """
    if not (config.enabled and config.digest_to):
        return False
    queue = waiting(session)
    session.rollback()
    if queue.oldest is None or now - queue.oldest < timedelta(minutes=config.digest_after_minutes):
        return False
    with serialized_writes(session):
        last = session.scalar(select(func.max(MailMessage.created_at)).where(MailMessage.kind == MailKind.DIGEST))
        if last is not None and now - last < timedelta(minutes=config.digest_every_minutes):
            session.rollback()
            return False
        minutes = int((now - queue.oldest).total_seconds() // 60)
        figures = queue_figures(session, queue, oldest_minutes=minutes)
        session.add(MailMessage(kind=MailKind.DIGEST, context=figures, created_at=now, next_attempt_at=now))
        session.commit()
    return True


def prune(session: Session, *, config: MailConfig, now: datetime) -> int:
    """Delete sent, failed and dropped mails and never-confirmed opt-ins ``retention_days`` old; commits."""
    if config.retention_days <= 0:
        return 0
    cutoff = now - timedelta(days=config.retention_days)
    done = MailMessage.status.in_((MailStatus.SENT, MailStatus.FAILED, MailStatus.DROPPED))
    removed = session.execute(delete(MailMessage).where(done, MailMessage.created_at < cutoff)).rowcount  # type: ignore[attr-defined]
    stale = or_(MailRecipient.confirmation_sent_at < cutoff, MailRecipient.confirmation_sent_at.is_(None))
    session.execute(
        delete(MailRecipient).where(MailRecipient.confirmed_at.is_(None), MailRecipient.created_at < cutoff, stale)
    )
    session.commit()
    return int(removed)
