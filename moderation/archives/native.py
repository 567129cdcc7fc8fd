"""Kommentare's own archive: JSON that holds every stored field a comment's moderation needs, for a lossless round
trip (export, import into an empty database, export again: the same file).

Comments name themselves and their parent by ``source``/``key``, never by database id: a comment imported from
Disqus keeps ``disqus``/its post id, one posted here is ``kommentare``/``<instance>:<id>`` (``instance`` is derived
from the secret key, so two installations' ids never collide). Readers are named by their single sign-on ``sub``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, BinaryIO, TextIO

from moderation.archives.records import (
    Archive,
    ArchiveError,
    ArchiveFormat,
    ArticleRecord,
    CommentRecord,
    Decision,
    ReaderRecord,
    Ref,
)
from moderation.archives.text import utc_time
from moderation.articles.models import Article, GuestMode, ModerationMode
from moderation.comments.models import Comment, CommentStatus, ImportSource
from moderation.readers.models import Reader

FORMAT, VERSION = "kommentare-archive", 1
ARTICLE_FIELDS = ("url", "title", "comments_open", "moderation_mode", "guests", "surge_until", "thresholds")
DECISION_FIELDS = tuple(Decision.__dataclass_fields__)
TIMES = frozenset(
    {"surge_until", "created_at", "updated_at", "last_seen_at", "moderated_at", "appealed_at", "edited_at"}
)


def instance_id(secret: str) -> str:
    """This installation's name in keys: stable across exports, and revealing nothing of the secret."""
    return hmac.new(secret.encode(), b"kommentare-archive", hashlib.sha256).hexdigest()[:16]


def ref_of(comment: Comment, instance: str) -> Ref:
    if comment.import_source is not None and comment.import_key is not None:
        return Ref(comment.import_source, comment.import_key)
    return Ref(ImportSource.KOMMENTARE, f"{instance}:{comment.id}")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def article_json(article: Article) -> dict[str, Any]:
    names = ("id", *ARTICLE_FIELDS, "created_at", "updated_at")
    return {name: _plain(getattr(article, name)) for name in names}


def reader_json(reader: Reader) -> dict[str, Any]:
    return {name: _plain(getattr(reader, name)) for name in ("sub", "name", "email", "created_at", "last_seen_at")}


def comment_json(comment: Comment, *, ref: Ref, parent: Ref | None, reader_sub: str | None) -> dict[str, Any]:
    """One comment as the archive stores it (derived columns such as ``reason_codes`` are recomputed on import)."""
    data: dict[str, Any] = {
        "source": ref.source.value,
        "key": ref.key,
        "parent": {"source": parent.source.value, "key": parent.key} if parent else None,
        "reader": reader_sub,
        "article_id": comment.article_id,
        "author_name": comment.author_name,
        "email": comment.email,
        "body": comment.body,
        "status": comment.status.value,
        "created_at": comment.created_at.isoformat(),
    }
    return data | {name: _plain(getattr(comment, name)) for name in DECISION_FIELDS}


def write_document(out: TextIO, *, articles: list[Any], readers: list[Any], comments: list[Any]) -> None:
    """Keys sorted and no export time, so the same data always gives the same bytes."""
    document = {"format": FORMAT, "version": VERSION, "articles": articles, "readers": readers, "comments": comments}
    json.dump(document, out, ensure_ascii=False, indent=1, sort_keys=True)
    out.write("\n")


def parse_native(stream: BinaryIO) -> Archive:
    try:
        document = json.load(stream)
    except json.JSONDecodeError as exc:
        raise ArchiveError(f"line {exc.lineno}, column {exc.colno}: not JSON ({exc.msg})") from None
    except UnicodeDecodeError as exc:
        raise ArchiveError(f"byte {exc.start}: not UTF-8 text") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ArchiveError(f'not a Kommentare archive (no "format": "{FORMAT}")')
    if document.get("version") != VERSION:
        raise ArchiveError(f"archive version {document.get('version')!r}; this version reads {VERSION}")
    return Archive(
        ArchiveFormat.KOMMENTARE,
        articles=tuple(_records(document, "articles", _article)),
        comments=tuple(_records(document, "comments", _comment)),
        readers=tuple(_records(document, "readers", _reader)),
    )


def _records(document: dict[str, Any], name: str, build: Callable[[dict[str, Any], str], Any]) -> list[Any]:
    items = document.get(name, [])
    if not isinstance(items, list):
        raise ArchiveError(f'"{name}" is not a list')
    built = []
    for index, item in enumerate(items):
        where = f"{name}[{index}]"
        if not isinstance(item, dict):
            raise ArchiveError(f"{where} is not an object")
        try:
            built.append(build(_values(item, where), where))
        except KeyError as exc:
            raise ArchiveError(f"{where}: missing {exc}") from None
        except (TypeError, ValueError) as exc:
            raise ArchiveError(f"{where}: {exc}") from None
    return built


def _values(item: dict[str, Any], where: str) -> dict[str, Any]:
    """Times parsed; other values as JSON has them."""
    wrong = sorted(k for k, v in item.items() if k in TIMES and v is not None and not isinstance(v, str))
    if wrong:
        raise ArchiveError(f"{where}.{wrong[0]}: a time must be an ISO 8601 string")
    return {k: utc_time(v, f"{where}.{k}") if k in TIMES and v is not None else v for k, v in item.items()}


def _article(item: dict[str, Any], _where: str) -> ArticleRecord:
    fields: dict[str, Any] = {name: item[name] for name in ARTICLE_FIELDS if name in item}
    fields["moderation_mode"] = ModerationMode(fields.get("moderation_mode", ModerationMode.POST))
    fields["guests"] = GuestMode(fields["guests"]) if fields.get("guests") else None
    times: dict[str, Any] = {name: item.get(name) for name in ("created_at", "updated_at")}
    return ArticleRecord(id=_text(item, "id"), **fields, **times)


def _reader(item: dict[str, Any], _where: str) -> ReaderRecord:
    return ReaderRecord(
        sub=_text(item, "sub"),
        name=_text(item, "name"),
        email=item.get("email"),
        created_at=item["created_at"],
        last_seen_at=item["last_seen_at"],
    )


def _comment(item: dict[str, Any], where: str) -> CommentRecord:
    parent = item.get("parent")
    return CommentRecord(
        ref=Ref(ImportSource(item["source"]), _text(item, "key")),
        article_id=_text(item, "article_id"),
        parent=Ref(ImportSource(parent["source"]), str(parent["key"])) if parent else None,
        author_name=_text(item, "author_name"),
        email=item.get("email"),
        body=str(item["body"]),
        status=CommentStatus(item["status"]),
        created_at=item["created_at"],
        where=where,
        decision=Decision(**{name: item[name] for name in DECISION_FIELDS if name in item}),
        reader_sub=item.get("reader"),
    )


def _text(item: dict[str, Any], name: str) -> str:
    value = item[name]
    if not isinstance(value, str) or not value:
        raise ValueError(f'"{name}" must be a non-empty string')
    return value
