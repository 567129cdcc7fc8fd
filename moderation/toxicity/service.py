"""Toxicity use cases over stored comments: collecting calibration samples from moderators' decisions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.comments.models import Comment, CommentStatus
from moderation.toxicity.calibrate import Sample


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
