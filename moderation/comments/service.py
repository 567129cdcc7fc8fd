"""Comment use cases: submit through the moderation pipeline, list published threads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.articles.models import Article
from moderation.articles.service import ArticleNotFound, validate_article_id
from moderation.audit.models import PIPELINE_ACTOR
from moderation.audit.service import record
from moderation.comments.models import Comment, CommentStatus
from moderation.errors import Conflict, InvalidInput, NotFound
from moderation.filters.pipeline import ModerationPipeline
from moderation.filters.verdicts import Action, Verdict
from moderation.webhooks.events import emit
from moderation.webhooks.models import EventType

STATUS_FOR_ACTION = {
    Action.PUBLISH: CommentStatus.PUBLISHED,
    Action.FLAG: CommentStatus.PUBLISHED,
    Action.HOLD: CommentStatus.PENDING,
    Action.REJECT: CommentStatus.REJECTED,
}
EVENT_FOR_STATUS = {
    CommentStatus.PUBLISHED: EventType.PUBLISHED,
    CommentStatus.PENDING: EventType.HELD,
    CommentStatus.REJECTED: EventType.REJECTED,
}


class CommentNotFound(NotFound):
    slug = "comment-not-found"
    title = "Comment not found"


class CommentsClosed(Conflict):
    slug = "comments-closed"
    title = "Comments are closed"


@dataclass(frozen=True)
class Submission:
    article_id: str
    author_name: str
    body: str
    parent_id: int | None = None
    email: str | None = None


def submit_comment(
    *,
    session: Session,
    pipeline: ModerationPipeline,
    submission: Submission,
    thresholds: Mapping[str, Mapping[str, float]],
    auto_create_articles: bool,
) -> Comment:
    """Validate, moderate, then write comment + audit entry + outbox events in one transaction."""
    article = _article_for(session, submission.article_id, auto_create=auto_create_articles)
    parent = _parent_for(session, submission.parent_id, article.id)
    verdict = pipeline.moderate(submission.body, thresholds=thresholds)
    comment = _comment_from(submission, parent, verdict)
    session.add(comment)
    session.flush()
    record(
        session,
        actor=PIPELINE_ACTOR,
        action="comment.created",
        comment=comment,
        details={
            "status": comment.status.value,
            "reasons": comment.reasons,
            "model_id": comment.model_id,
            "ruleset_version": comment.ruleset_version,
        },
    )
    emit(session, event_types=(EventType.CREATED, EVENT_FOR_STATUS[comment.status]), comment=comment)
    session.commit()
    return comment


def _article_for(session: Session, article_id: str, *, auto_create: bool) -> Article:
    article = session.get(Article, article_id)
    if article is None and auto_create:
        validate_article_id(article_id)
        article = Article(id=article_id, comments_open=True)
        session.add(article)
    if article is None:
        raise ArticleNotFound(f"No article with id '{article_id}' is registered.")
    if not article.comments_open:
        raise CommentsClosed(f"Comments on article '{article_id}' are closed.")
    return article


def _parent_for(session: Session, parent_id: int | None, article_id: str) -> Comment | None:
    """Replies go to published comments of the same article; anything else is a field error on ``parent_id``."""
    if parent_id is None:
        return None
    parent = session.get(Comment, parent_id)
    if parent is None or parent.status is not CommentStatus.PUBLISHED:
        raise InvalidInput("The comment you reply to does not exist.", errors={"parent_id": ["Unknown comment."]})
    if parent.article_id != article_id:
        raise InvalidInput(
            "The comment you reply to belongs to another article.",
            errors={"parent_id": ["Comment belongs to another article."]},
        )
    return parent


def _comment_from(submission: Submission, parent: Comment | None, verdict: Verdict) -> Comment:
    return Comment(
        article_id=submission.article_id,
        parent_id=parent.id if parent else None,
        thread_id=(parent.thread_id or parent.id) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        author_name=submission.author_name.strip(),
        email=submission.email,
        body=submission.body,
        status=STATUS_FOR_ACTION[verdict.action],
        reasons=[r.as_json() for r in verdict.reasons],
        toxicity_scores=verdict.scores,
        rule_hits=[h.as_json() for h in verdict.hits],
        model_id=verdict.model_id,
        ruleset_version=verdict.ruleset_version,
        thresholds=verdict.thresholds,
    )


def get_comment(session: Session, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise CommentNotFound(f"No comment with id {comment_id}.")
    return comment


def count_published(session: Session, article_id: str) -> int:
    query = select(func.count()).where(Comment.article_id == article_id, Comment.status == CommentStatus.PUBLISHED)
    return session.scalar(query) or 0
