"""Disqus's XML export: ``<thread>`` elements (the pages) and ``<post>`` elements (the comments), in any order.

Posts name their thread and parent by ``dsq:id``; a thread becomes an article (its ``<id>`` identifier when that is
a valid article id, else derived from its link). Spam is rejected, deleted is deleted (without its text, as when a
reader deletes a comment here), everything else published; the HTML message becomes plain text.
"""

from __future__ import annotations

from typing import BinaryIO
from xml.etree.ElementTree import Element

from moderation.archives.records import Archive, ArchiveError, ArchiveFormat, ArticleRecord, CommentRecord, Ref
from moderation.archives.safexml import child_text, elements_at
from moderation.archives.text import article_id_from, clip, html_to_text, utc_time
from moderation.comments.models import CommentStatus, ImportSource

DISQUS = "http://disqus.com"
INTERNALS = "http://disqus.com/disqus-internals"
NS = {"d": DISQUS}
DSQ_ID = f"{{{INTERNALS}}}id"


def parse_disqus(stream: BinaryIO) -> Archive:
    """Every thread and post of the export (posts of threads missing from the file are an error)."""
    threads: dict[str, ArticleRecord] = {}
    posts: list[tuple[Element, int]] = []
    for element, line in elements_at(stream, root=f"{{{DISQUS}}}disqus", depth=1):
        if element.tag == f"{{{DISQUS}}}thread":
            threads[_dsq_id(element, line)] = _article(element, line)
        elif element.tag == f"{{{DISQUS}}}post":
            posts.append((element, line))
    comments = tuple(_comment(element, line, threads) for element, line in posts)
    return Archive(ArchiveFormat.DISQUS, tuple(threads.values()), comments)


def _dsq_id(element: Element, line: int) -> str:
    value = (element.get(DSQ_ID) or "").strip()
    if not value:
        raise ArchiveError(f"line {line}: <{element.tag.rpartition('}')[2]}> without dsq:id")
    return value


def _article(thread: Element, line: int) -> ArticleRecord:
    link = child_text(thread, "d:link", NS)
    created = child_text(thread, "d:createdAt", NS)
    return ArticleRecord(
        id=article_id_from(child_text(thread, "d:id", NS), link, f"disqus-{_dsq_id(thread, line)}"),
        url=clip(link, 2048) or None,
        title=clip(child_text(thread, "d:title", NS), 500) or None,
        comments_open=child_text(thread, "d:isClosed", NS) != "true",
        created_at=utc_time(created, f"line {line}: <createdAt>") if created else None,
    )


def _comment(post: Element, line: int, threads: dict[str, ArticleRecord]) -> CommentRecord:
    where, ref = f"line {line}", Ref(ImportSource.DISQUS, _dsq_id(post, line))
    thread = post.find("d:thread", NS)
    thread_id = (thread.get(DSQ_ID) or "") if thread is not None else ""
    if thread_id not in threads:
        raise ArchiveError(f"{where}: <post> names thread {thread_id!r}, which the file does not hold")
    parent = post.find("d:parent", NS)
    status = _status(post)
    return CommentRecord(
        ref=ref,
        article_id=threads[thread_id].id,
        parent=Ref(ImportSource.DISQUS, _dsq_id(parent, line)) if parent is not None else None,
        author_name=_author_name(post),
        email=clip(child_text(post, "d:author/d:email", NS), 254) or None,
        body="" if status is CommentStatus.DELETED else html_to_text(child_text(post, "d:message", NS)),
        status=status,
        created_at=utc_time(child_text(post, "d:createdAt", NS), f"{where}: <createdAt>"),
        where=where,
    )


def _status(post: Element) -> CommentStatus:
    if child_text(post, "d:isSpam", NS) == "true":
        return CommentStatus.REJECTED
    if child_text(post, "d:isDeleted", NS) == "true":
        return CommentStatus.DELETED
    return CommentStatus.PUBLISHED


def _author_name(post: Element) -> str:
    name = child_text(post, "d:author/d:name", NS) or child_text(post, "d:author/d:username", NS)
    return clip(name, 200) or "Anonym"
