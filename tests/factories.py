"""Test data builders writing through the real services and models."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from moderation.articles.models import Article
from moderation.auth import Role
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import reply_position
from moderation.moderators.service import create_moderator

ARTICLE_ID = "nordkorea-soldaten"


def make_article(session: Session, article_id: str = ARTICLE_ID, **fields: Any) -> Article:
    article = Article(id=article_id, url=f"https://zeitung.example/{article_id}", title="Titel", **fields)
    session.add(article)
    session.commit()
    return article


def make_comment(
    session: Session,
    *,
    article_id: str = ARTICLE_ID,
    body: str = "Ein sachlicher Kommentar.",
    status: CommentStatus = CommentStatus.PUBLISHED,
    parent: Comment | None = None,
    author_name: str = "Leserin",
) -> Comment:
    comment = Comment(
        article_id=article_id,
        **reply_position(parent),
        author_name=author_name,
        body=body,
        status=status,
        reasons=[],
        rule_hits=[],
    )
    session.add(comment)
    session.commit()
    return comment


def make_moderator(session: Session, name: str = "mod", role: Role = Role.ADMIN) -> str:
    """Returns a valid bearer token (an admin's unless ``role`` says otherwise: most tests manage settings)."""
    _, token = create_moderator(session=session, name=name, actor="test", role=role)
    assert token is not None
    return token


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
