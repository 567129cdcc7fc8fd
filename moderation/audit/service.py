"""Audit entries are added inside the caller's unit of work, never committed on their own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from moderation.audit.models import AuditEntry
from moderation.comments.models import Comment


def record(session: Session, *, actor: str, action: str, comment: Comment, details: dict[str, Any]) -> None:
    """Audit a decision about a comment."""
    record_action(
        session, actor=actor, action=action, comment_id=comment.id, article_id=comment.article_id, details=details
    )


def record_action(
    session: Session,
    *,
    actor: str,
    action: str,
    details: dict[str, Any],
    comment_id: int | None = None,
    article_id: str | None = None,
) -> None:
    """Audit any moderator or operator action (articles, webhook endpoints, accounts).

    A plain row, inserted at once after flushing what the session holds: an append-only log needs none of the ORM's
    per-object bookkeeping, which costs more than the insert itself on the submission path.
    """
    row = {"actor": actor, "action": action, "comment_id": comment_id, "article_id": article_id, "details": details}
    session.flush()
    session.connection().execute(insert(AuditEntry), [row])


def list_entries(
    *, session: Session, comment_id: int | None, article_id: str | None, before_id: int | None, limit: int
) -> list[AuditEntry]:
    """Newest first, keyset-paginated by id."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if comment_id is not None:
        query = query.where(AuditEntry.comment_id == comment_id)
    if article_id is not None:
        query = query.where(AuditEntry.article_id == article_id)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(session.scalars(query))
