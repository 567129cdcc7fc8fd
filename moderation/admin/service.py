"""What the moderators' pages read: queue tabs with their counts, items with their authors' history, the audit
log and the accounts. Decisions go through the queue feature, the same use case as the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select, tuple_
from sqlalchemy.orm import Session

from moderation.admin.presenters import History
from moderation.comments.models import Comment, CommentStatus
from moderation.pagination import Page
from moderation.queue.service import QueueItem, QueueQuery, QueueState, list_queue

TABS = (QueueState.PENDING, QueueState.REPORTED, QueueState.REJECTED, QueueState.PUBLISHED)


@dataclass(frozen=True)
class QueueView:
    state: QueueState
    counts: dict[QueueState, int]
    page: Page[QueueItem]
    histories: dict[tuple[str, str | None], History]

    def history_of(self, comment: Comment) -> History:
        return self.histories.get((comment.author_name, comment.email), History({}))


def queue_view(*, session: Session, query: QueueQuery) -> QueueView:
    page = list_queue(session=session, query=query)
    accounts = {(item.comment.author_name, item.comment.email) for item in page.items}
    return QueueView(query.state, tab_counts(session), page, histories(session, sorted(accounts, key=str)))


def tab_counts(session: Session) -> dict[QueueState, int]:
    """Comments per tab in two grouped queries (the tabs show them live)."""
    rows = session.execute(select(Comment.status, func.count()).group_by(Comment.status))
    by_status: dict[CommentStatus, int] = {status: int(count) for status, count in rows}
    reported = session.scalar(
        select(func.count()).where(Comment.open_reports > 0, Comment.status != CommentStatus.REJECTED)
    )
    counts: dict[QueueState, int] = {QueueState.REPORTED: int(reported or 0)}
    for state in (QueueState.PENDING, QueueState.REJECTED, QueueState.PUBLISHED):
        counts[state] = by_status.get(CommentStatus(state.value), 0)
    return counts


def histories(session: Session, accounts: Sequence[tuple[str, str | None]]) -> dict[tuple[str, str | None], History]:
    """Outcomes of every comment by the same name and e-mail address (one query for the page's accounts)."""
    if not accounts:
        return {}
    named = [name for name, email in accounts if email is None]
    with_email = [(name, email) for name, email in accounts if email is not None]
    query = select(Comment.author_name, Comment.email, Comment.status, func.count()).group_by(
        Comment.author_name, Comment.email, Comment.status
    )
    conditions: list[ColumnElement[bool]] = []
    if named:
        conditions.append(Comment.author_name.in_(named) & Comment.email.is_(None))
    if with_email:
        conditions.append(tuple_(Comment.author_name, Comment.email).in_(with_email))
    grouped: dict[tuple[str, str | None], dict[str, int]] = {}
    for name, email, status, count in session.execute(query.where(or_(*conditions))):
        grouped.setdefault((name, email), {})[status.value] = int(count)
    return {account: History(counts) for account, counts in grouped.items()}
