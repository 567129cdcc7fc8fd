"""Public thread listing: top-level comments paginated by keyset cursor, each with its published replies nested.

Two queries per page whatever the thread sizes: one for the page of top-level comments, one for every comment of
those threads (the ``thread_id`` column). Replies under a removed comment move up to its nearest visible
ancestor; replies deeper than the depth limit are shown as siblings at the deepest level, as isso does.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from moderation.articles.models import Article
from moderation.articles.service import ArticleNotFound
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import count_published
from moderation.errors import InvalidInput
from moderation.http import MAX_ID


class Sort(enum.Enum):
    NEWEST = "newest"
    OLDEST = "oldest"
    TOP = "top"  # most published replies first, then newest


@dataclass
class ThreadNode:
    comment: Comment
    depth: int
    parent: ThreadNode | None = None
    replies: list[ThreadNode] = field(default_factory=list)
    reply_count: int = 0


@dataclass(frozen=True)
class ThreadPage:
    threads: list[ThreadNode]
    total: int
    next_cursor: str | None


def list_threads(
    *, session: Session, article_id: str, sort: Sort, limit: int, cursor: str | None, max_depth: int
) -> ThreadPage:
    if session.get(Article, article_id) is None:
        raise ArticleNotFound(f"No article with id '{article_id}' is registered.")
    replies = (
        select(Comment.thread_id, func.count().label("n"))
        .where(Comment.article_id == article_id, Comment.status == CommentStatus.PUBLISHED)
        .where(Comment.thread_id.is_not(None))
        .group_by(Comment.thread_id)
        .subquery()
    )
    reply_count = func.coalesce(replies.c.n, 0)
    query = (
        select(Comment, reply_count)
        .outerjoin(replies, replies.c.thread_id == Comment.id)
        .where(Comment.article_id == article_id, Comment.parent_id.is_(None))
        .where(Comment.status == CommentStatus.PUBLISHED)
    )
    query = _ordered_after(query, sort, reply_count, _decode_cursor(cursor, sort)).limit(limit + 1)
    rows = session.execute(query).all()
    page, more = rows[:limit], len(rows) > limit
    nodes = _build_threads(session, [row[0] for row in page], max_depth)
    for node, row in zip(nodes, page, strict=True):
        node.reply_count = row[1]
    next_cursor = _encode_cursor(sort, page[-1][0].id, page[-1][1]) if more else None
    return ThreadPage(nodes, count_published(session, article_id), next_cursor)


def _ordered_after(
    query: Select[Comment, Any], sort: Sort, reply_count: ColumnElement[Any], key: tuple[int, int] | None
) -> Select[Comment, Any]:
    if sort is Sort.OLDEST:
        query = query.order_by(Comment.id.asc())
        return query.where(Comment.id > key[0]) if key else query
    if sort is Sort.NEWEST:
        query = query.order_by(Comment.id.desc())
        return query.where(Comment.id < key[0]) if key else query
    query = query.order_by(reply_count.desc(), Comment.id.desc())
    if key:
        last_id, last_count = key
        query = query.where(or_(reply_count < last_count, and_(reply_count == last_count, Comment.id < last_id)))
    return query


def _encode_cursor(sort: Sort, last_id: int, last_count: int) -> str:
    raw = json.dumps([sort.value, last_id, last_count], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str | None, sort: Sort) -> tuple[int, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_sort, last_id, last_count = json.loads(raw)
        if cursor_sort != sort.value or not all(isinstance(v, int) and 0 <= v <= MAX_ID for v in (last_id, last_count)):
            raise ValueError
        return last_id, last_count
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(
            "The cursor is not valid for this listing.",
            errors={"cursor": ["Invalid cursor; use the next_cursor value of a response with the same sort."]},
        ) from None


def _build_threads(session: Session, roots: list[Comment], max_depth: int) -> list[ThreadNode]:
    nodes = [ThreadNode(root, 0) for root in roots]
    anchors: dict[int, ThreadNode] = {node.comment.id: node for node in nodes}
    if not roots:
        return nodes
    members = session.scalars(select(Comment).where(Comment.thread_id.in_([r.id for r in roots])).order_by(Comment.id))
    for comment in members:
        anchor = anchors.get(comment.parent_id or -1)
        if anchor is None:
            continue
        if comment.status is not CommentStatus.PUBLISHED:
            anchors[comment.id] = anchor  # its replies move up to the nearest visible ancestor
            continue
        target = anchor if anchor.depth < max_depth or anchor.parent is None else anchor.parent
        node = ThreadNode(comment, target.depth + 1, target)
        target.replies.append(node)
        anchors[comment.id] = node
    return nodes
