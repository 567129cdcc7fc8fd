"""Link rules: sanctioned outlets, the hold list and look-alikes of protected media, read from the ORIGINAL text.

Links are found before normalisation (which would merge them with the words around them): ``http(s)://`` and
``www.`` links, bare host names in prose (``RT.com lügt``), and cheap, safe obfuscations (``rt[.]com``,
``rt(dot)com``, ``rt dot com``). Fullwidth and ideographic dots count as dots; hosts are compared NFKC-folded.

| found | sanctioned outlet | hold list | look-alike of a protected brand |
|---|---|---|---|
| link | REJECT (HOLD when the comment also carries a debunk term) | HOLD | HOLD |
| bare host in prose | HOLD (``.mention``) | nothing | HOLD |
| obfuscated host | HOLD (``.obfuscated``) | HOLD | HOLD |
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from moderation.filters.lookalike import LookalikeIndex, split_registrable
from moderation.verdicts import Action, RuleHit

# At most 8 labels: bounded repetition keeps every scan linear, even on "a.a.a.a…" floods.
_HOST = (
    r"(?:[a-z0-9\u00a0-\uffff](?:[a-z0-9\u00a0-\uffff-]{0,61}[a-z0-9\u00a0-\uffff])?\.){1,8}[a-z\u00a0-\uffff]{2,24}"
)
# A URL with scheme (and perhaps "user@" before the host) or "www.", or a bare host name; TLDs are letters only so
# "z.B." or "3.5" never match.
_LINK = re.compile(
    rf"(?P<url>(?:https?://(?:(?P<userinfo>[^\s/@<>\"']{{1,200}})@)?|www\.)(?P<uhost>{_HOST})[^\s<>\"']*)"
    rf"|(?<![\w@.-])(?P<bare>{_HOST})(?![\w-])",
    re.IGNORECASE,
)
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_OBF_SEP = r"(?:\s?[\[({<]\s?(?:\.|dot|punkt)\s?[\])}>]\s?|\s(?:dot|punkt)\s)"
_OBF_HINT = re.compile(_OBF_SEP, re.IGNORECASE)
_OBFUSCATED = re.compile(
    rf"(?<![\w.@-])(?P<host>{_LABEL}(?:(?:{_OBF_SEP}|\.){_LABEL}){{0,6}}{_OBF_SEP}[a-z]{{2,24}})(?![\w-])",
    re.IGNORECASE,
)
_OBF_DOT = re.compile(_OBF_SEP + "|" + r"\.", re.IGNORECASE)
_DOTS = str.maketrans({"\uff0e": ".", "\u3002": ".", "\uff61": "."})
# In prose, "im Spiegel.In der Ukraine" is a missing space, not a host: bare hosts ending in a capitalised or a
# word-like top-level domain are not compared with the protected brands (links and "www." hosts still are).
_WORDY_SUFFIXES = frozenset({"in", "im", "am", "an", "so", "es", "er", "to", "at", "be", "me", "my", "is", "it", "no"})
_WORDY_SUFFIXES |= {"us", "do", "la", "ist", "online", "news", "live", "jetzt", "team", "land", "haus"}


@dataclass(frozen=True)
class DomainRule:
    rule_id: str
    domains: tuple[str, ...]
    note: str
    reference: str = ""
    review_by: date | None = None
    line: int = 0


@dataclass(frozen=True)
class Host:
    """A host found in the text: ``kind`` is "link", "bare" or "obfuscated"; span into the original text."""

    host: str
    kind: str
    start: int
    end: int
    match: str
    capitalised_tld: bool = False
    #: What stood before "@" in the link ("https://spiegel.de@example.com/" goes to example.com).
    userinfo: str | None = None


def fold_host(host: str) -> str:
    """Compare host names in one form: NFKC (fullwidth letters), casefolded, without 'www.' or a trailing dot."""
    host = unicodedata.normalize("NFKC", host).casefold().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def find_hosts(text: str) -> Iterator[Host]:
    """Every link, bare host and obfuscated host in ``text`` (offsets into ``text`` as given)."""
    scan = text if text.isascii() else text.translate(_DOTS)
    for m in _LINK.finditer(scan):
        is_link = m.group("url") is not None
        raw = m.group("uhost") if is_link else m.group("bare")
        tld = raw.rsplit(".", 1)[-1]
        capitalised = not is_link and tld[:1].isupper() and tld[1:].islower()
        kind, match = "link" if is_link else "bare", text[m.start() : m.end()]
        yield Host(fold_host(raw), kind, m.start(), m.end(), match, capitalised, m.group("userinfo"))
    if _OBF_HINT.search(scan):
        for m in _OBFUSCATED.finditer(scan):
            host = _OBF_DOT.sub(".", m.group("host"))
            yield Host(fold_host(host), "obfuscated", m.start(), m.end(), text[m.start() : m.end()])


def domain_match(host: str, rules: tuple[DomainRule, ...]) -> DomainRule | None:
    for rule in rules:
        if any(host == d or host.endswith("." + d) for d in rule.domains):
            return rule
    return None


def check_hosts(
    text: str, sanctioned: tuple[DomainRule, ...], hold: tuple[DomainRule, ...], lookalikes: LookalikeIndex
) -> tuple[RuleHit, ...]:
    """Link hits for ``text``; a host matches at most one rule (sanctioned before hold before look-alike)."""
    hits: list[RuleHit] = []
    for found in find_hosts(text):
        hit = _sanctioned(found, sanctioned) or _held(found, hold) or _lookalike(found, lookalikes)
        if hit is not None:
            hits.append(hit)
    return tuple(hits)


def _hit(found: Host, rule_id: str, action: Action, note: str) -> RuleHit:
    return RuleHit(rule_id, action, found.start, found.end, found.match, 1.0, note)


def _sanctioned(found: Host, rules: tuple[DomainRule, ...]) -> RuleHit | None:
    rule = domain_match(found.host, rules)
    if rule is None:
        return None
    if found.kind == "link":
        return _hit(found, rule.rule_id, Action.REJECT, rule.note)
    # Naming the domain in prose may be criticism; an obfuscated one is no link either: a human decides.
    suffix = ".mention" if found.kind == "bare" else ".obfuscated"
    return _hit(found, rule.rule_id + suffix, Action.HOLD, rule.note)


def _held(found: Host, rules: tuple[DomainRule, ...]) -> RuleHit | None:
    rule = domain_match(found.host, rules) if found.kind != "bare" else None
    return _hit(found, rule.rule_id, Action.HOLD, rule.note) if rule else None


def _lookalike(found: Host, index: LookalikeIndex) -> RuleHit | None:
    if found.kind == "bare" and (found.capitalised_tld or _wordy(found.host)):
        return None
    if index.is_real(found.host):
        return None
    lookalike = index.check(found.host) or (index.check_userinfo(found.userinfo) if found.userinfo else None)
    if lookalike is None:
        return None
    brand = lookalike.brand
    note = f"imitates {brand.brand} ({', '.join(brand.domains)}): {lookalike.how}; {brand.reference}"
    return _hit(found, brand.rule_id, Action.HOLD, note)


def _wordy(host: str) -> bool:
    registrable, label = split_registrable(host)
    return registrable is not None and label is not None and registrable[len(label) + 1 :] in _WORDY_SUFFIXES
