"""Public thread listing: top-level comments paginated by keyset cursor, each with its published replies nested.

Three queries per page whatever the thread and story sizes: the article (with its published count), the ids of
the page's top-level comments, and those comments with every comment of their threads (the ``thread_id``
column). Replies under a removed comment move up to its nearest visible ancestor; replies deeper than the depth
limit are shown as siblings at the deepest level, as isso does.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, load_only

from moderation.articles.models import Article
from moderation.articles.service import ArticleNotFound
from moderation.comments.models import Comment, CommentStatus
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
    """One page of the tree. Its cost does not grow with the story: the total and each thread's reply count are
    kept counters (``counters.py``); the page's top-level ids come from an index-only scan of a partial index in
    the page's order (it holds status and reply count too, so no row is read to skip one: PostgreSQL would
    otherwise walk the primary key backwards through every newer comment of the site); then one query reads those
    threads, only the columns the public output shows."""
    article = session.get(Article, article_id)
    if article is None:
        raise ArticleNotFound(f"No article with id '{article_id}' is registered.")
    order = _order(query.sort)
    roots = (
        select(*order.keys)
        .where(Comment.article_id == article_id, Comment.parent_id.is_(None))
        .where(
            (Comment.status == CommentStatus.PUBLISHED)
            | ((Comment.status == CommentStatus.DELETED) & (Comment.published_replies > 0))  # a placeholder holds
        )
    )
    page = fetch_page(
        session,
        roots,
        order=order,
        cursor=query.cursor,
        limit=query.limit or default_limit,
        key_of=tuple,
        scalars=False,
    )
    nodes = _build_threads(session, [row.id for row in page.items], max_depth)
    for node in nodes:
        node.reply_count = node.comment.published_replies
    return ThreadPage(nodes, article.published_count, page.next_cursor)


#: What the public tree shows of a comment (and needs to build it): no scores, rule hits or reasons.
PUBLIC_COLUMNS = (
    Comment.id,
    Comment.article_id,
    Comment.parent_id,
    Comment.thread_id,
    Comment.author_name,
    Comment.body,
    Comment.status,
    Comment.created_at,
    Comment.edited_at,
    Comment.up,
    Comment.down,
    Comment.rank,
    Comment.published_replies,
)


def _order(sort: Sort) -> Order:
    if sort is Sort.OLDEST:
        return Order(sort.value, (Comment.id,), descending=False)
    if sort is Sort.NEWEST:
        return Order(sort.value, (Comment.id,), descending=True)
    if sort is Sort.TOP:
        return Order("best", (Comment.rank, Comment.id), descending=True)
    return Order(sort.value, (Comment.published_replies, Comment.id), descending=True)


def _build_threads(session: Session, root_ids: list[int], max_depth: int) -> list[ThreadNode]:
    """The threads of ``root_ids`` (in that order), read in one query: the roots and all their comments."""
    if not root_ids:
        return []
    loaded = list(
        session.scalars(
            select(Comment)
            .options(load_only(*PUBLIC_COLUMNS))
            .where(or_(Comment.id.in_(root_ids), Comment.thread_id.in_(root_ids)))
            .order_by(Comment.id)
        )
    )
    by_id = {comment.id: comment for comment in loaded}
    nodes = [ThreadNode(by_id[root_id], 0) for root_id in root_ids]
    anchors: dict[int, ThreadNode] = {node.comment.id: node for node in nodes}
    for comment in loaded:
        if comment.thread_id is None:
            continue
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
