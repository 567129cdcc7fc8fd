"""What the moderators' pages read: queue tabs with their counts, items with their authors' history, the audit
log and the accounts. Decisions go through the queue feature, the same use case as the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select, tuple_
from sqlalchemy.orm import Session

from moderation.admin.presenters import History
from moderation.articles.models import Article
from moderation.campaigns.minhash import jaccard, shingles_of
from moderation.campaigns.service import CampaignDetail, campaign_detail
from moderation.comments.models import Comment, CommentStatus, CommentVersion
from moderation.pagination import Page
from moderation.queue.claims import live_claims
from moderation.queue.service import QueueItem, QueueQuery, QueueState, in_state, list_queue

TABS = (QueueState.PENDING, QueueState.REPORTED, QueueState.FLAGGED, QueueState.REJECTED, QueueState.PUBLISHED)


@dataclass(frozen=True)
class QueueView:
    state: QueueState
    counts: dict[QueueState, int]
    page: Page[QueueItem]
    histories: dict[tuple[str, str | None], History]
    #: Live soft claims on the page's comments: comment id to the moderator holding it.
    claims: dict[int, str]
    #: Earlier texts of edited comments, oldest first.
    versions: dict[int, list[CommentVersion]] = field(default_factory=dict)
    #: Stories in surge mode now, soonest end first (every moderator sees them and can end them).
    surges: list[Article] = field(default_factory=list)

    def history_of(self, comment: Comment) -> History:
        return self.histories.get((comment.author_name, comment.email), History({}))


def queue_view(*, session: Session, query: QueueQuery, now: datetime) -> QueueView:
    """A page of a tab with the counts of all tabs, the authors' histories and who is looking at what."""
    page = list_queue(session=session, query=query)
    accounts = sorted({(item.comment.author_name, item.comment.email) for item in page.items}, key=str)
    ids = [item.comment.id for item in page.items]
    claims = live_claims(session=session, comment_ids=ids, now=now)
    return QueueView(
        query.state,
        tab_counts(session),
        page,
        histories(session, accounts),
        claims,
        versions(session, ids),
        surging(session, now),
    )


def surging(session: Session, now: datetime) -> list[Article]:
    return list(session.scalars(select(Article).where(Article.surge_until > now).order_by(Article.surge_until)))


def versions(session: Session, comment_ids: list[int]) -> dict[int, list[CommentVersion]]:
    """The texts the page's comments had before their authors edited them (one query)."""
    found: dict[int, list[CommentVersion]] = {}
    if comment_ids:
        query = select(CommentVersion).where(CommentVersion.comment_id.in_(comment_ids)).order_by(CommentVersion.id)
        for version in session.scalars(query):
            found.setdefault(version.comment_id, []).append(version)
    return found


def tab_counts(session: Session) -> dict[QueueState, int]:
    """Comments per tab in three queries (the tabs show them live)."""
    rows = session.execute(select(Comment.status, func.count()).group_by(Comment.status))
    by_status: dict[CommentStatus, int] = {status: int(count) for status, count in rows}
    counts = {
        state: int(session.scalar(select(func.count()).where(in_state(state))) or 0)
        for state in (QueueState.REPORTED, QueueState.FLAGGED)
    }
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


@dataclass(frozen=True)
class LiveUpdate:
    """The queue's periodic refresh: the new items (in ``view``) and every live claim in the tab."""

    view: QueueView
    claims: dict[int, str]


def live_update(*, session: Session, query: QueueQuery, now: datetime) -> LiveUpdate:
    view = queue_view(session=session, query=replace(query, limit=20), now=now)
    claimed = session.execute(
        select(Comment.id, Comment.claimed_by).where(
            in_state(query.state), Comment.claimed_by.is_not(None), Comment.claimed_until >= now
        )
    )
    return LiveUpdate(view, {comment_id: name for comment_id, name in claimed if name is not None})


@dataclass(frozen=True)
class Member:
    comment: Comment
    #: Exact shingle Jaccard similarity to the campaign's first comment (1.0 for the first itself).
    similarity: float


@dataclass(frozen=True)
class CampaignView:
    detail: CampaignDetail
    members: list[Member]


def campaign_view(*, session: Session, campaign_id: int) -> CampaignView:
    """The campaign's comments side by side, each with how close it is to the first (usually the template)."""
    detail = campaign_detail(session=session, campaign_id=campaign_id)
    if not detail.comments:
        return CampaignView(detail, [])
    template = shingles_of(detail.comments[0].body)
    members = [Member(c, round(jaccard(template, shingles_of(c.body)), 3)) for c in detail.comments]
    return CampaignView(detail, members)
