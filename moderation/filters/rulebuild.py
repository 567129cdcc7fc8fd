"""Validation of a parsed rule file, entry by entry, into typed rules (problems go to ``Issues`` with their line).

The file format is documented in ``docs/rules.md`` and in the header of ``rulesets/default.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from moderation.filters.dampers import DEFAULT_NEGATIONS, DEFAULT_QUOTES, DamperConfig, validate_quote_pair
from moderation.filters.links import DomainRule, fold_host
from moderation.filters.lookalike import ProtectedBrand
from moderation.filters.matching import Pattern, compile_regex, parse_phrase
from moderation.filters.rulefile import Entry, Issues, Locator, entries, plain_table

MODES = ("enforce", "shadow")
TOP_KEYS = {"name", "version", "mode", "description", "scoring", "dampers"}
TOP_KEYS |= {"sanctioned", "hold", "protected", "narrative", "debunk"}
DAMPER_KEYS = ("quote_factor", "debunk_factor", "window", "quotes", "negation_factor", "negation_window", "negations")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_LANG = re.compile(r"^[a-z]{2,3}(-[a-z]{4})?$")
_DOMAIN = re.compile(r"^(?:[^\s./:@]+\.)+[^\s./:@\d]{2,}$")


@dataclass(frozen=True)
class Scoring:
    """Narrative score (sum over rule ids of each id's strongest damped weight): hold from, flag from."""

    hold_threshold: float = 1.0
    flag_threshold: float = 0.3


@dataclass(frozen=True)
class NarrativeRule:
    rule_id: str
    lang: str
    weight: float
    phrases: tuple[str, ...]
    regexes: tuple[str, ...]
    reference: str
    review_by: date | None = None
    line: int = 0


@dataclass(frozen=True)
class DebunkTerms:
    rule_id: str
    lang: str
    terms: tuple[str, ...]
    reference: str
    review_by: date | None = None
    line: int = 0


@dataclass
class Parsed:
    name: str = ""
    version: str = ""
    mode: str = "enforce"
    scoring: Scoring = field(default_factory=Scoring)
    dampers: DamperConfig = field(default_factory=DamperConfig)
    sanctioned: list[DomainRule] = field(default_factory=list)
    hold: list[DomainRule] = field(default_factory=list)
    protected: list[ProtectedBrand] = field(default_factory=list)
    narratives: list[NarrativeRule] = field(default_factory=list)
    debunk: list[DebunkTerms] = field(default_factory=list)
    #: (narrative index, pattern) for the automaton; (narrative index, compiled re2) for the regex set.
    phrases: list[tuple[int, Pattern]] = field(default_factory=list)
    regexes: list[tuple[int, Any]] = field(default_factory=list)
    #: (term text, pattern) of every debunk term, in automaton target order.
    debunk_terms: list[tuple[str, Pattern]] = field(default_factory=list)


def parse_file(data: dict[str, Any], locator: Locator, issues: Issues) -> Parsed:
    top = Entry(data, None, 0, locator, issues)
    top.allow_only(TOP_KEYS)
    parsed = Parsed(name=top.text("name") or "", version=top.text("version") or "")
    parsed.mode = top.text("mode", "enforce") or "enforce"
    if parsed.mode not in MODES:
        top.fail("mode", f"must be one of {', '.join(MODES)}")
    parsed.scoring = _scoring(plain_table(data, "scoring", locator, issues))
    parsed.dampers = _dampers(plain_table(data, "dampers", locator, issues))
    parsed.sanctioned = [_sanctioned(e) for e in entries(data, "sanctioned", locator, issues)]
    parsed.hold = [_held(e) for e in entries(data, "hold", locator, issues)]
    parsed.protected = [_protected(e) for e in entries(data, "protected", locator, issues)]
    for entry in entries(data, "narrative", locator, issues):
        _narrative(entry, parsed)
    for entry in entries(data, "debunk", locator, issues):
        _debunk(entry, parsed)
    _check_overlaps(parsed, top)
    return parsed


def _scoring(entry: Entry) -> Scoring:
    entry.allow_only({"hold_threshold", "flag_threshold"})
    hold = entry.number("hold_threshold", 1.0, 0.01, 100.0)
    flag = entry.number("flag_threshold", 0.3, 0.0, 100.0)
    if flag > hold:
        entry.fail("flag_threshold", f"must not exceed hold_threshold ({hold})")
    return Scoring(hold, flag)


def _dampers(entry: Entry) -> DamperConfig:
    entry.allow_only(set(DAMPER_KEYS))
    quotes = entry.texts("quotes", required=False) or DEFAULT_QUOTES
    return DamperConfig(
        quote_factor=entry.number("quote_factor", 0.4, 0.0, 1.0),
        debunk_factor=entry.number("debunk_factor", 0.3, 0.0, 1.0),
        window=int(entry.number("window", 80, 0, 10_000)),
        quotes=tuple(entry.each("quotes", tuple(quotes), validate_quote_pair)),
        negation_factor=entry.number("negation_factor", 0.3, 0.0, 1.0),
        negation_window=int(entry.number("negation_window", 30, 0, 1_000)),
        negations=entry.texts("negations", required=False) or DEFAULT_NEGATIONS,
    )


def _common(entry: Entry, extra: set[str]) -> tuple[str, date | None, int]:
    entry.allow_only({"reference", "review_by", *extra})
    reference = entry.text("reference") or ""
    return reference, entry.review_by(), entry.locator.line(entry.table, entry.index)


def _rule_id(entry: Entry, prefix: str, default: str | None = None) -> str:
    rule_id = entry.text("id", default) if default else entry.text("id")
    if rule_id and not (_ID.match(rule_id) and rule_id.startswith(prefix)):
        entry.fail("id", f"must start with '{prefix}' and use only a-z 0-9 . _ -")
    return rule_id or prefix + "invalid"


def _domains(entry: Entry, key: str = "domains", *, required: bool = True) -> tuple[str, ...]:
    def check(domain: str) -> str:
        folded = fold_host(domain.strip())
        if not _DOMAIN.match(folded):
            raise ValueError("not a host name such as example.com (no scheme, path or spaces)")
        return folded

    return tuple(entry.each(key, entry.texts(key, required=required), check))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def _sanctioned(entry: Entry) -> DomainRule:
    reference, review_by, line = _common(entry, {"outlet", "domains", "id"})
    outlet = entry.text("outlet") or ""
    rule_id = _rule_id(entry, "link.sanctioned.", "link.sanctioned." + _slug(outlet or "x"))
    return DomainRule(rule_id, _domains(entry), f"{outlet}: {reference}", reference, review_by, line)


def _held(entry: Entry) -> DomainRule:
    reference, review_by, line = _common(entry, {"id", "domains"})
    return DomainRule(_rule_id(entry, "link."), _domains(entry), reference, reference, review_by, line)


def _protected(entry: Entry) -> ProtectedBrand:
    reference, review_by, line = _common(entry, {"id", "brand", "domains", "allow"})
    brand = entry.text("brand") or ""
    domains = _domains(entry)
    rule_id = _rule_id(entry, "link.lookalike.", "link.lookalike." + _slug(domains[0] if domains else "x"))
    allow = _domains(entry, "allow", required=False)
    return ProtectedBrand(rule_id, brand, domains, allow, reference, review_by, line)


def _narrative(entry: Entry, parsed: Parsed) -> None:
    reference, review_by, line = _common(entry, {"id", "lang", "weight", "phrases", "regex"})
    rule_id = _rule_id(entry, "narrative.")
    lang = _lang(entry)
    weight = entry.number("weight", 1.0, 0.01, 10.0)
    phrases = entry.texts("phrases", required="regex" not in entry.data)
    regexes = entry.texts("regex", required=False, single=True)
    index = len(parsed.narratives)
    parsed.phrases += [(index, p) for p in entry.each("phrases", phrases, parse_phrase)]
    parsed.regexes += [(index, r) for r in entry.each("regex", regexes, compile_regex)]
    parsed.narratives.append(NarrativeRule(rule_id, lang, weight, phrases, regexes, reference, review_by, line))


def _debunk(entry: Entry, parsed: Parsed) -> None:
    reference, review_by, line = _common(entry, {"id", "lang", "terms"})
    rule_id = _rule_id(entry, "debunk.")
    terms = entry.texts("terms")
    parsed.debunk_terms += entry.each("terms", terms, lambda term: (term, parse_phrase(term)))
    parsed.debunk.append(DebunkTerms(rule_id, _lang(entry), terms, reference, review_by, line))


def _lang(entry: Entry) -> str:
    lang = entry.text("lang") or ""
    if lang and not _LANG.match(lang):
        entry.fail("lang", "must be a language tag such as 'de', 'en', 'ru' or 'ru-latn'")
    return lang


def _check_overlaps(parsed: Parsed, top: Entry) -> None:
    """A domain may sit on one list only, or its action would depend on the order of the file."""
    seen: dict[str, str] = {}
    for kind, rules in (("sanctioned", parsed.sanctioned), ("hold", parsed.hold), ("protected", parsed.protected)):
        for rule in rules:
            for domain in (*rule.domains, *getattr(rule, "allow", ())):
                if domain in seen and seen[domain] != rule.rule_id:
                    top.issues.add(rule.line, f"[[{kind}]] {rule.rule_id}: domain {domain} is also in {seen[domain]}")
                seen.setdefault(domain, rule.rule_id)
