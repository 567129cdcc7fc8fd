"""Published counts kept beside the rows they count, so reading a page never counts a whole story.

``articles.published_count`` (the story's published comments) and ``comments.published_replies`` (published
comments in a top-level comment's thread) change only when a comment enters or leaves ``published``. Every such
change made through the ORM passes ``before_flush`` here, so no use case can forget it: new rows, status changes
(``Comment.status`` keeps its old value for this, ``active_history``) and deleted rows turn into ``+1``/``-1``
updates of the counters in the same transaction, as ``x = x + n`` so concurrent writers never lose one. A use
case that changes a status with a Core ``UPDATE`` calls ``count_transition`` itself (reports do).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import bindparam, event, inspect, update
from sqlalchemy.orm import Session

from moderation.articles.models import Article
from moderation.comments.models import Comment, CommentStatus


def init_app() -> None:
    """Count in every session (idempotent: tests build many apps in one process)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    articles: Counter[str] = Counter()
    threads: Counter[int] = Counter()
    for comment, delta in _published_deltas(session):
        articles[comment.article_id] += delta
        if comment.thread_id is not None:
            threads[comment.thread_id] += delta
    _apply(session, articles, threads)


def _published_deltas(session: Session) -> list[tuple[Comment, int]]:
    deltas = [(c, 1) for c in session.new if isinstance(c, Comment) and c.status is CommentStatus.PUBLISHED]
    deltas += [(c, -1) for c in session.deleted if isinstance(c, Comment) and _was_published(c)]
    for comment in session.dirty:
        if not isinstance(comment, Comment):
            continue
        history: Any = inspect(comment).attrs.status.history
        if history.added and history.deleted:
            delta = _delta(CommentStatus(history.deleted[0]), CommentStatus(history.added[0]))
            if delta:
                deltas.append((comment, delta))
    return deltas


def _was_published(comment: Comment) -> bool:
    history: Any = inspect(comment).attrs.status.history
    before = history.deleted[0] if history.deleted else comment.status
    return CommentStatus(before) is CommentStatus.PUBLISHED


def _delta(before: CommentStatus, after: CommentStatus) -> int:
    return (after is CommentStatus.PUBLISHED) - (before is CommentStatus.PUBLISHED)


def count_transition(session: Session, comment: Comment, before: CommentStatus, after: CommentStatus) -> None:
    """For a status changed by a Core ``UPDATE`` (which the flush hook does not see)."""
    delta = _delta(before, after)
    if delta:
        threads = Counter({comment.thread_id: delta}) if comment.thread_id is not None else Counter()
        _apply(session, Counter({comment.article_id: delta}), threads)


def _apply(session: Session, articles: Counter[str], threads: Counter[int]) -> None:
    """Pending rows (a story registered in this very flush) count in Python; stored ones in SQL, so two
    transactions adding at once both count."""
    for article_id, delta in articles.items():
        pending = next((a for a in session.new if isinstance(a, Article) and a.id == article_id), None)
        if pending is not None:
            pending.published_count = (pending.published_count or 0) + delta
        elif delta:
            session.connection().execute(_ADD_TO_ARTICLE, {"key": article_id, "delta": delta})
            _expire(session, Article, article_id, "published_count")
    for root_id, delta in threads.items():
        if delta:
            session.connection().execute(_ADD_TO_THREAD, {"key": root_id, "delta": delta})
            _expire(session, Comment, root_id, "published_replies")


#: Built once, run on the connection: every published submission runs one, and building an ORM update per flush
#: cost more than running it. ``updated_at`` stays as it is: a comment is no change of the story's own settings.
_ARTICLES, _COMMENTS = Article.__table__, Comment.__table__
_ADD_TO_ARTICLE = (
    update(_ARTICLES)
    .where(_ARTICLES.c.id == bindparam("key"))
    .values(published_count=_ARTICLES.c.published_count + bindparam("delta"), updated_at=_ARTICLES.c.updated_at)
)
_ADD_TO_THREAD = (
    update(_COMMENTS)
    .where(_COMMENTS.c.id == bindparam("key"))
    .values(published_replies=_COMMENTS.c.published_replies + bindparam("delta"))
)


def _expire(session: Session, model: type[Any], key: Any, attribute: str) -> None:
    loaded = session.identity_map.get(inspect(model).identity_key_from_primary_key((key,)))
    if loaded is not None:
        session.expire(loaded, [attribute])
