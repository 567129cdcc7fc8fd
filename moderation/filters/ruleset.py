"""The rule set: what a rule file says, validated and compiled once (automaton, re2 patterns, look-alike index).

``load_ruleset`` fails with ``FILE:LINE: reason`` for every problem of the file (see ``rulefile``). The running
service holds its rule set in a ``RulesetHolder``: ``reload()`` swaps in a new version only if it loads, and
otherwise logs the error and keeps the LAST GOOD one; with ``watch_seconds`` the holder notices an edited file by
itself. The stored ``ruleset_version`` is ``name@version+<sha256 prefix of the file>``, so edits are never
anonymous.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from moderation.filters.dampers import DamperConfig
from moderation.filters.links import DomainRule
from moderation.filters.lookalike import LookalikeIndex, ProtectedBrand
from moderation.filters.matching import Matcher
from moderation.filters.rulebuild import DebunkTerms, NarrativeRule, Parsed, Scoring, parse_file
from moderation.filters.rulefile import Issues, Locator, RulesetError, read_toml

__all__ = [
    "DEFAULT_RULESET",
    "DebunkTerms",
    "NarrativeRule",
    "Ruleset",
    "RulesetError",
    "RulesetHolder",
    "Scoring",
    "load_ruleset",
]

log = logging.getLogger(__name__)

DEFAULT_RULESET = Path(__file__).parent / "rulesets" / "default.toml"


@dataclass(frozen=True)
class Ruleset:
    name: str
    version: str
    mode: str
    path: Path | None
    scoring: Scoring
    dampers: DamperConfig
    sanctioned: tuple[DomainRule, ...]
    hold: tuple[DomainRule, ...]
    protected: tuple[ProtectedBrand, ...]
    narratives: tuple[NarrativeRule, ...]
    debunk: tuple[DebunkTerms, ...]
    #: Debunk term text per automaton target (for the damper label stored with a hit).
    debunk_terms: tuple[str, ...] = ()
    matcher: Matcher = field(default_factory=lambda: Matcher((), (), ()), compare=False, repr=False)
    lookalikes: LookalikeIndex = field(default_factory=lambda: LookalikeIndex(()), compare=False, repr=False)
    quote_pattern: re.Pattern[str] = field(default=re.compile(r"(?!)"), compare=False, repr=False)
    negation_pattern: re.Pattern[str] = field(default=re.compile(r"(?!)"), compare=False, repr=False)

    @property
    def version_id(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def shadow(self) -> bool:
        return self.mode == "shadow"

    @property
    def pattern_count(self) -> int:
        """Phrases and regexes of all narrative rules (what the automaton and re2 set hold, debunk terms aside)."""
        return sum(len(rule.phrases) + len(rule.regexes) for rule in self.narratives)

    def overdue(self, today: date | None = None) -> list[tuple[int, str, date]]:
        """``(line, rule id, review_by)`` of entries whose review date has passed (a warning, not an error)."""
        today = today or date.today()
        entries: list[DomainRule | ProtectedBrand | NarrativeRule | DebunkTerms] = [
            *self.sanctioned,
            *self.hold,
            *self.protected,
            *self.narratives,
            *self.debunk,
        ]
        return sorted(
            (entry.line, entry.rule_id, entry.review_by)
            for entry in entries
            if entry.review_by is not None and entry.review_by < today
        )


def load_ruleset(path: Path | None = None) -> Ruleset:
    """Parse, validate and compile a rule file; ``RulesetError`` names the file, the line and the reason."""
    path = path or DEFAULT_RULESET
    data, text, raw = read_toml(path)
    issues = Issues(path)
    parsed = parse_file(data, Locator(text), issues)
    issues.raise_if_any()
    return _compile(parsed, path, hashlib.sha256(raw).hexdigest()[:8])


def _compile(parsed: Parsed, path: Path, digest: str) -> Ruleset:
    return Ruleset(
        name=parsed.name,
        version=f"{parsed.version}+{digest}",
        mode=parsed.mode,
        path=path,
        scoring=parsed.scoring,
        dampers=parsed.dampers,
        sanctioned=tuple(parsed.sanctioned),
        hold=tuple(parsed.hold),
        protected=tuple(parsed.protected),
        narratives=tuple(parsed.narratives),
        debunk=tuple(parsed.debunk),
        debunk_terms=tuple(term for term, _ in parsed.debunk_terms),
        matcher=Matcher(
            parsed.phrases, [(index, pattern) for index, (_, pattern) in enumerate(parsed.debunk_terms)], parsed.regexes
        ),
        lookalikes=LookalikeIndex(tuple(parsed.protected)),
        quote_pattern=parsed.dampers.quote_pattern(),
        negation_pattern=parsed.dampers.negation_pattern(),
    )


class RulesetHolder:
    """The rule set a running process enforces; swaps in a new version only when it loads cleanly."""

    def __init__(self, ruleset: Ruleset, *, watch_seconds: float = 0.0) -> None:
        self._ruleset = ruleset
        self.watch_seconds = watch_seconds
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        self._signature = _signature(ruleset.path)
        self.last_error: str | None = None
        _log_overdue(ruleset)

    @property
    def current(self) -> Ruleset:
        """The rule set in force; with ``watch_seconds``, first reloads it if its file changed since."""
        if self.watch_seconds and time.monotonic() - self._checked >= self.watch_seconds:
            self._checked = time.monotonic()
            if _signature(self._ruleset.path) != self._signature:
                self.reload()
        return self._ruleset

    def replace(self, ruleset: Ruleset) -> None:
        with self._lock:
            self._ruleset = ruleset
            self._signature = _signature(ruleset.path)

    def reload(self, path: Path | None = None) -> bool:
        """Load ``path`` (default: the current file); on failure log it, keep the last good set, return False."""
        with self._lock:
            old = self._ruleset
            target = path or old.path or DEFAULT_RULESET
            signature = _signature(target)
            try:
                new = load_ruleset(target)
            except RulesetError as exc:
                self.last_error = str(exc)
                self._signature = signature  # do not retry the same broken file on every request
                log.error("rule file not reloaded, keeping %s:\n%s", old.version_id, exc)
                return False
            self._ruleset, self._signature, self.last_error = new, signature, None
        if new.version_id != old.version_id:
            log.info("rule set reloaded: %s -> %s", old.version_id, new.version_id)
            _log_overdue(new)
        return True


def _log_overdue(ruleset: Ruleset) -> None:
    for line, rule_id, due in ruleset.overdue():
        log.warning("rule %s (%s:%d) was due for review on %s", rule_id, ruleset.path, line, due.isoformat())


def _signature(path: Path | None) -> tuple[int, int] | None:
    try:
        stat = path.stat() if path else None
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size) if stat else None
