"""Voting on published comments: one vote per voter, counts exact under concurrency.

The comment row is locked first (``FOR UPDATE`` on PostgreSQL, the host-wide write lock on SQLite), so votes on
one comment are applied one after another: the voter's previous value is read, the vote row written and the
comment's counts and rank moved by the difference, all in one transaction. Fifty readers voting at once leave
exactly fifty votes counted (tested on both databases).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import CommentNotFound
from moderation.readers.service import signed_in_reader
from moderation.readers.sso import SsoConfig
from moderation.types import utcnow
from moderation.votes.models import Vote
from moderation.votes.ranking import rank
from moderation.webhooks.events import emit, subscriptions
from moderation.webhooks.models import EventType
from moderation.writes import serialized_writes


@dataclass(frozen=True)
class Tally:
    comment_id: int
    up: int
    down: int
    #: The caller's own vote now: 1, -1 or 0.
    mine: int
    article_id: str
    #: ``sort=top`` rank after the vote (see ``ranking.py``).
    rank: int

    def announced(self) -> dict[str, Any]:
        """What ``comment.voted`` tells receivers: the comment's counts and rank after the vote; the caller's own
        vote stays theirs (receivers never learn who voted how)."""
        return {key: value for key, value in asdict(self).items() if key != "mine"}


def voter_key(*, secret: str, reader_id: int | None, client: str) -> str:
    """A signed-in reader votes as their reader id; a guest as an HMAC of their address with the site's secret
    (no address stored): clearing cookies or opening a private window does not buy a second vote."""
    if reader_id is not None:
        return f"reader:{reader_id}"
    return "guest:" + hmac.new(secret.encode(), f"vote:{client}".encode(), hashlib.sha256).hexdigest()[:32]


def vote(*, session: Session, comment_id: int, voter: str, value: int) -> Tally:
    """Set the voter's vote (0 withdraws it) and return the new counts; commits. A vote that moves the counts is
    announced as ``comment.voted`` in the same transaction (counts and rank, never who voted); the subscriptions
    are read before the lock, and with no subscriber nothing more is written."""
    endpoints = subscriptions(session)
    with serialized_writes(session):
        comment = session.scalar(
            select(Comment).where(Comment.id == comment_id).with_for_update().execution_options(populate_existing=True)
        )
        if comment is None or comment.status is not CommentStatus.PUBLISHED:
            raise CommentNotFound(f"No published comment with id {comment_id}.")
        before = _replace_vote(session, comment, voter, value)
        comment.up += (value == 1) - (before == 1)
        comment.down += (value == -1) - (before == -1)
        comment.rank = rank(comment.up, comment.down)
        tally = Tally(comment.id, comment.up, comment.down, value, comment.article_id, comment.rank)
        if value != before:
            emit(session, event_types=(EventType.VOTED,), data={"tally": tally.announced()}, endpoints=endpoints)
        session.commit()
    return tally


def _replace_vote(session: Session, comment: Comment, voter: str, value: int) -> int:
    """Write the voter's new vote row (or delete it for 0) and return their previous value (0 if none)."""
    row = session.get(Vote, (comment.id, voter))
    before = row.value if row is not None else 0
    if row is None and value:
        session.add(Vote(comment_id=comment.id, voter_key=voter, value=value))
    elif row is not None and value:
        row.value, row.updated_at = value, utcnow()
    elif row is not None:
        session.delete(row)
    return before


def cast_vote(
    *,
    session: Session,
    comment_id: int,
    value: int,
    authorization: str | None,
    client: str,
    secret: str,
    sso: SsoConfig,
) -> Tally:
    """The vote of whoever asks: the reader the newsroom's token names (401 if it is not valid), else the guest
    at ``client``'s address."""
    reader = signed_in_reader(session=session, authorization=authorization, config=sso)
    voter = voter_key(secret=secret, reader_id=reader.id if reader is not None else None, client=client)
    return vote(session=session, comment_id=comment_id, voter=voter, value=value)
