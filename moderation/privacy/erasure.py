"""Erasing a reader (GDPR Art. 17): their text, names, addresses and account keys go from every table; what
happened stays, without them.

Chosen: comments are *anonymised*, not deleted, so threads keep their shape: each becomes ``deleted`` with an
empty body and name (the public tree shows "[gelöscht]" where replies hang below it, nothing otherwise), its
earlier versions and rule-hit spans are deleted, its campaign-index rows (fingerprints of the text, keyed
account hashes, pushed links) are deleted. The reader's own votes are deleted (the counts on comments stay: an
anonymous sum), their reports lose reporter key and note, bans on their identity are deleted (a new login would
be a new reader anyway), the ``readers`` row goes. Audit entries and webhook payloads about their comments keep
their shape and decisions, with every value that contains their text, name, address or keys replaced by
"[gelöscht]" and rule-hit matches removed. A guest is found by the e-mail address they gave.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from moderation.audit.models import AuditAction, AuditEntry
from moderation.audit.service import record_action
from moderation.bans.models import Ban
from moderation.campaigns.accounts import account_key
from moderation.campaigns.models import Fingerprint, PushedUrl
from moderation.comments.models import Comment, CommentStatus, CommentVersion
from moderation.notifications.models import MailRecipient
from moderation.privacy.holds import refuse_if_held
from moderation.privacy.service import NothingStored, Subject, find_subject, their_comments
from moderation.readers.models import Reader
from moderation.reports.models import Report
from moderation.votes.models import Vote
from moderation.webhooks.models import OutboxEvent

ERASED = "[gelöscht]"
#: Shorter strings are not searched for (a two-letter name would scrub every entry).
MIN_SECRET = 3


@dataclass(frozen=True)
class Erased:
    comments: int
    votes: int
    reports: int
    bans: int


def erase_data(*, session: Session, subject: Subject, secret: str, actor: str) -> Erased:
    """Anonymise the subject's comments and remove their personal data everywhere; audited (counts); commits."""
    reader = find_subject(session, subject)
    comments = list(session.scalars(select(Comment).where(their_comments(reader, subject))))
    if reader is None and not comments:
        raise NothingStored("No comment was written with this e-mail address.")
    ids = [c.id for c in comments]
    keys = {account_key(secret=secret, email=c.email, author_name=c.author_name) for c in comments}
    if subject.email is not None:
        keys.add(account_key(secret=secret, email=subject.email.strip().lower(), author_name=""))
    subjects = [f"reader:{reader.id}"] if reader is not None else []
    subjects += [f"guest:{key}" for key in keys]
    refuse_if_held(session, subjects, sorted({c.article_id for c in comments}))
    secrets = _secrets(session, reader, comments, keys)
    votes, reports = _reader_traces(session, reader)
    bans = int(session.execute(delete(Ban).where(Ban.subject.in_(subjects))).rowcount)  # type: ignore[attr-defined]
    _index_traces(session, ids, keys)
    _mail_traces(session, reader, comments, subject)
    for comment in comments:
        _anonymise(comment)
    _scrub_history(session, ids, subjects, secrets)
    if reader is not None:
        session.delete(reader)
    erased = Erased(len(comments), votes, reports, bans)
    record_action(session, actor=actor, action=AuditAction.PRIVACY_ERASED, details=erased.__dict__)
    session.commit()
    return erased


def _mail_traces(session: Session, reader: Reader | None, comments: list[Comment], subject: Subject) -> None:
    """Their opt-ins go, with their subscriptions and every mail queued or kept for them (foreign-key cascade)."""
    addresses = {c.email for c in comments} | {subject.email, reader.email if reader is not None else None}
    lowered = {address.strip().lower() for address in addresses if address}
    session.execute(delete(MailRecipient).where(MailRecipient.email.in_(lowered)))


def _secrets(session: Session, reader: Reader | None, comments: list[Comment], keys: set[str]) -> set[str]:
    """Every string that must not survive: texts (now and before edits), names, addresses, sub, account keys."""
    ids = [c.id for c in comments]
    found = {c.body for c in comments} | {c.author_name for c in comments} | {c.email or "" for c in comments}
    found |= set(session.scalars(select(CommentVersion.body).where(CommentVersion.comment_id.in_(ids))))
    found |= keys
    if reader is not None:
        found |= {reader.sub, reader.name, reader.email or ""}
    return {s for s in found if len(s) >= MIN_SECRET}


def _reader_traces(session: Session, reader: Reader | None) -> tuple[int, int]:
    if reader is None:
        return 0, 0
    key = f"reader:{reader.id}"
    votes = session.execute(delete(Vote).where(Vote.voter_key == key)).rowcount  # type: ignore[attr-defined]
    reports = session.execute(
        update(Report).where(Report.reporter_key == key).values(reporter_key=None, text=None)
    ).rowcount  # type: ignore[attr-defined]
    session.execute(update(Comment).where(Comment.reader_id == reader.id).values(reader_id=None))
    return int(votes), int(reports)


def _index_traces(session: Session, ids: list[int], keys: set[str]) -> None:
    session.execute(delete(CommentVersion).where(CommentVersion.comment_id.in_(ids)))
    session.execute(delete(Fingerprint).where(or_(Fingerprint.comment_id.in_(ids), Fingerprint.account_key.in_(keys))))
    session.execute(delete(PushedUrl).where(PushedUrl.comment_id.in_(ids)))


def _anonymise(comment: Comment) -> None:
    comment.body, comment.author_name, comment.email, comment.reader_id = "", "", None, None
    comment.status, comment.rule_hits, comment.flagged = CommentStatus.DELETED, [], False
    comment.claimed_by = comment.claimed_until = None
    comment.needs_rescore = False


def _scrub_history(session: Session, ids: list[int], subjects: list[str], secrets: set[str]) -> None:
    """Audit entries of the comments (and of bans on the subjects), and outbox payloads, without the secrets."""
    secrets |= set(subjects)
    entries = select(AuditEntry).where(
        or_(AuditEntry.comment_id.in_(ids), AuditEntry.action.in_((AuditAction.BAN_CREATED, AuditAction.BAN_LIFTED)))
    )
    for entry in session.scalars(entries):
        entry.details = scrub(entry.details, secrets)
    for event in session.scalars(select(OutboxEvent)):
        if _mentions(event.payload, ids):
            event.payload = scrub(event.payload, secrets)


def _mentions(payload: dict[str, Any], ids: list[int]) -> bool:
    comment = (payload.get("data") or {}).get("comment") or {}
    return isinstance(comment, dict) and comment.get("id") in ids


def scrub(value: Any, secrets: set[str]) -> Any:
    """``value`` with every string containing a secret replaced, and rule-hit ``match`` texts removed (pure)."""
    if isinstance(value, str):
        return ERASED if any(secret in value for secret in secrets) else value
    if isinstance(value, list):
        return [scrub(item, secrets) for item in value]
    if isinstance(value, dict):
        return {key: scrub(item, secrets) for key, item in value.items() if key != "match"}
    return value
