"""Rendering a queued mail from the database as it is when the worker sends it (a reply rejected in between is
not announced any more), in the recipient's language, from the text templates in ``templates/mail``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jinja2
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.articles.models import Article
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import Waiting
from moderation.comments.statements import statement
from moderation.messages import label_name
from moderation.notifications.config import MailConfig
from moderation.notifications.models import MailKind, MailMessage, MailRecipient

EXCERPT_LENGTH = 500
_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("moderation.notifications", "templates/mail"),
    autoescape=False,  # plain text mails: nothing is interpreted as markup
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class RenderedMail:
    to: tuple[str, ...]
    subject: str
    body: str
    language: str
    #: The RFC 8058 one-click unsubscribe address (None for the moderators' digest).
    unsubscribe_url: str | None


class Obsolete(Exception):
    """What the mail would tell is no longer true (the reply was removed, the recipient left): drop it."""


def render(session: Session, message: MailMessage, config: MailConfig) -> RenderedMail:
    if message.kind is MailKind.DIGEST:
        return _rendered(
            message, config.digest_to, None, {**message.context, "queue_url": f"{config.public_url}/admin/"}
        )
    recipient = session.get(MailRecipient, message.recipient_id) if message.recipient_id else None
    comment = session.get(Comment, message.comment_id) if message.comment_id else None
    if recipient is None or comment is None or recipient.unsubscribed_at is not None:
        raise Obsolete("recipient or comment gone")
    unsubscribe = f"{config.public_url}/mail/unsubscribe/{recipient.token}"
    context = {**_about(session, comment), "unsubscribe_url": unsubscribe}
    context |= _KIND_CONTEXT[message.kind](_Mail(session, message, recipient, comment, config))
    return _rendered(message, (recipient.email,), unsubscribe, context)


def _rendered(
    message: MailMessage, to: tuple[str, ...], unsubscribe: str | None, context: dict[str, Any]
) -> RenderedMail:
    text = _TEMPLATES.get_template(f"{message.kind.value}.{message.language}.txt").render(**context)
    first, _, body = text.partition("\n")
    return RenderedMail(to, first.removeprefix("Subject: ").strip(), body, message.language, unsubscribe)


def _about(session: Session, comment: Comment) -> dict[str, Any]:
    article = session.get_one(Article, comment.article_id)
    page = article.url or ""
    return {
        "article_title": article.title or article.id,
        "thread_url": f"{page}#kommentar-{comment.id}" if page else "",
        "comment_excerpt": excerpt(comment.body),
    }


def excerpt(body: str) -> str:
    return body if len(body) <= EXCERPT_LENGTH else body[: EXCERPT_LENGTH - 1].rstrip() + "…"


@dataclass(frozen=True)
class _Mail:
    """What a kind's template context is built from."""

    session: Session
    message: MailMessage
    recipient: MailRecipient
    comment: Comment
    config: MailConfig


def _confirm(mail: _Mail) -> dict[str, Any]:
    if mail.recipient.confirmed_at is not None:
        raise Obsolete("already confirmed")
    return {"confirm_url": f"{mail.config.public_url}/mail/confirm/{mail.recipient.token}"}


def _reply(mail: _Mail) -> dict[str, Any]:
    reply = mail.comment
    parent = mail.session.get(Comment, reply.parent_id) if reply.parent_id else None
    if reply.status is not CommentStatus.PUBLISHED or parent is None or mail.recipient.confirmed_at is None:
        raise Obsolete("reply no longer public")
    return {
        "reply_author": reply.author_name,
        "reply_excerpt": excerpt(reply.body),
        "parent_excerpt": excerpt(parent.body),
    }


def _decision(mail: _Mail) -> dict[str, Any]:
    outcome = str(mail.message.context.get("outcome", ""))
    if mail.comment.status.value != outcome:
        raise Obsolete("decided again since")
    language = mail.message.language
    told = statement(mail.comment, language)
    return {
        "outcome": outcome,
        "statement": told,
        "grounds": [_ground(ground, language) for ground in told.grounds],
        "decided_at": told.decided_at.strftime("%Y-%m-%d %H:%M UTC"),
        "appeal_url": f"{mail.config.public_url}/mail/appeal/{mail.recipient.token}/{mail.comment.id}",
    }


def _ground(ground: dict[str, Any], language: str) -> str:
    if ground.get("label"):
        return label_name(str(ground["label"]), language)
    return str(ground.get("rule_id") or ground["code"])


_KIND_CONTEXT = {MailKind.CONFIRM: _confirm, MailKind.REPLY: _reply, MailKind.DECISION: _decision}


def queue_figures(session: Session, queue: Waiting, *, oldest_minutes: int) -> dict[str, Any]:
    """What the moderators' digest reports, read when it is queued."""
    pending = Comment.status == CommentStatus.PENDING
    top = session.execute(
        select(Article.id, Article.title, func.count().label("pending"))
        .join(Comment, Comment.article_id == Article.id)
        .where(pending)
        .group_by(Article.id, Article.title)
        .order_by(func.count().desc(), Article.id)
        .limit(5)
    ).all()
    published = Comment.status == CommentStatus.PUBLISHED
    return {
        "pending": queue.pending,
        "oldest_minutes": oldest_minutes,
        "appealed": session.scalar(select(func.count()).where(pending, Comment.appealed_at.is_not(None))),
        "reported": queue.reported,
        "flagged": session.scalar(select(func.count()).where(published, Comment.flagged)),
        "articles": [{"title": row.title or row.id, "pending": int(row.pending)} for row in top],
    }
