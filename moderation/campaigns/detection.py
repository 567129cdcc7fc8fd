"""Screening one submission against the shared index: which campaign signals fire, and which stored comments are
the earlier members of that campaign. It only reads (and, on PostgreSQL, locks the submission's keys until the
transaction ends); ``indexing.record_screening`` writes the results.

Signals (each a ``RuleHit``, span = the whole body or the pushed link):

- ``campaign.copy_paste`` (reject): near-copies from at least ``min_accounts`` distinct accounts within the window.
- ``campaign.rejected_copy`` (reject): a near-copy of a comment moderators rejected, or that was rejected as part
  of a campaign, within ``rejected_window``.
- ``campaign.url_push`` (hold): the same normalised URL from at least ``url_min_accounts`` new accounts.
- ``campaign.new_account_burst`` (hold): at least ``burst_accounts`` new accounts on one article within
  ``burst_window``.

An account is *new* when its first comment seen by the index is within the window; url_push and bursts only hold
comments of new accounts, so a regular reader sharing a popular link is never caught in someone else's push.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, bindparam, case, func, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from moderation.campaigns.accounts import account_key
from moderation.campaigns.candidates import NearCopy, near_copies
from moderation.campaigns.minhash import MIN_LENGTH, SIMILARITY, TextPrint, fingerprint
from moderation.campaigns.models import CampaignKind, Fingerprint, PushedUrl
from moderation.campaigns.urls import Link, find_links, url_key
from moderation.comments.models import Comment
from moderation.settings import Settings
from moderation.verdicts import Action, RuleHit


@dataclass(frozen=True)
class CampaignConfig:
    """The ``KOMMENTARE_CAMPAIGN_*`` settings in the units detection works in."""

    secret: str
    enabled: bool = True
    min_length: int = MIN_LENGTH
    similarity: float = SIMILARITY
    window: timedelta = timedelta(hours=24)
    min_accounts: int = 3
    rejected_window: timedelta = timedelta(days=90)
    url_min_accounts: int = 3
    burst_accounts: int = 10
    burst_window: timedelta = timedelta(minutes=10)
    max_candidates: int = 200

    @classmethod
    def from_settings(cls, settings: Settings) -> CampaignConfig:
        return cls(
            secret=settings.secret_key,
            enabled=settings.campaign_detection,
            min_length=settings.campaign_min_length,
            similarity=settings.campaign_similarity,
            window=timedelta(hours=settings.campaign_window_hours),
            min_accounts=settings.campaign_min_accounts,
            rejected_window=timedelta(days=settings.campaign_rejected_window_days),
            url_min_accounts=settings.campaign_url_min_accounts,
            burst_accounts=settings.campaign_burst_accounts,
            burst_window=timedelta(minutes=settings.campaign_burst_minutes),
            max_candidates=settings.campaign_max_candidates,
        )


@dataclass(frozen=True)
class Posting:
    """What screening needs to know about a submission."""

    article_id: str
    body: str
    author_name: str
    email: str | None = None


@dataclass(frozen=True)
class Signal:
    """A fired signal: its hit, the stored comments that join the campaign, and the campaigns they are already in."""

    kind: CampaignKind
    hit: RuleHit
    members: tuple[int, ...]
    campaign_ids: tuple[int, ...]
    summary: str


@dataclass(frozen=True)
class Screening:
    """The signals that fired, plus what the index stores for this submission (``index`` False: detection off)."""

    account: str
    account_new: bool
    text: TextPrint | None
    links: tuple[Link, ...]
    signals: tuple[Signal, ...]
    index: bool = True

    @property
    def hits(self) -> tuple[RuleHit, ...]:
        return tuple(signal.hit for signal in self.signals)


#: Detection switched off (``KOMMENTARE_CAMPAIGN_DETECTION=false``): nothing fires, nothing is indexed.
SKIPPED = Screening(account="", account_new=False, text=None, links=(), signals=(), index=False)


def describe(*, session: Session, config: CampaignConfig, posting: Posting, now: datetime) -> Screening:
    """What the index stores for a posting made at ``now`` (its account, whether that was new then, the text's
    fingerprint and links), with no signal evaluated: ``screen`` adds the signals, and an imported comment, which
    is history rather than a submission to judge, is indexed with this alone."""
    account = account_key(secret=config.secret, email=posting.email, author_name=posting.author_name)
    first_seen = session.connection().scalar(_FIRST_SEEN, {"account": account})
    account_new = first_seen is None or first_seen >= now - config.window
    text = fingerprint(posting.body, min_length=config.min_length)
    return Screening(account, account_new, text, tuple(find_links(posting.body)), ())


def screen(*, session: Session, config: CampaignConfig, posting: Posting, now: datetime) -> Screening:
    """Fingerprint the submission and evaluate every signal against the index."""
    if not config.enabled:
        return SKIPPED
    connection = session.connection()  # Core statements: no ORM overhead on the submission path
    described = describe(session=session, config=config, posting=posting, now=now)
    account, account_new, text, links = described.account, described.account_new, described.text, described.links
    serialize(connection, [*(text.keys if text else ()), *(url_key(link.url) for link in links)])
    since = now - max(config.window, config.rejected_window)
    copies = near_copies(session, text, similarity=config.similarity, since=since, limit=config.max_candidates)
    signals = [
        _copy_paste(posting, account, copies, config, now),
        _rejected_copy(posting, copies, config),
        *(_url_push(connection, link, account, config, now) for link in links if account_new),
        _burst(connection, posting, account, config, now) if account_new else None,
    ]
    return Screening(account, account_new, text, links, tuple(s for s in signals if s is not None))


def serialize(connection: Connection, keys: list[int]) -> None:
    """On PostgreSQL, take a transaction-level advisory lock per band and URL key (sorted, so never a deadlock).

    Two copies submitted at the same moment by different workers or hosts would otherwise each miss the other (both
    read before either commits); with the locks the second one waits until the first has committed, then sees it.
    Only submissions sharing a key wait for each other. SQLite (development) has no such locks.
    """
    if keys and connection.dialect.name == "postgresql":
        connection.execute(_LOCK, {"keys": sorted(set(keys))})


_LOCK = sql(
    "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(key) FROM unnest(CAST(:keys AS bigint[])) "
    "WITH ORDINALITY AS k (key, n) ORDER BY n) AS locked"
)
_FIRST_SEEN = select(func.min(Fingerprint.created_at)).where(Fingerprint.account_key == bindparam("account"))
#: Comments of accounts that were new when they posted, narrowed to a URL or an article (``_NEW_ON_ARTICLE``).
_BY_NEW_ACCOUNTS = select(Fingerprint.comment_id).where(
    Fingerprint.account_new.is_(True), Fingerprint.created_at >= bindparam("since")
)
_URL_PUSHERS = _BY_NEW_ACCOUNTS.join(PushedUrl, PushedUrl.comment_id == Fingerprint.comment_id).where(
    PushedUrl.url_key == bindparam("url_key")
)
_NEW_ON_ARTICLE = _BY_NEW_ACCOUNTS.where(Fingerprint.article_id == bindparam("article_id"))


def _accounts_reaching(connection: Connection, scope: Select[Any], params: dict[str, Any], needed: int) -> set[str]:
    """Distinct accounts in ``scope``, but never more than ``needed``: a flood of thousands of comments costs the
    same as the first ``needed`` accounts (the database stops reading there)."""
    accounts = scope.with_only_columns(Fingerprint.account_key).distinct().limit(needed).subquery()
    return set(connection.scalars(select(accounts.c.account_key), params))


def _window(
    connection: Connection, scope: Select[Any], params: dict[str, Any], limit: int
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Of the newest ``limit`` (``max_candidates``) comments in ``scope``: the ids of those in no campaign yet, and
    the campaigns the others are in, most members first.

    Like near-copy candidates, a firing signal reads a bounded window, aggregated in the database: once a flood is a
    campaign its earlier comments are members already, and reading all of them back on every submission would make
    each one slower than the last. The cost: if more than ``limit`` comments piled up before the signal fired, the
    oldest of them stay out of the campaign (they were published before it fired).
    """
    newest = scope.add_columns(Comment.campaign_id).join(Comment, Comment.id == Fingerprint.comment_id)
    window = newest.order_by(Fingerprint.created_at.desc()).limit(limit).subquery()  # the index order
    member = case((window.c.campaign_id.is_(None), window.c.comment_id))
    query = select(member, window.c.campaign_id, func.count()).group_by(member, window.c.campaign_id)
    rows = connection.execute(query, params).all()
    unassigned = tuple(sorted((row[0] for row in rows if row[1] is None), reverse=True))
    campaigns = sorted((row for row in rows if row[1] is not None), key=lambda row: -row[2])
    return unassigned, tuple(row[1] for row in campaigns)


