"""WordPress eXtended RSS (WXR): ``<item>`` elements (posts and pages) with their ``<wp:comment>`` children.

An item with comments becomes an article (id derived from its link, else ``wp-<post_id>``). Comments keep their
WordPress status (1 published, 0 pending, spam rejected, trash deleted); pingbacks and trackbacks are not
comments and are left out. Keys are ``<site>:<comment_id>`` (the blog's base URL without scheme), so two blogs'
comment ids never collide.
"""

from __future__ import annotations

from datetime import datetime
from typing import BinaryIO
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from moderation.archives.records import Archive, ArchiveError, ArchiveFormat, ArticleRecord, CommentRecord, Ref
from moderation.archives.safexml import child_text, elements_at
from moderation.archives.text import article_id_from, clip, html_to_text, utc_time
from moderation.comments.models import CommentStatus, ImportSource

NS = {"wp": "http://wordpress.org/export/1.2/"}
STATUS = {
    "1": CommentStatus.PUBLISHED,
    "approve": CommentStatus.PUBLISHED,
    "0": CommentStatus.PENDING,
    "hold": CommentStatus.PENDING,
    "spam": CommentStatus.REJECTED,
    "trash": CommentStatus.DELETED,
}
COMMENT_TYPES = frozenset({"", "comment"})
#: WordPress writes this for times it does not know.
NO_TIME = "0000-00-00 00:00:00"


def parse_wxr(stream: BinaryIO) -> Archive:
    site = ""
    articles: list[ArticleRecord] = []
    comments: list[CommentRecord] = []
    ignored = 0
    for element, line in elements_at(stream, root="rss", depth=2):
        if element.tag == f"{{{NS['wp']}}}base_blog_url" or (element.tag == "link" and not site):
            site = _site(element.text or "")
        elif element.tag == "item" and element.find("wp:comment", NS) is not None:
            article = _article(element, line)
            articles.append(article)
            for comment in element.iterfind("wp:comment", NS):
                if child_text(comment, "wp:comment_type", NS) not in COMMENT_TYPES:
                    ignored += 1
                    continue
                comments.append(_comment(comment, line, article.id, site))
    return Archive(ArchiveFormat.WXR, tuple(articles), tuple(comments), ignored=ignored)


def _site(url: str) -> str:
    parts = urlsplit(url.strip())
    return (parts.netloc + parts.path).rstrip("/")


def _article(item: Element, line: int) -> ArticleRecord:
    post_id = child_text(item, "wp:post_id", NS)
    if not post_id:
        raise ArchiveError(f"line {line}: <item> with comments but without <wp:post_id>")
    link = child_text(item, "link", NS)
    return ArticleRecord(
        id=article_id_from("", link, f"wp-{post_id}"),
        url=clip(link, 2048) or None,
        title=clip(child_text(item, "title", NS), 500) or None,
        comments_open=child_text(item, "wp:comment_status", NS) != "closed",
    )


def _comment(comment: Element, item_line: int, article_id: str, site: str) -> CommentRecord:
    comment_id = child_text(comment, "wp:comment_id", NS)
    where = f"line {item_line}: <item>, comment {comment_id or '?'}"
    if not comment_id:
        raise ArchiveError(f"{where}: <wp:comment> without <wp:comment_id>")
    approved = child_text(comment, "wp:comment_approved", NS)
    status = STATUS.get(approved, CommentStatus.PENDING)  # an unknown status waits for a moderator
    parent = child_text(comment, "wp:comment_parent", NS)
    return CommentRecord(
        ref=Ref(ImportSource.WORDPRESS, f"{site}:{comment_id}"),
        article_id=article_id,
        parent=Ref(ImportSource.WORDPRESS, f"{site}:{parent}") if parent not in ("", "0") else None,
        author_name=clip(child_text(comment, "wp:comment_author", NS), 200) or "Anonym",
        email=clip(child_text(comment, "wp:comment_author_email", NS), 254) or None,
        body="" if status is CommentStatus.DELETED else html_to_text(child_text(comment, "wp:comment_content", NS)),
        status=status,
        created_at=_created(comment, where),
        where=where,
    )


def _created(comment: Element, where: str) -> datetime:
    """``comment_date_gmt`` is UTC without a zone; where WordPress left it empty, the local ``comment_date``."""
    gmt = child_text(comment, "wp:comment_date_gmt", NS)
    value = gmt if gmt and gmt != NO_TIME else child_text(comment, "wp:comment_date", NS)
    return utc_time(value, f"{where}: <wp:comment_date_gmt>", naive_is_utc=True)
