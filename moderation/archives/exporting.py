"""Exporting Kommentare's own archive (``native``): all articles, or one, with their comments and their readers."""

from __future__ import annotations

from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.archives.native import article_json, comment_json, instance_id, reader_json, ref_of, write_document
from moderation.archives.records import Ref
from moderation.articles.models import Article
from moderation.articles.service import ArticleNotFound
from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.comments.models import Comment
from moderation.readers.models import Reader


def export_archive(
    *, session: Session, out: TextIO, secret: str, actor: str, article_id: str | None = None
) -> dict[str, int]:
    """Write the archive to ``out`` (comments in id order, so parents come first), audit the export and commit.

    It holds readers' names and e-mail addresses: the audit entry records who took it and how much it held.
    """
    articles = _articles(session, article_id)
    query = select(Comment).order_by(Comment.id)
    if article_id is not None:
        query = query.where(Comment.article_id == article_id)
    comments = list(session.scalars(query))
    readers = {r.id: r for r in session.scalars(select(Reader).where(Reader.id.in_({c.reader_id for c in comments})))}
    instance = instance_id(secret)
    refs = {comment.id: ref_of(comment, instance) for comment in comments}
    rows = [
        comment_json(
            comment,
            ref=refs[comment.id],
            parent=_parent_ref(session, comment, refs, instance),
            reader_sub=readers[comment.reader_id].sub if comment.reader_id in readers else None,
        )
        for comment in comments
    ]
    reader_rows = [reader_json(reader) for reader in sorted(readers.values(), key=lambda r: r.sub)]
    write_document(out, articles=[article_json(a) for a in articles], readers=reader_rows, comments=rows)
    counts = {"articles": len(articles), "comments": len(rows), "readers": len(reader_rows)}
    record_action(session, actor=actor, action=AuditAction.ARCHIVE_EXPORTED, article_id=article_id, details=counts)
    session.commit()
    return counts


def _articles(session: Session, article_id: str | None) -> list[Article]:
    if article_id is None:
        return list(session.scalars(select(Article).order_by(Article.id)))
    article = session.get(Article, article_id)
    if article is None:
        raise ArticleNotFound(f"No article with id '{article_id}' is registered.")
    return [article]


def _parent_ref(session: Session, comment: Comment, refs: dict[int, Ref], instance: str) -> Ref | None:
    if comment.parent_id is None:
        return None
    known = refs.get(comment.parent_id)
    if known is not None:
        return known
    parent = session.get(Comment, comment.parent_id)
    return ref_of(parent, instance) if parent is not None else None
