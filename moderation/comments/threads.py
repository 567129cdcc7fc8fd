"""Public thread listing: top-level comments paginated by keyset cursor, each with its published replies nested.

Three queries per page whatever the thread and story sizes: the article (with its published count), the page of
top-level comments, and every comment of those threads (the ``thread_id`` column). Replies under a removed comment
move up to its nearest visible ancestor; replies deeper than the depth limit are shown as siblings at the deepest
level, as isso does.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from sqlalchemy import select
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
    kept counters (``counters.py``), the top-level comments come off an index in the page's order, and only the
    columns the public output shows are read."""
    article = session.get(Article, article_id)
    if article is None:
        raise ArticleNotFound(f"No article with id '{article_id}' is registered.")
    roots = (
        select(Comment)
        .options(load_only(*PUBLIC_COLUMNS))
        .where(Comment.article_id == article_id, Comment.parent_id.is_(None))
        .where(
            (Comment.status == CommentStatus.PUBLISHED)
            | ((Comment.status == CommentStatus.DELETED) & (Comment.published_replies > 0))  # a placeholder holds
        )
    )
    page = fetch_page(
        session,
        roots,
        order=_order(query.sort),
        cursor=query.cursor,
        limit=query.limit or default_limit,
        key_of=lambda comment: _key(query.sort, comment),
    )
    nodes = _build_threads(session, list(page.items), max_depth)
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


def _key(sort: Sort, comment: Comment) -> tuple[int, ...]:
    """The keyset of a row in ``sort``'s order (what the cursor carries)."""
    if sort is Sort.TOP:
        return (comment.rank, comment.id)
    if sort is Sort.REPLIES:
        return (comment.published_replies, comment.id)
    return (comment.id,)


def _build_threads(session: Session, roots: list[Comment], max_depth: int) -> list[ThreadNode]:
    nodes = [ThreadNode(root, 0) for root in roots]
    anchors: dict[int, ThreadNode] = {node.comment.id: node for node in nodes}
    if not roots:
        return nodes
    members = session.scalars(
        select(Comment)
        .options(load_only(*PUBLIC_COLUMNS))
        .where(Comment.thread_id.in_([r.id for r in roots]))
        .order_by(Comment.id)
    )
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
