"""Near-copy lookup in the shared index: LSH band buckets nominate candidates, exact Jaccard confirms them.

This is the per-submission hot path (``bench/campaigns.py`` measures it). Most comments have no candidate (no
stored comment shares two band keys with them) and cost one statement. Every bucket is read newest first with its
own limit, so a bucket holding thousands of copies of one text costs no more than ``max_candidates`` rows. A
candidate's shingles, recomputed from its stored body, are memoised per body text, because inside a campaign every
new copy is compared with the same recent members again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, case, select, text
from sqlalchemy.orm import Session

from moderation.campaigns.minhash import BANDS, MIN_SHARED_BANDS, Hashes, TextPrint, jaccard, shingles_of
from moderation.campaigns.models import BandBucket, CampaignKind, Fingerprint
from moderation.comments.models import Comment, CommentStatus

#: Rule ids whose rejection makes a comment a template for ``campaign.rejected_copy``.
CAMPAIGN_REJECT_RULES = frozenset({CampaignKind.COPY_PASTE.rule_id, CampaignKind.REJECTED_COPY.rule_id})
#: Stored bodies whose shingles stay memoised in each process (a few hundred KB to a few MB).
SHINGLE_CACHE_SIZE = 2048


@dataclass(frozen=True)
class NearCopy:
    """A stored comment confirmed as a near-copy (exact Jaccard similarity of the shingle sets)."""

    comment_id: int
    account: str
    created_at: datetime
    similarity: float
    rejected_as_template: bool
    campaign_id: int | None


def near_copies(
    session: Session, text: TextPrint | None, *, similarity: float, since: datetime, limit: int
) -> list[NearCopy]:
    """Stored comments since ``since`` whose shingle sets are at least ``similarity`` alike, newest first; at most
    ``limit`` candidates are compared. Identical stored texts (same digest) are compared once."""
    if text is None:
        return []
    connection = session.connection()
    params: dict[str, Any] = {f"k{band}": key for band, key in enumerate(text.keys)}
    ids = connection.execute(_BUCKETS, {**params, "per_bucket": limit}).scalars().all()
    if not ids:
        return []  # the common case: one cheap statement
    rows = connection.execute(_candidates_statement(), {"ids": ids, "since": since, "limit": limit}).all()
    by_digest: dict[int, float] = {text.digest: 1.0}
    found = []
    for row in rows:
        if row.text_hash not in by_digest:
            by_digest[row.text_hash] = jaccard(text.shingles, stored_shingles(row.body))
        alike = by_digest[row.text_hash]
        if alike >= similarity:
            template = row.status is CommentStatus.REJECTED and (row.moderated_by or _campaign_reject(row.reasons))
            found.append(
                NearCopy(row.comment_id, row.account_key, row.created_at, alike, bool(template), row.campaign_id)
            )
    return found


@lru_cache(maxsize=SHINGLE_CACHE_SIZE)
def stored_shingles(body: str) -> Hashes:
    """A stored comment's shingles, recomputed from its body (read-only: the array is shared between calls)."""
    shingles = shingles_of(body)
    shingles.flags.writeable = False
    return shingles


#: Each band's bucket, newest first, at most ``per_bucket`` ids; candidates are the ids found in at least
#: ``MIN_SHARED_BANDS`` of them. Plain SQL on purpose: SQLAlchemy derives a cache key from a statement's whole tree
#: on every execution, which for sixteen sub-selects costs more than running it.
_BUCKETS = text(
    "SELECT comment_id FROM ("
    + " UNION ALL ".join(
        f"SELECT comment_id FROM (SELECT comment_id FROM {BandBucket.__tablename__} WHERE band_key = :k{band} "
        f"ORDER BY comment_id DESC LIMIT :per_bucket) AS bucket_{band}"
        for band in range(BANDS)
    )
    + f") AS shared GROUP BY comment_id HAVING count(*) >= {MIN_SHARED_BANDS}"
)


@lru_cache(maxsize=1)
def _candidates_statement() -> Select[Any]:
    """What confirmation and the signals need of each candidate, newest first."""
    reasons_if_pipeline_rejected = case(
        (and_(Comment.status == CommentStatus.REJECTED, Comment.moderated_by.is_(None)), Comment.reasons)
    )
    return (
        select(
            Fingerprint.comment_id,
            Fingerprint.account_key,
            Fingerprint.text_hash,
            Fingerprint.created_at,
            Comment.body,
            Comment.status,
            Comment.moderated_by,
            reasons_if_pipeline_rejected.label("reasons"),  # decoding every row's JSON would cost more
            Comment.campaign_id,
        )
        .join(Comment, Comment.id == Fingerprint.comment_id)
        .where(Fingerprint.comment_id.in_(bindparam("ids", expanding=True)))
        .where(Fingerprint.created_at >= bindparam("since"), Fingerprint.text_hash.is_not(None))
        .order_by(Fingerprint.comment_id.desc())
        .limit(bindparam("limit", type_=Integer))
    )


def _campaign_reject(reasons: list[dict[str, Any]] | None) -> bool:
    return any(reason.get("rule_id") in CAMPAIGN_REJECT_RULES for reason in reasons or ())
