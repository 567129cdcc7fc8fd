"""Public thread listing: top-level comments paginated by keyset cursor, each with its published replies nested.

Two queries per page whatever the thread sizes: one for the page of top-level comments, one for every comment of
those threads (the ``thread_id`` column). Replies under a removed comment move up to its nearest visible
ancestor; replies deeper than the depth limit are shown as siblings at the deepest level, as isso does.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from moderation.articles.models import Article
from moderation.articles.service import ArticleNotFound
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import count_published
from moderation.pagination import Order, fetch_page

#: What the public tree shows: published comments, and deleted ones as placeholders while replies hang below.
SHOWN = (CommentStatus.PUBLISHED, CommentStatus.DELETED)


class Sort(enum.StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    #: Best first: the Wilson lower bound of the up-vote share (``votes.ranking``), then newest.
    TOP = "top"
    #: Most published replies first, then newest (what ``top`` meant before votes).
    REPLIES = "replies"


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


@dataclass(frozen=True)
class ThreadQuery:
    sort: Sort
    limit: int | None
    cursor: str | None


def list_threads(
    *, session: Session, article_id: str, query: ThreadQuery, default_limit: int, max_depth: int
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
    roots = (
        select(Comment, reply_count)
        .outerjoin(replies, replies.c.thread_id == Comment.id)
        .where(Comment.article_id == article_id, Comment.parent_id.is_(None))
        .where(
            (Comment.status == CommentStatus.PUBLISHED)
            | ((Comment.status == CommentStatus.DELETED) & (reply_count > 0))  # a placeholder holds its thread
        )
    )
    order = _order(query.sort, reply_count)
    page = fetch_page(
        session,
        roots,
        order=order,
        cursor=query.cursor,
        limit=query.limit or default_limit,
        key_of=lambda row: _key(query.sort, row),
        scalars=False,
    )
    nodes = _build_threads(session, [row[0] for row in page.items], max_depth)
    for node, row in zip(nodes, page.items, strict=True):
        node.reply_count = row[1]
    return ThreadPage(nodes, count_published(session, article_id), page.next_cursor)


def _order(sort: Sort, reply_count: ColumnElement[Any]) -> Order:
    if sort is Sort.OLDEST:
        return Order(sort.value, (Comment.id,), descending=False)
    if sort is Sort.NEWEST:
        return Order(sort.value, (Comment.id,), descending=True)
    if sort is Sort.TOP:
        return Order("best", (Comment.rank, Comment.id), descending=True)
    return Order(sort.value, (reply_count, Comment.id), descending=True)


def _key(sort: Sort, row: Any) -> tuple[int, ...]:
    """The keyset of a row in ``sort``'s order (what the cursor carries)."""
    if sort is Sort.TOP:
        return (row[0].rank, row[0].id)
    if sort is Sort.REPLIES:
        return (row[1], row[0].id)
    return (row[0].id,)


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
        if comment.status not in SHOWN:
            anchors[comment.id] = anchor  # its replies move up to the nearest visible ancestor
            continue
        target = anchor if anchor.depth < max_depth or anchor.parent is None else anchor.parent
        node = ThreadNode(comment, target.depth + 1, target)
        target.replies.append(node)
        anchors[comment.id] = node
    for node in nodes:
        _prune_placeholders(node)
    return nodes


def _prune_placeholders(node: ThreadNode) -> None:
    """Deleted comments stay only as the parents of visible replies (children first, so chains fold up)."""
    for reply in node.replies:
        _prune_placeholders(reply)
    node.replies = [r for r in node.replies if r.comment.status is not CommentStatus.DELETED or r.replies]
