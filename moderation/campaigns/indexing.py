"""Screening and indexing a submission inside the submission use case's transaction.

A failure here is contained and reported as a value, never by ending the caller's transaction: screening returns
None (the use case rolls back its reads and holds the comment with ``campaign_unavailable``, see ``reasons.py``),
indexing undoes only its own savepoint and returns False. The comment is still stored either way, never dropped
and never published unchecked.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from moderation.actors import Actor
from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.campaigns.detection import SKIPPED, CampaignConfig, Posting, Screening, Signal, describe, screen
from moderation.campaigns.events import campaign_payload
from moderation.campaigns.models import BandBucket, Campaign, CampaignKind, CampaignStatus, Fingerprint, PushedUrl
from moderation.campaigns.urls import url_key
from moderation.comments.models import Comment
from moderation.types import utcnow
from moderation.webhooks.events import Subscription, emit
from moderation.webhooks.models import EventType

log = logging.getLogger(__name__)


def screen_submission(*, session: Session, config: CampaignConfig, posting: Posting, now: datetime) -> Screening | None:
    """Evaluate the signals; None means the stage failed (the caller holds the comment).

    Screening runs before the submission writes anything, so the caller can roll its transaction back after a
    failure (on PostgreSQL a failed statement leaves it unusable) and lose only reads; a savepoint would cost two
    statements on every submission to protect nothing.
    """
    if not config.enabled:
        return SKIPPED
    try:
        return screen(session=session, config=config, posting=posting, now=now)
    except Exception:
        log.exception("campaign screening failed; holding the comment")
        return None


def record_screening(
    *, session: Session, comment: Comment, screening: Screening, endpoints: Sequence[Subscription] | None = None
) -> bool:
    """Index the stored comment and put it (with the earlier members) into its campaign; False if that failed.
    ``endpoints`` (read before the write lock) receive ``campaign.detected`` when a new campaign begins."""
    if not screening.index:
        return True
    try:
        with session.begin_nested():
            _index(session, comment, screening)
            if screening.signals:
                _join_campaign(session, comment, screening.signals[0], endpoints)
        return True
    except Exception:
        log.exception("campaign indexing failed; holding the comment")
        return False


def index_comment(*, session: Session, config: CampaignConfig, comment: Comment, account: str | None) -> bool:
    """Index a comment stored without being screened (an imported archive), as it was when it was posted, so later
    submissions copying it are caught; no signal is evaluated for it and it joins no campaign. ``account`` is what
    screening keys the author on (the e-mail address, or ``sso:<sub>`` for a signed-in reader). False if that
    failed (only this comment's savepoint is undone)."""
    if not config.enabled or not comment.body:
        return True
    posting = Posting(article_id=comment.article_id, body=comment.body, author_name=comment.author_name, email=account)
    try:
        with session.begin_nested():
            _index(session, comment, describe(session=session, config=config, posting=posting, now=comment.created_at))
        return True
    except Exception:
        log.exception("campaign indexing of an imported comment failed")
        return False


def _index(session: Session, comment: Comment, screening: Screening) -> None:
    """One fingerprint row, its (up to 16) band buckets and its links; Core inserts, no ORM unit of work."""
    connection = session.connection()
    text = screening.text
    fingerprint = {
        "comment_id": comment.id,
        "article_id": comment.article_id,
        "account_key": screening.account,
        "account_new": screening.account_new,
        "text_hash": text.digest if text else None,
        "created_at": comment.created_at,
    }
    connection.execute(_INSERT_FINGERPRINT, fingerprint)
    if text is not None:
        buckets = [{"band_key": key, "comment_id": comment.id} for key in dict.fromkeys(text.keys)]
        connection.execute(_INSERT_BUCKET, buckets)
    if screening.links:
        urls = [{"url_key": url_key(link.url), "comment_id": comment.id, "url": link.url} for link in screening.links]
        connection.execute(_INSERT_URL, urls)


#: Built once, on the tables: every submission runs the first two.
_INSERT_FINGERPRINT = insert(Fingerprint.__table__)
_INSERT_BUCKET = insert(BandBucket.__table__)
_INSERT_URL = insert(PushedUrl.__table__)


#: Copy-paste and copies of rejected comments are one text family: a copy joins either kind of campaign.
_FAMILY = {CampaignKind.REJECTED_COPY: CampaignKind.COPY_PASTE}


def _join_campaign(
    session: Session, comment: Comment, signal: Signal, endpoints: Sequence[Subscription] | None
) -> None:
    """The campaign of the same family most earlier members are in, or a new one; members without a campaign join.

    Members keep their status: moderators decide on the whole campaign at once.
    """
    existing = _existing_campaign(session, signal)
    campaign = existing or Campaign(kind=signal.kind, article_id=comment.article_id, summary=signal.summary)
    if existing is None:
        session.add(campaign)
        session.flush()
    comment.campaign_id = campaign.id
    added = session.execute(
        update(Comment)
        .where(Comment.id.in_(signal.members), Comment.campaign_id.is_(None))
        .values(campaign_id=campaign.id)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    earlier = int(added.rowcount)  # type: ignore[attr-defined]
    _count_members(session, campaign, comment, added=earlier)
    campaign.status = CampaignStatus.OPEN  # a new member has no moderator decision yet
    _record_join(session, campaign, comment, signal, added=earlier, new=existing is None)
    if existing is None:
        data = {"campaign": campaign_payload(campaign), "comment_id": comment.id, "rule_id": signal.hit.rule_id}
        emit(session, event_types=(EventType.CAMPAIGN_DETECTED,), data=data, endpoints=endpoints)


def _record_join(
    session: Session, campaign: Campaign, comment: Comment, signal: Signal, *, added: int, new: bool
) -> None:
    """The audit entry: a campaign detected, or one that grew by this comment (and ``added`` earlier ones)."""
    record_action(
        session,
        actor=Actor.PIPELINE,
        action=AuditAction.CAMPAIGN_DETECTED if new else AuditAction.CAMPAIGN_GROWN,
        article_id=comment.article_id,
        comment_id=comment.id,
        details={
            "campaign_id": campaign.id,
            "kind": campaign.kind.value,
            "rule_id": signal.hit.rule_id,
            "earlier_members_added": added,
        },
    )


def _existing_campaign(session: Session, signal: Signal) -> Campaign | None:
    family = _FAMILY.get(signal.kind, signal.kind)
    for campaign_id in signal.campaign_ids:  # most members first
        campaign = session.get(Campaign, campaign_id)
        if campaign is not None and _FAMILY.get(campaign.kind, campaign.kind) is family:
            return campaign
    return None


def _count_members(session: Session, campaign: Campaign, comment: Comment, *, added: int) -> None:
    """Keep ``comment_count`` and the single-article mark current.

    A new comment joining without taking in earlier ones (the usual case once a campaign exists: its earlier members
    joined already) is counted in place; recounting a campaign of thousands on every submission of a flood would
    make each one slower than the last. Taking in earlier comments recounts exactly.
    """
    campaign.updated_at = utcnow()
    if added == 0 and campaign.comment_count:
        campaign.comment_count = Campaign.comment_count + 1
        if campaign.article_id is not None and campaign.article_id != comment.article_id:
            campaign.article_id = None
        return
    count, articles = session.execute(
        select(func.count(), func.count(func.distinct(Comment.article_id))).where(Comment.campaign_id == campaign.id)
    ).one()
    campaign.comment_count = count
    if articles > 1:
        campaign.article_id = None
