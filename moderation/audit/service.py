"""Audit entries are added inside the caller's unit of work, never committed on their own.

The log knows ids, not entities: any feature can record what it did without this package importing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from moderation.audit.models import AuditAction, AuditEntry
from moderation.pagination import Order, Page, fetch_page

#: Newest first; the cursor carries the last entry's id.
NEWEST_FIRST = Order("audit", (AuditEntry.id,), descending=True)


def record_action(
    session: Session,
    *,
    actor: str,
    action: AuditAction,
    details: dict[str, Any],
    comment_id: int | None = None,
    article_id: str | None = None,
) -> None:
    """Audit any automatic, moderator or operator action.

    A plain row, inserted at once after flushing what the session holds: an append-only log needs none of the ORM's
    per-object bookkeeping, which costs more than the insert itself on the submission path.
    """
    row = {
        "actor": actor,
        "action": action.value,
        "comment_id": comment_id,
        "article_id": article_id,
        "details": details,
    }
    session.flush()
    session.connection().execute(_INSERT, row)


#: Built once: every submission inserts an entry (on the table, so the ORM's insert plugin is not involved).
_INSERT = insert(AuditEntry.__table__)


@dataclass(frozen=True)
class AuditQuery:
    comment_id: int | None
    article_id: str | None
    cursor: str | None
    limit: int


def list_entries(*, session: Session, query: AuditQuery) -> Page[AuditEntry]:
    """Newest first, keyset-paginated by id, optionally for one comment or one article."""
    select_entries = select(AuditEntry)
    if query.comment_id is not None:
        select_entries = select_entries.where(AuditEntry.comment_id == query.comment_id)
    if query.article_id is not None:
        select_entries = select_entries.where(AuditEntry.article_id == query.article_id)
    return fetch_page(
        session,
        select_entries,
        order=NEWEST_FIRST,
        cursor=query.cursor,
        limit=query.limit,
        key_of=lambda entry: (entry.id,),
    )
