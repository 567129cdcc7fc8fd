"""Soft claims: the queue shows who is looking at a comment, so two moderators do not work it by accident.

A claim is a hint, not a lock: it lasts a couple of minutes, is renewed while the moderator stays on the item,
is cleared by any decision, and another moderator may still decide (a colleague who went home must not block
the queue). Claims live on the comment row, so every worker process and host sees the same ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from moderation.comments.models import Comment
from moderation.comments.service import get_comment

CLAIM_TTL = timedelta(minutes=2)


@dataclass(frozen=True)
class Claim:
    comment_id: int
    moderator: str
    until: datetime


def claim(*, session: Session, comment_id: int, moderator_name: str, now: datetime) -> Claim:
    """Take or renew the claim, unless a colleague holds a live one: then theirs is returned, unchanged."""
    comment = get_comment(session, comment_id)
    session.execute(
        update(Comment)
        .where(Comment.id == comment.id)
        .where(
            Comment.claimed_by.is_(None)
            | (Comment.claimed_by == moderator_name)
            | (Comment.claimed_until.is_(None))
            | (Comment.claimed_until < now)
        )
        .values(claimed_by=moderator_name, claimed_until=now + CLAIM_TTL)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(comment)
    assert comment.claimed_by is not None and comment.claimed_until is not None  # set by us or a colleague
    return Claim(comment.id, comment.claimed_by, comment.claimed_until)


def release(*, session: Session, comment_id: int, moderator_name: str) -> None:
    """Drop one's own claim (moving on without deciding); a colleague's claim stays."""
    session.execute(
        update(Comment)
        .where(Comment.id == comment_id, Comment.claimed_by == moderator_name)
        .values(claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def live_claims(*, session: Session, comment_ids: Sequence[int], now: datetime) -> dict[int, str]:
    """Who holds a live claim on each of ``comment_ids`` (those without one are left out)."""
    if not comment_ids:
        return {}
    rows = session.execute(
        select(Comment.id, Comment.claimed_by).where(
            Comment.id.in_(comment_ids), Comment.claimed_by.is_not(None), Comment.claimed_until >= now
        )
    )
    return {comment_id: name for comment_id, name in rows if name is not None}
