"""Turning other systems' fields into what Kommentare stores: plain text bodies, article ids, UTC times."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from moderation.archives.records import ArchiveError

#: Tags that end a paragraph (a blank line) or a line in the plain text.
_PARAGRAPHS = frozenset({"p", "div", "blockquote", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6"})
_LINES = frozenset({"br", "li", "tr"})
_NOT_ID = re.compile(r"[^A-Za-z0-9._:-]+")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


class _TextOf(HTMLParser):
    """Collects the text of an HTML fragment (entities unescaped), with paragraph and line breaks; a link's address
    follows its text when the text does not show it, so URL campaigns stay visible to detection."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _PARAGRAPHS:
            self.parts.append("\n\n")
        elif tag in _LINES:
            self.parts.append("\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _PARAGRAPHS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            if href.startswith(("http://", "https://")) and href not in "".join(self.parts[start:]):
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML comment: tags gone, entities unescaped, paragraphs as blank lines, spaces tidied."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).replace("\r", "").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def article_id_from(identifier: str, link: str, fallback: str) -> str:
    """The article id: the source's own identifier when it is a valid id, else the link's path with its segments
    joined by "-" (``/politik/nordkorea/`` -> ``politik-nordkorea``), else ``fallback``."""
    if identifier and not _NOT_ID.search(identifier) and identifier[0].isalnum() and len(identifier) <= 128:
        return identifier
    path = _ascii(unquote(urlsplit(link).path))
    derived = _NOT_ID.sub("-", "-".join(part for part in path.split("/") if part)).strip("-._:")
    return derived[:128].rstrip("-._:") or fallback


def _ascii(value: str) -> str:
    """German umlauts spelled out (ä -> ae), other accents dropped: article ids are ASCII."""
    spelled = value.translate(_UMLAUTS)
    return unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()


def utc_time(value: str, where: str, *, naive_is_utc: bool = False) -> datetime:
    """An ISO 8601 time as an aware UTC datetime; a time without zone only where the format defines it as UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ArchiveError(f"{where}: {value!r} is not a date and time") from None
    if parsed.tzinfo is None:
        if not naive_is_utc:
            raise ArchiveError(f"{where}: {value!r} has no time zone")
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def clip(value: str, length: int) -> str:
    return value.strip()[:length]
