"""Links in a comment, normalised so the same target counts as one URL however it was dressed up (pure).

Campaigns push one page with cosmetic variations that defeat exact matching: ``http`` vs ``https``, ``www.``,
a trailing slash, upper-case host names, or per-sender tracking parameters (``utm_*``, ``fbclid``...). Those are
dropped; the path and the remaining query parameters (which can select a different page) are kept.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

_LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»“”„]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\"…"
_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_")
_TRACKING = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "igsh"}
    | {"si", "ref", "ref_src", "ref_url", "s_cid", "_ga", "_gl", "spm", "share", "shared", "cmpid", "wt_mc"}
)
#: At most this many distinct links per comment are tracked (a wall of links is spam, not a campaign signal).
MAX_LINKS = 10


@dataclass(frozen=True)
class Link:
    """A link as written (``start``/``end`` into the body) and its normalised form."""

    url: str
    start: int
    end: int
    match: str


def normalize_url(raw: str) -> str | None:
    """``https://WWW.Example.com/a/?utm_source=x&id=3#top`` → ``example.com/a?id=3``; None if it has no host."""
    candidate = unicodedata.normalize("NFKC", raw.strip())
    if not re.match(r"https?://", candidate, re.IGNORECASE):
        candidate = "http://" + candidate
    try:
        parts = urlsplit(candidate)
        host = (parts.hostname or "").casefold().rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    host = host.removeprefix("www.")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    path = parts.path.rstrip("/")
    return host + path + ("?" + urlencode(query) if query else "")


def _is_tracking(key: str) -> bool:
    lowered = key.casefold()
    return lowered in _TRACKING or lowered.startswith(_TRACKING_PREFIXES)


def find_links(text: str) -> list[Link]:
    """Distinct normalised links in order of first appearance, with their spans in ``text``."""
    found: dict[str, Link] = {}
    for match in _LINK.finditer(text):
        written = match.group().rstrip(_TRAILING)
        url = normalize_url(written)
        if url and url not in found:
            found[url] = Link(url, match.start(), match.start() + len(written), written)
        if len(found) >= MAX_LINKS:
            break
    return list(found.values())


def url_key(url: str) -> int:
    """Signed 64-bit key of a normalised URL (fits a BIGINT; stable across processes and hosts)."""
    return int.from_bytes(hashlib.blake2b(url.encode(), digest_size=8).digest(), "big", signed=True)
