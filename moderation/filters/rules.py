"""The rule set: sanctioned and hold-listed link domains plus narrative phrases, loaded from a TOML file.

Loading validates every entry and fails with the file and the entry at fault, so a newsroom editing the file
learns at start-up, not from a silently ignored rule. Matching functions are pure and return ``RuleHit`` tuples.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from moderation.filters.normalize import Normalized
from moderation.filters.verdicts import Action, RuleHit

DEFAULT_RULESET = Path(__file__).parent / "rulesets" / "default.toml"

# A URL with scheme or "www.", or a bare host name; TLDs are letters only so "z.B." or "3.5" never match.
_HOST = r"(?:[a-z0-9\u00a0-\uffff](?:[a-z0-9\u00a0-\uffff-]{0,61}[a-z0-9\u00a0-\uffff])?\.)+[a-z\u00a0-\uffff]{2,24}"
_LINK = re.compile(
    rf"(?P<url>(?:https?://|www\.)(?P<uhost>{_HOST})[^\s<>\"']*)|(?<![\w@.-])(?P<bare>{_HOST})(?![\w-])",
    re.IGNORECASE,
)


class RulesetError(ValueError):
    """The rule file is invalid; the message names the file and the entry."""


@dataclass(frozen=True)
class DomainRule:
    rule_id: str
    domains: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class NarrativeRule:
    rule_id: str
    lang: str
    pattern: re.Pattern[str]
    weight: float
    note: str


@dataclass(frozen=True)
class Ruleset:
    name: str
    version: str
    sanctioned: tuple[DomainRule, ...]
    hold: tuple[DomainRule, ...]
    narratives: tuple[NarrativeRule, ...]

    @property
    def version_id(self) -> str:
        return f"{self.name}@{self.version}"


def load_ruleset(path: Path | None = None) -> Ruleset:
    """Parse and validate a rule file; the version id includes a content hash so edits are never anonymous."""
    path = path or DEFAULT_RULESET
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulesetError(f"{path}: {exc}") from exc
    digest = hashlib.sha256(raw).hexdigest()[:8]
    try:
        return Ruleset(
            name=_required_str(data, "name"),
            version=f"{_required_str(data, 'version')}+{digest}",
            sanctioned=tuple(_domain_rule(e, "sanctioned", i) for i, e in enumerate(data.get("sanctioned", []))),
            hold=tuple(_domain_rule(e, "hold", i) for i, e in enumerate(data.get("hold", []))),
            narratives=tuple(_narrative_rule(e, i) for i, e in enumerate(data.get("narrative", []))),
        )
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise RulesetError(f"{path}: {exc}") from exc


def _required_str(entry: dict[str, Any], key: str, where: str = "top level") -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: '{key}' must be a non-empty string")
    return value


def _check_review_date(entry: dict[str, Any], where: str) -> None:
    review = entry.get("review_by")
    if not isinstance(review, str):
        raise ValueError(f"{where}: 'review_by' (YYYY-MM-DD) is required")
    date.fromisoformat(review)
    _required_str(entry, "reference", where)


def _domain_rule(entry: dict[str, Any], kind: str, index: int) -> DomainRule:
    where = f"[[{kind}]] #{index + 1}"
    _check_review_date(entry, where)
    domains = entry.get("domains")
    if not isinstance(domains, list) or not domains or not all(isinstance(d, str) and d for d in domains):
        raise ValueError(f"{where}: 'domains' must be a non-empty list of strings")
    if kind == "sanctioned":
        outlet = _required_str(entry, "outlet", where)
        rule_id = "link.sanctioned." + re.sub(r"[^a-z0-9]+", "-", outlet.casefold()).strip("-")
        note = f"{outlet}: {entry['reference']}"
    else:
        rule_id, note = _required_str(entry, "id", where), entry["reference"]
    return DomainRule(rule_id, tuple(fold_host(d) for d in domains), note)


def _narrative_rule(entry: dict[str, Any], index: int) -> NarrativeRule:
    where = f"[[narrative]] #{index + 1}"
    _check_review_date(entry, where)
    phrases = entry.get("phrases")
    if not isinstance(phrases, list) or not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
        raise ValueError(f"{where}: 'phrases' must be a non-empty list of strings")
    alternatives = "|".join(_phrase_regex(p) for p in phrases)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    weight = float(entry.get("weight", 1.0))
    return NarrativeRule(
        _required_str(entry, "id", where), _required_str(entry, "lang", where), pattern, weight, entry["reference"]
    )


def _phrase_regex(phrase: str) -> str:
    """``"kiewer regime*"`` → words joined by spaces/hyphens, ``*`` as any word ending. Input is escaped."""
    words = re.split(r"[\s-]+", unicodedata.normalize("NFKC", phrase).casefold().strip())
    parts = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in words]
    return r"[\s\-]+".join(parts)


def fold_host(host: str) -> str:
    """Compare host names in one form: NFKC (fullwidth letters), casefolded, without 'www.' or a trailing dot."""
    host = unicodedata.normalize("NFKC", host).casefold().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _domain_match(host: str, rules: tuple[DomainRule, ...]) -> DomainRule | None:
    for rule in rules:
        if any(host == d or host.endswith("." + d) for d in rule.domains):
            return rule
    return None


def check_links(text: str, ruleset: Ruleset) -> tuple[RuleHit, ...]:
    """Links are read from the original text (before normalisation would merge them with surrounding words)."""
    hits: list[RuleHit] = []
    for m in _LINK.finditer(text):
        is_link = m.group("url") is not None
        host = fold_host(m.group("uhost") if is_link else m.group("bare"))
        hits.extend(_link_hits(host, is_link, m.span(), m.group(0), ruleset))
    return tuple(hits)


def _link_hits(host: str, is_link: bool, span: tuple[int, int], match: str, ruleset: Ruleset) -> list[RuleHit]:
    sanctioned = _domain_match(host, ruleset.sanctioned)
    if sanctioned:
        # A clickable link to a banned outlet is rejected; naming the domain in prose may be criticism: hold it.
        action = Action.REJECT if is_link else Action.HOLD
        rule_id = sanctioned.rule_id if is_link else sanctioned.rule_id + ".mention"
        return [RuleHit(rule_id, action, span[0], span[1], match, 1.0, sanctioned.note)]
    held = _domain_match(host, ruleset.hold)
    if held and is_link:
        return [RuleHit(held.rule_id, Action.HOLD, span[0], span[1], match, 1.0, held.note)]
    return []


def check_narratives(normalized: Normalized, ruleset: Ruleset) -> tuple[RuleHit, ...]:
    """One hit per rule id and span, even when several language entries of a family match the same words."""
    hits: dict[tuple[str, int, int], RuleHit] = {}
    for rule in ruleset.narratives:
        for m in rule.pattern.finditer(normalized.text):
            start, end = normalized.original_span(*m.span())
            matched = normalized.original[start:end]
            hits.setdefault(
                (rule.rule_id, start, end),
                RuleHit(rule.rule_id, Action.HOLD, start, end, matched, rule.weight, rule.note),
            )
    return tuple(hits.values())
