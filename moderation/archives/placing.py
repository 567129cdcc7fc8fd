"""Where imported comments go in their threads: the order they are inserted in, and their parent, thread and depth.

Files may list a reply before its parent (Disqus does, by post time across edits). Rows are inserted parents
first, because the thread listing (``comments.threads``) attaches replies in id order; otherwise the file's order
is kept, so a Kommentare archive (ordered by id) is re-imported in the same order and exports again unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from moderation.archives.records import ArchiveError, CommentRecord, Ref


@dataclass(frozen=True)
class Placed:
    """A stored comment as its replies need it (``comments.service.reply_position``)."""

    id: int
    article_id: str
    thread_id: int | None
    depth: int


def insertion_order(comments: Iterable[CommentRecord]) -> list[CommentRecord]:
    """The file's order with every parent moved before its replies; a cycle of parents is an error.

    Parents outside the file (imported by an earlier run) need no place here. Iterative, so a reply chain of
    thousands does not hit Python's recursion limit.
    """
    by_ref = {comment.ref: comment for comment in comments}
    placed: set[Ref] = set()
    order: list[CommentRecord] = []
    for comment in by_ref.values():
        chain: list[CommentRecord] = []
        seen: set[Ref] = set()
        current: CommentRecord | None = comment
        while current is not None and current.ref not in placed:
            if current.ref in seen:
                raise ArchiveError(f"{current.where}: comment {current.ref.key} is its own ancestor")
            chain.append(current)
            seen.add(current.ref)
            current = by_ref.get(current.parent) if current.parent is not None else None
        for link in reversed(chain):
            placed.add(link.ref)
            order.append(link)
    return order
