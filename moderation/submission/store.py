"""The submission's reads before and its one short write phase: article, parent, the comment and what goes with it.

Everything is decided before the write phase begins (the model, the rules and campaign screening all ran); the
write phase only inserts: the article on its first comment, the comment, its campaign index rows, its audit entry
and its outbox events, then the use case commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moderation.actors import Actor
from moderation.articles.models import Article
from moderation.articles.service import ArticleNotFound, validate_article_id
from moderation.audit.models import AuditAction
from moderation.campaigns.detection import Screening
from moderation.campaigns.indexing import record_screening
from moderation.campaigns.reasons import merge_campaign
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import EVENT_FOR_STATUS, announce, apply_verdict, audit_comment, reply_position
from moderation.errors import Conflict, InvalidInput
from moderation.moderators.models import Moderator
from moderation.notifications.config import MailConfig
from moderation.notifications.service import notify_published, subscribe_replies
from moderation.submission.names import reserved_match
from moderation.types import utcnow
from moderation.verdicts import Verdict
from moderation.webhooks.events import Subscription
from moderation.webhooks.models import EventType


class CommentsClosed(Conflict):
    slug = "comments-closed"
    title = "Comments are closed"


@dataclass(frozen=True)
class StoredComment:
    """What the reader is answered, copied from the row before the commit (the answer needs no reload)."""

    id: int
    article_id: str
    parent_id: int | None
    author_name: str
    body: str
    created_at: datetime
    status: CommentStatus
    reasons: list[dict[str, Any]]
    #: Nesting level as stored (the answer shows it capped at the tree's display depth).
    depth: int = 0
    #: Only in the answer to the post: what lets its author edit or delete it (``credentials``), and until when.
    edit_token: str | None = None
    editable_until: datetime | None = None

    @classmethod
    def of(cls, comment: Comment) -> StoredComment:
        return cls(
            id=comment.id,
            article_id=comment.article_id,
            parent_id=comment.parent_id,
            author_name=comment.author_name,
            body=comment.body,
            created_at=comment.created_at,
            status=comment.status,
            reasons=list(comment.reasons),
            depth=comment.depth,
        )


def article_for(
    session: Session, article_id: str, *, auto_create: bool, auto_close_days: int = 0
) -> tuple[Article, bool]:
    """The article commented on, and whether it is new (auto-created articles are registered in the write phase);
    ``CommentsClosed`` when it is closed, or older than ``auto_close_days``."""
    article = session.get(Article, article_id)
    if article is None and auto_create:
        validate_article_id(article_id)
        return Article(id=article_id, comments_open=True), True
    if article is None:
        raise ArticleNotFound(f"No article with id '{article_id}' is registered.")
    if not article.accepting_comments(auto_close_days=auto_close_days, now=utcnow()):
        raise CommentsClosed(f"Comments on article '{article_id}' are closed.")
    return article, False


def check_author(session: Session, name: str, reserved: tuple[str, ...]) -> None:
    """Refuse the newsroom's reserved names, its moderators' account names, and look-alikes of them."""
    moderators = session.connection().scalars(_MODERATOR_NAMES)
    imitated = reserved_match(name, (*reserved, *moderators))
    if imitated is not None:
        raise InvalidInput(
            "This name is reserved.", errors={"author_name": ["Reserved for the newsroom; choose another name."]}
        )


#: Every guest submission reads these; built once, run on the connection.
_MODERATOR_NAMES = select(Moderator.name).where(Moderator.revoked_at.is_(None))


def parent_for(session: Session, parent_id: int | None, article_id: str) -> Comment | None:
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


def new_comment(
    *, article_id: str, author_name: str, email: str | None, body: str, parent: Comment | None, verdict: Verdict
) -> Comment:
    comment = Comment(
        article_id=article_id,
        **reply_position(parent),
        author_name=author_name.strip(),
        email=email,
        body=body,
    )
    apply_verdict(comment, verdict)
    return comment


def apply_campaign_hits(comment: Comment, verdict: Verdict, screening: Screening | None, *, failed: bool) -> None:
    """Fold campaign hits (or the stage's failure, a hold) into the stored decision.

    Such a comment is never left to the re-score job: it re-runs only the pipeline, which knows nothing of
    campaigns and could publish what a campaign signal held; a moderator decides instead.
    """
    hits = screening.hits if screening is not None else ()
    if hits or failed:
        apply_verdict(comment, merge_campaign(verdict, hits, failed=failed))
        comment.needs_rescore = False


def register_article(session: Session, article: Article) -> None:
    """Insert an article on its first comment.

    The first comments on a new story often arrive together: when another submission inserted the row since we
    looked, our insert fails inside its savepoint and the comment goes to that row instead of answering 500.
    """
    try:
        with session.begin_nested():
            session.add(article)
    except IntegrityError:
        if session.get(Article, article.id) is None:
            raise


def check_notify(wanted: bool, *, email: str | None, mail: MailConfig) -> None:
    """A reply opt-in needs an address, and mail set up on the site (the widget offers it only then)."""
    if wanted and not mail.enabled:
        raise InvalidInput(
            "E-mail notifications are not set up on this site.",
            errors={"notify_replies": ["E-mail notifications are not set up on this site."]},
        )
    if wanted and not email:
        raise InvalidInput("Give an e-mail address for notifications.", errors={"email": ["Needs an e-mail address."]})


def tell_readers(session: Session, *, comment: Comment, notify_replies: bool, mail: MailConfig) -> None:
    """The stored comment's mails: its author's reply opt-in, and reply notices when it went out published."""
    if notify_replies and comment.email:
        subscribe_replies(session, comment=comment, email=comment.email, config=mail)
    notify_published(session, comment=comment, config=mail)


def store(
    session: Session,
    *,
    comment: Comment,
    verdict: Verdict,
    screening: Screening | None,
    endpoints: Sequence[Subscription],
) -> StoredComment:
    """The write phase, kept short (everything is decided before it); the caller holds the write lock and commits."""
    session.add(comment)
    session.flush()
    if screening is not None and not record_screening(
        session=session, comment=comment, screening=screening, endpoints=endpoints
    ):
        apply_campaign_hits(comment, verdict, screening, failed=True)
    _audit_created(session, comment, verdict)
    events = (EventType.CREATED, EVENT_FOR_STATUS[comment.status])
    announce(session, comment=comment, event_types=events, endpoints=endpoints)
    return StoredComment.of(comment)


def _audit_created(session: Session, comment: Comment, verdict: Verdict) -> None:
    """The pipeline's decision; a shadow rule set's decision rides along here, recorded but never enforced."""
    details: dict[str, object] = {
        "status": comment.status.value,
        "reasons": comment.reasons,
        "model_id": comment.model_id,
        "ruleset_version": comment.ruleset_version,
        "wordlist_version": comment.wordlist_version,
        "campaign_id": comment.campaign_id,
    }
    if verdict.shadow is not None:
        details["shadow"] = verdict.shadow.as_json()
    if verdict.shadow_model is not None:
        details["shadow_model"] = verdict.shadow_model
    audit_comment(session, comment=comment, actor=Actor.PIPELINE, action=AuditAction.COMMENT_CREATED, details=details)
