"""Re-scoring comments that were held only because the model failed or missed its deadline."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from moderation.actors import Actor
from moderation.audit.models import AuditAction
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import EVENT_FOR_STATUS, announce, apply_verdict, audit_comment
from moderation.notifications.service import notify_published
from moderation.submission.runtime import SubmissionRuntime, wordlist_for
from moderation.submission.trust import with_standing
from moderation.thresholds import merge


@dataclass(frozen=True)
class RescoreRound:
    """``rescored`` comments got a score; ``waiting`` means the model still fails, so the round stopped early."""

    rescored: int
    changed: int
    waiting: bool


def rescore_held(*, session: Session, runtime: SubmissionRuntime, limit: int = 50) -> RescoreRound:
    """Score comments held for a model failure or time-out, oldest first, and apply the new verdict.

    A comment a moderator has decided meanwhile is no longer ``pending`` and is left alone. Each comment commits on
    its own, so a crash loses nothing; rows are claimed with SKIP LOCKED where the database has it, so several
    workers can run this at once.
    """
    rescored = changed = 0
    for comment in list(session.scalars(_held(session, limit))):
        outcome = _rescore(session, runtime, comment)
        if outcome is None:
            session.rollback()
            return RescoreRound(rescored, changed, waiting=True)
        session.commit()
        rescored, changed = rescored + 1, changed + outcome
    return RescoreRound(rescored, changed, waiting=False)


def _held(session: Session, limit: int) -> Select[Comment]:
    query = (
        select(Comment)
        .where(Comment.needs_rescore.is_(True), Comment.status == CommentStatus.PENDING)
        .order_by(Comment.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Comment)
    return query


def _rescore(session: Session, runtime: SubmissionRuntime, comment: Comment) -> bool | None:
    """Apply the comment's new verdict (audited; announced and mailed when its status changed); whether it
    changed, or None while the model still cannot score it (nothing applied)."""
    policy = runtime.policy
    verdict = runtime.pipeline.moderate(
        comment.body,
        thresholds=merge(policy.thresholds, comment.article.thresholds),
        timeout=policy.rescore_timeout_seconds,
        wordlist=wordlist_for(session, runtime),
    )
    if verdict.needs_rescore:
        return None
    before = comment.status
    verdict = with_standing(
        verdict,
        session=session,
        article=comment.article,
        reader_id=comment.reader_id,
        email=comment.email,
        name=comment.author_name,
        policy=policy,
    )
    apply_verdict(comment, verdict)
    details = {"from": before.value, "to": comment.status.value, "model_id": comment.model_id}
    audit_comment(session, comment=comment, actor=Actor.PIPELINE, action=AuditAction.COMMENT_RESCORED, details=details)
    if comment.status is before:
        return False
    announce(session, comment=comment, event_types=(EVENT_FOR_STATUS[comment.status],))
    notify_published(session, comment=comment, config=runtime.mail)
    return True
