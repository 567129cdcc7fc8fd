"""Look-alike domains of protected media brands (Doppelganger-style clones of German newsrooms).

A host is compared by its *registrable label* (``spiegel`` in ``www.spiegel.de``, from the bundled Public
Suffix List, offline) against each protected brand's labels:

- the same label under another suffix (``spiegel.ltd``, ``zeit.news``, ``spiegel.de.com``),
- the same skeleton (``ѕрiеgеl.de`` with Cyrillic letters; ``rn`` for ``m``; UTS #39 style),
- hyphen and prefix tricks (``spiegel-de.com``, ``wwwspiegel.de``, ``t-online`` vs ``tonline``),
- the brand's domain as a sub-domain of another one (``spiegel.de.example.com``),
- typos: edit distance 1 for labels of 5–8 letters, up to 2 from 9 letters (shorter labels: none, too many
  real words are one letter away from "zdf" or "welt").

The brand's own domains and its ``allow`` list never hit.
"""

from __future__ import annotations

import codecs
import contextlib
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property

from publicsuffixlist import PublicSuffixList

from moderation.filters.normalize import skeleton

TRICK_WORDS = ("de", "net", "com", "online", "news", "aktuell", "nachrichten", "info", "live")


@dataclass(frozen=True)
class ProtectedBrand:
    rule_id: str
    brand: str
    domains: tuple[str, ...]
    allow: tuple[str, ...]
    reference: str
    review_by: date | None = None
    line: int = 0

    @cached_property
    def labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(label for _, label in map(split_registrable, self.domains) if label))


@dataclass(frozen=True)
class Lookalike:
    brand: ProtectedBrand
    how: str


@cache
def public_suffixes() -> PublicSuffixList:
    """The bundled list; unknown TLDs are not registrable, so "im Focus.Das" is no host."""
    return PublicSuffixList(accept_unknown=False)


def split_registrable(host: str) -> tuple[str | None, str | None]:
    """``("spiegel.de", "spiegel")`` for ``www.spiegel.de``; ``(None, None)`` when nothing is registrable."""
    registrable = public_suffixes().privatesuffix(host)
    suffix = public_suffixes().publicsuffix(host)
    if not registrable or not suffix or len(registrable) <= len(suffix):
        return None, None
    return registrable, registrable[: -len(suffix) - 1]


def decode_idn(host: str) -> str:
    """Punycode labels (``xn--…``) to Unicode, so their letters can be compared; undecodable labels stay."""
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            with contextlib.suppress(UnicodeError, ValueError):
                label = codecs.decode(label[4:].encode("ascii"), "punycode")
        labels.append(label)
    return ".".join(labels)


def typo_limit(length: int) -> int:
    return 2 if length >= 9 else 1 if length >= 5 else 0


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours costs 1); ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class LookalikeIndex:
    """Lookup tables over all protected brands, built once per rule set."""

    def __init__(self, brands: tuple[ProtectedBrand, ...]) -> None:
        self.brands = brands
        self.real = tuple(d for brand in brands for d in (*brand.domains, *brand.allow))
        self.exact: dict[str, ProtectedBrand] = {}
        self.tricks: dict[str, tuple[ProtectedBrand, str]] = {}
        for brand in brands:
            for label in brand.labels:
                self.exact.setdefault(label, brand)
                self.tricks.setdefault(skeleton(label), (brand, "look-alike letters"))
                self.tricks.setdefault(label.replace("-", ""), (brand, "hyphen trick"))
                for word in TRICK_WORDS:
                    for sep in ("-", ""):
                        self.tricks.setdefault(f"{label}{sep}{word}", (brand, "brand plus suffix word"))
                self.tricks.setdefault(f"www{label}", (brand, "www prefix trick"))
                self.tricks.setdefault(f"www-{label}", (brand, "www prefix trick"))

    def is_real(self, host: str) -> bool:
        return any(host == d or host.endswith("." + d) for d in self.real)

    def check(self, host: str) -> Lookalike | None:
        """The brand ``host`` imitates and how, or None (also for the brand's real domains)."""
        if not self.brands or self.is_real(host):
            return None
        host = decode_idn(host)
        registrable, label = split_registrable(host)
        if registrable is None or label is None:
            return None
        if label in self.exact:
            return Lookalike(self.exact[label], f"same name under another suffix ({registrable})")
        for key in (label, skeleton(label), label.replace("-", "")):
            if key in self.tricks and key != "":
                brand, how = self.tricks[key]
                if label not in brand.labels:
                    return Lookalike(brand, how)
        return self._subdomain(host) or self._typo(label)

    def check_userinfo(self, userinfo: str) -> Lookalike | None:
        """``https://spiegel.de@example.com/``: a brand (or its look-alike) before "@" hides where the link goes."""
        host = userinfo.rsplit(":", 1)[0].casefold().removeprefix("www.")
        brand = next((b for b in self.brands if any(host == d or host.endswith("." + d) for d in b.domains)), None)
        found = Lookalike(brand, "") if brand else self.check(host)
        return Lookalike(found.brand, "brand name before '@' hides the real host") if found else None

    def _subdomain(self, host: str) -> Lookalike | None:
        for brand in self.brands:
            if any(host.startswith(domain + ".") or f".{domain}." in host for domain in brand.domains):
                return Lookalike(brand, "brand domain used as a sub-domain")
        return None

    def _typo(self, label: str) -> Lookalike | None:
        best: tuple[int, ProtectedBrand] | None = None
        for brand in self.brands:
            for target in brand.labels:
                limit = typo_limit(len(target))
                distance = edit_distance(label, target, limit) if limit else limit + 1
                if 0 < distance <= limit and (best is None or distance < best[0]):
                    best = (distance, brand)
        return Lookalike(best[1], f"typo (edit distance {best[0]})") if best else None
