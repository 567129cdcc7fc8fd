"""Retention: personal data the newsroom no longer needs is pseudonymised or deleted by a job, on a schedule.

- Rejected comments older than ``KOMMENTARE_RETENTION_REJECTED_DAYS`` (180) are anonymised as erasure does
  (empty body and name, no address, versions and rule-hit spans gone); their status and reasons stay, for the
  figures.
- Campaign-index rows (text fingerprints, keyed account hashes, pushed links) older than
  ``KOMMENTARE_RETENTION_CAMPAIGN_INDEX_DAYS`` (90, at least the campaign detection's rejected window) go.
- Audit details older than ``KOMMENTARE_RETENTION_AUDIT_DETAILS_DAYS`` (365) keep only plain facts (statuses,
  reason codes, ids, counts); who did what, when, stays. A watermark (the last run's audit entry) keeps each run
  to the entries that aged since.

Legal holds win: nothing on a held article or of a held reader or guest is touched. 0 turns a rule off.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from moderation.actors import Actor
from moderation.audit.models import AuditAction, AuditEntry
from moderation.audit.service import record_action
from moderation.bans.service import subjects_for
from moderation.campaigns.models import Fingerprint, PushedUrl
from moderation.comments.models import Comment, CommentStatus, CommentVersion
from moderation.privacy.holds import held_articles, held_subjects

#: Audit detail keys that hold plain facts, never text a person wrote or typed.
PLAIN_KEYS = frozenset(
    {"status", "from", "to", "reason", "model_id", "ruleset_version", "wordlist_version", "campaign_id"}
    | {"open_reports", "reports_resolved", "comments", "votes", "reports", "bans", "hold_id", "endpoint_id"}
)
BATCH = 1000


@dataclass(frozen=True)
class RetentionPolicy:
    rejected_days: int = 180
    campaign_index_days: int = 90
    audit_details_days: int = 365


@dataclass(frozen=True)
class RetentionRun:
    rejected_anonymised: int = 0
    index_rows_deleted: int = 0
    audit_entries_pseudonymised: int = 0
    audit_through_id: int = 0


def apply_retention(*, session: Session, policy: RetentionPolicy, secret: str, now: datetime) -> RetentionRun:
    """One run of every rule; audited with its counts (and the audit watermark); commits."""
    articles, subjects = held_articles(session), held_subjects(session)
    rejected = _rejected(session, policy, secret, now, articles, subjects) if policy.rejected_days else 0
    index = (
        _index(session, now - timedelta(days=policy.campaign_index_days), articles) if policy.campaign_index_days else 0
    )
    watermark = _watermark(session)
    audited, through = (0, watermark)
    if policy.audit_details_days:
        audited, through = _audit(session, now - timedelta(days=policy.audit_details_days), watermark, articles)
    run = RetentionRun(rejected, index, audited, through)
    record_action(session, actor=Actor.RETENTION, action=AuditAction.PRIVACY_RETENTION, details=asdict(run))
    session.commit()
    return run


def _rejected(
    session: Session, policy: RetentionPolicy, secret: str, now: datetime, articles: set[str], subjects: set[str]
) -> int:
    cutoff = now - timedelta(days=policy.rejected_days)
    query = select(Comment).where(
        Comment.status == CommentStatus.REJECTED,
        Comment.created_at < cutoff,
        Comment.author_name != "",
        Comment.article_id.not_in(articles),
    )
    done = 0
    for comment in session.scalars(query.order_by(Comment.id).limit(BATCH)):
        theirs = subjects_for(
            reader_id=comment.reader_id, email=comment.email, author_name=comment.author_name, secret=secret
        )
        if comment.article_id in articles or subjects.intersection(theirs):
            continue
        comment.body, comment.author_name, comment.email, comment.reader_id, comment.rule_hits = "", "", None, None, []
        session.execute(delete(CommentVersion).where(CommentVersion.comment_id == comment.id))
        session.execute(delete(Fingerprint).where(Fingerprint.comment_id == comment.id))
        session.execute(delete(PushedUrl).where(PushedUrl.comment_id == comment.id))
        done += 1
    return done


def _index(session: Session, cutoff: datetime, articles: set[str]) -> int:
    old = select(Comment.id).where(Comment.created_at < cutoff, Comment.article_id.not_in(articles))
    urls = session.execute(delete(PushedUrl).where(PushedUrl.comment_id.in_(old)))
    prints = session.execute(
        delete(Fingerprint).where(Fingerprint.created_at < cutoff, Fingerprint.article_id.not_in(articles))
    )
    return int(urls.rowcount) + int(prints.rowcount)  # type: ignore[attr-defined]


def _watermark(session: Session) -> int:
    last = session.scalar(
        select(AuditEntry.details)
        .where(AuditEntry.action == AuditAction.PRIVACY_RETENTION)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return int((last or {}).get("audit_through_id", 0))


def _audit(session: Session, cutoff: datetime, after_id: int, articles: set[str]) -> tuple[int, int]:
    query = select(AuditEntry).where(AuditEntry.id > after_id, AuditEntry.at < cutoff).order_by(AuditEntry.id)
    done, through = 0, after_id
    for entry in session.scalars(query.limit(BATCH)):
        through = entry.id
        if entry.article_id in articles or entry.action == AuditAction.PRIVACY_RETENTION:
            continue
        entry.details = plain_facts(entry.details or {})
        done += 1
    return done, through


def plain_facts(details: dict[str, Any]) -> dict[str, Any]:
    """The details without anything a person wrote: plain keys only, reasons as their codes (pure)."""
    kept = {key: value for key, value in details.items() if key in PLAIN_KEYS and not isinstance(value, dict | list)}
    reasons = details.get("reasons")
    if isinstance(reasons, list):
        kept["reasons"] = [{"code": r.get("code")} for r in reasons if isinstance(r, dict)]
    return {**kept, "pseudonymised": True}
