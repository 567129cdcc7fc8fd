"""Export a reader's data: every comment (with its decision and earlier versions), vote and report, as JSON.

A signed-in reader is found by reader id or the newsroom's ``sub``; a guest by the e-mail address they gave
(compared case-insensitively). A guest's votes and reports are keyed by a hash of their network address, not by
their address: they cannot be attributed to an e-mail address and are not part of a guest's export (the README
says so). The export is audited without its content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.bans.service import find_reader
from moderation.comments.models import Comment, CommentVersion
from moderation.errors import InvalidInput, NotFound
from moderation.notifications.service import subscriptions_of
from moderation.readers.models import Reader
from moderation.reports.models import Report
from moderation.types import utcnow
from moderation.votes.models import Vote


class NothingStored(NotFound):
    slug = "nothing-stored"
    title = "Nothing stored for this reader"


@dataclass(frozen=True)
class Subject:
    """Whose data: ``reader`` (id or sub) or ``email``, exactly one."""

    reader: str | None = None
    email: str | None = None


def export_data(*, session: Session, subject: Subject, actor: str) -> dict[str, Any]:
    """Everything stored about the subject; audited (``privacy.exported``, counts only); commits."""
    reader = find_subject(session, subject)
    theirs = their_comments(reader, subject)
    comments = list(session.scalars(select(Comment).where(theirs).order_by(Comment.id)))
    if reader is None and not comments:
        raise NothingStored("No comment was written with this e-mail address.")
    key = f"reader:{reader.id}" if reader is not None else None
    listed = {
        "comments": [_comment_data(session, comment) for comment in comments],
        "votes": _votes(session, key),
        "reports": _reports(session, key),
    }
    data = {
        "exported_at": utcnow().isoformat(),
        "reader": _reader_data(reader),
        **listed,
        "mail": _mail(session, reader, comments, subject),
    }
    counts = {name: len(rows) for name, rows in listed.items()}
    record_action(
        session, actor=actor, action=AuditAction.PRIVACY_EXPORTED, details={"subject": _label(subject), **counts}
    )
    session.commit()
    return data


def find_subject(session: Session, subject: Subject) -> Reader | None:
    """The signed-in reader named, or None for a guest by e-mail address (404 for an unknown reader)."""
    if (subject.reader is None) == (subject.email is None):
        raise InvalidInput("Name the reader or the e-mail address, not both.", errors={"_schema": ["Give one."]})
    return find_reader(session, subject.reader) if subject.reader is not None else None


def their_comments(reader: Reader | None, subject: Subject) -> ColumnElement[bool]:
    if reader is not None:
        return Comment.reader_id == reader.id
    return func.lower(Comment.email) == (subject.email or "").strip().lower()


def _label(subject: Subject) -> str:
    """The audit log names a reader by id or sub, never by e-mail address."""
    return f"reader:{subject.reader}" if subject.reader is not None else "guest (by e-mail address)"


def _mail(session: Session, reader: Reader | None, comments: list[Comment], subject: Subject) -> list[Any]:
    """The opt-in state and reply subscriptions of every address they gave."""
    addresses = {c.email.strip().lower() for c in comments if c.email}
    addresses |= {a.strip().lower() for a in (subject.email, reader.email if reader else None) if a}
    return [found for address in sorted(addresses) if (found := subscriptions_of(session, address)) is not None]


def _reader_data(reader: Reader | None) -> dict[str, Any] | None:
    if reader is None:
        return None
    return {
        "id": reader.id,
        "sub": reader.sub,
        "name": reader.name,
        "email": reader.email,
        "created_at": reader.created_at.isoformat(),
        "last_seen_at": reader.last_seen_at.isoformat(),
    }


def _comment_data(session: Session, comment: Comment) -> dict[str, Any]:
    versions = session.scalars(
        select(CommentVersion).where(CommentVersion.comment_id == comment.id).order_by(CommentVersion.id)
    )
    return {
        "id": comment.id,
        "article_id": comment.article_id,
        "parent_id": comment.parent_id,
        "author_name": comment.author_name,
        "email": comment.email,
        "body": comment.body,
        "status": comment.status.value,
        "reasons": comment.reasons,
        "toxicity_scores": comment.toxicity_scores,
        "created_at": comment.created_at.isoformat(),
        "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
        "moderated_at": comment.moderated_at.isoformat() if comment.moderated_at else None,
        "earlier_versions": [
            {"body": v.body, "status": v.status.value, "replaced_at": v.replaced_at.isoformat()} for v in versions
        ],
    }


def _votes(session: Session, key: str | None) -> list[dict[str, Any]]:
    if key is None:
        return []
    votes = session.scalars(select(Vote).where(Vote.voter_key == key).order_by(Vote.comment_id))
    return [{"comment_id": v.comment_id, "value": v.value, "at": v.updated_at.isoformat()} for v in votes]


def _reports(session: Session, key: str | None) -> list[dict[str, Any]]:
    if key is None:
        return []
    reports = session.scalars(select(Report).where(Report.reporter_key == key).order_by(Report.id))
    return [
        {
            "comment_id": r.comment_id,
            "reason": r.reason.value,
            "text": r.text,
            "created_at": r.created_at.isoformat(),
            "resolution": r.resolution.value if r.resolution else None,
        }
        for r in reports
    ]