def _body_hit(rule_id: str, action: Action, posting: Posting, weight: float, note: str) -> RuleHit:
    return RuleHit(rule_id, action, 0, len(posting.body), posting.body, round(weight, 4), note)


def _signal(kind: CampaignKind, hit: RuleHit, members: list[tuple[int, int | None]], summary: str) -> Signal:
    """``members``: (comment id, its campaign id) of the earlier comments; their most common campaign comes first."""
    campaigns = Counter(campaign_id for _, campaign_id in members if campaign_id is not None)
    ids = tuple(campaign_id for campaign_id, _ in campaigns.most_common())
    return Signal(kind, hit, tuple(comment_id for comment_id, _ in members), ids, summary[:500])


def _copy_paste(
    posting: Posting, account: str, copies: list[NearCopy], config: CampaignConfig, now: datetime
) -> Signal | None:
    recent = [c for c in copies if c.created_at >= now - config.window]
    accounts = {c.account for c in recent} | {account}
    if len(accounts) < config.min_accounts:
        return None
    hours = config.window.total_seconds() / 3600
    note = (
        f"near-copy (Jaccard >= {config.similarity:g}) of {len(recent)} comments from {len(accounts) - 1} other "
        f"accounts within {hours:g} h (threshold: {config.min_accounts} accounts)"
    )
    best = max(c.similarity for c in recent)
    hit = _body_hit(CampaignKind.COPY_PASTE.rule_id, Action.REJECT, posting, best, note)
    return _signal(CampaignKind.COPY_PASTE, hit, [(c.comment_id, c.campaign_id) for c in recent], _excerpt(posting))


