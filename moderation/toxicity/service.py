"""Toxicity use cases that run outside a request: re-scoring held comments and collecting calibration samples."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.audit.models import PIPELINE_ACTOR
from moderation.audit.service import record
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import EVENT_FOR_STATUS, apply_verdict
from moderation.filters.pipeline import ModerationPipeline
from moderation.toxicity.calibrate import Sample
from moderation.toxicity.thresholds import merge
from moderation.webhooks.events import emit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RescoreRound:
    """``rescored`` comments got a score; ``waiting`` means the model still fails, so the round stopped early."""

    rescored: int
    changed: int
    waiting: bool


def rescore_held(
    *,
    session: Session,
    pipeline: ModerationPipeline,
    thresholds: Mapping[str, Mapping[str, float]],
    timeout: float,
    limit: int = 50,
) -> RescoreRound:
    """Score comments held for a model failure or time-out, oldest first, and apply the new verdict.

    A comment a moderator has decided meanwhile is no longer ``pending`` and is left alone. Each comment commits on
    its own, so a crash loses nothing; rows are claimed with SKIP LOCKED where the database has it, so several
    workers can run this at once.
    """
    query = (
        select(Comment)
        .where(Comment.needs_rescore.is_(True), Comment.status == CommentStatus.PENDING)
        .order_by(Comment.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Comment)
    rescored = changed = 0
    for comment in list(session.scalars(query)):
        effective = merge(thresholds, comment.article.thresholds)
        verdict = pipeline.moderate(comment.body, thresholds=effective, timeout=timeout)
        if verdict.needs_rescore:
            session.rollback()
            return RescoreRound(rescored, changed, waiting=True)
        before = comment.status
        apply_verdict(comment, verdict)
        record(
            session,
            actor=PIPELINE_ACTOR,
            action="comment.rescored",
            comment=comment,
            details={"from": before.value, "to": comment.status.value, "model_id": comment.model_id},
        )
        if comment.status is not before:
            emit(session, event_types=(EVENT_FOR_STATUS[comment.status],), comment=comment)
        session.commit()
        rescored, changed = rescored + 1, changed + (comment.status is not before)
    return RescoreRound(rescored, changed, waiting=False)


def calibration_samples(*, session: Session, model_id: str) -> dict[str, list[Sample]]:
    """Per label, ``(score, rejected)`` for every comment a moderator decided that ``model_id`` had scored."""
    query = select(Comment.toxicity_scores, Comment.status).where(
        Comment.moderated_by.is_not(None),
        Comment.model_id == model_id,
        Comment.status.in_((CommentStatus.PUBLISHED, CommentStatus.REJECTED)),
    )
    samples: dict[str, list[Sample]] = {}
    for scores, status in session.execute(query):
        for label, score in (scores or {}).items():
            samples.setdefault(label, []).append((float(score), status is CommentStatus.REJECTED))
    return samples