def _rejected_copy(posting: Posting, copies: list[NearCopy], config: CampaignConfig) -> Signal | None:
    templates = [c for c in copies if c.rejected_as_template]
    if not templates:
        return None
    more = f" and {len(templates) - 1} more" if len(templates) > 1 else ""
    note = f"near-copy (Jaccard >= {config.similarity:g}) of rejected comment #{templates[0].comment_id}{more}"
    best = max(c.similarity for c in templates)
    hit = _body_hit(CampaignKind.REJECTED_COPY.rule_id, Action.REJECT, posting, best, note)
    members = [(c.comment_id, c.campaign_id) for c in templates]
    return _signal(CampaignKind.REJECTED_COPY, hit, members, _excerpt(posting))


def _url_push(connection: Connection, link: Link, account: str, config: CampaignConfig, now: datetime) -> Signal | None:
    params = {"url_key": url_key(link.url), "since": now - config.window}
    accounts = _accounts_reaching(connection, _URL_PUSHERS, params, config.url_min_accounts) | {account}
    if len(accounts) < config.url_min_accounts:
        return None
    hours = config.window.total_seconds() / 3600
    note = f"{link.url} pushed by at least {len(accounts)} new accounts within {hours:g} h"
    hit = RuleHit(
        CampaignKind.URL_PUSH.rule_id, Action.HOLD, link.start, link.end, link.match, float(len(accounts)), note
    )
    members, campaigns = _window(connection, _URL_PUSHERS, params, config.max_candidates)
    return Signal(CampaignKind.URL_PUSH, hit, members, campaigns, link.url[:500])


def _burst(
    connection: Connection, posting: Posting, account: str, config: CampaignConfig, now: datetime
) -> Signal | None:
    params = {"article_id": posting.article_id, "since": now - config.burst_window}
    accounts = _accounts_reaching(connection, _NEW_ON_ARTICLE, params, config.burst_accounts) | {account}
    if len(accounts) < config.burst_accounts:
        return None
    minutes = config.burst_window.total_seconds() / 60
    note = f"at least {len(accounts)} new accounts commented on this article within {minutes:g} min"
    hit = _body_hit(CampaignKind.NEW_ACCOUNT_BURST.rule_id, Action.HOLD, posting, float(len(accounts)), note)
    members, campaigns = _window(connection, _NEW_ON_ARTICLE, params, config.max_candidates)
    return Signal(CampaignKind.NEW_ACCOUNT_BURST, hit, members, campaigns, f"article {posting.article_id}")


def _excerpt(posting: Posting, length: int = 200) -> str:
    flat = " ".join(posting.body.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"
