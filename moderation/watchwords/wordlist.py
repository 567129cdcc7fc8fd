"""Watched words, compiled: entries in, rule hits with spans out (pure; no database, no app).

A ``Wordlist`` is the effective list (shipped entries overlaid by moderators' changes) compiled once into the rule
stage's Aho–Corasick matcher. ``evaluate`` runs it on the normalised comment and on its leetspeak fold, so
"V0ll1d10t", "Idi\u200bot" and "Ιdiot" (a Greek capital iota) count like "Idiot", and every hit carries the span the
reader wrote. Insults and weak adjectives addressed to a person ("du bist ein ...", "du Trottel", "you ...") go one
step up; entries in shadow mode are matched and recorded with the action they would take, never enforced.
"""

from __future__ import annotations

import enum
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from moderation.filters.matching import Matcher, Pattern, parse_phrase
from moderation.filters.normalize import Normalized, normalize
from moderation.verdicts import Action, RuleHit

SHIPPED_LIST = Path(__file__).parent / "lists" / "default.toml"
RULE_PREFIX = "watchword."
LANGUAGES = ("de", "en")
#: How far before a word (normalised characters, same sentence) a second-person address still counts.
ADDRESS_WINDOW = 40
_ADDRESS_BEFORE = re.compile(r"\b(?:du|dich|dir|ihr|euch|bist|seid|you|you're|youre|ur|u)\b")
_ADDRESS_AFTER = re.compile(r"^[\s,!.]*(?:du|ihr|you)\b")
_SENTENCE_END = re.compile(r"[.!?\n]")
#: Handles and links are names, not words said to anyone ("@Jani_Depp", "deppen-blog.example").
_NAMES = re.compile(r"@\w+|\bhttps?://\S+|\bwww\.\S+|\b(?:[\w-]+\.)+(?:de|com|org|net|at|ch|eu|info|ru|ua)\b\S*")


class WatchAction(enum.StrEnum):
    FLAG = "flag"
    HOLD = "hold"
    REJECT = "reject"

    @property
    def action(self) -> Action:
        return {WatchAction.FLAG: Action.FLAG, WatchAction.HOLD: Action.HOLD, WatchAction.REJECT: Action.REJECT}[self]


class Category(enum.StrEnum):
    INSULT = "insult"
    ADJECTIVE = "adjective"
    PROFANITY = "profanity"
    SHUT_UP = "shut_up"
    SLUR = "slur"
    THREAT = "threat"
    OTHER = "other"


class Mode(enum.StrEnum):
    ENFORCE = "enforce"
    SHADOW = "shadow"


class Source(enum.StrEnum):
    SHIPPED = "shipped"
    MODERATOR = "moderator"


#: Categories that go one step up when addressed to a person.
ESCALATING = frozenset({Category.INSULT, Category.ADJECTIVE})
_ONE_UP = {Action.FLAG: Action.HOLD, Action.HOLD: Action.REJECT, Action.REJECT: Action.REJECT}


@dataclass(frozen=True)
class Entry:
    language: str
    phrase: str
    action: WatchAction
    category: Category = Category.OTHER
    mode: Mode = Mode.ENFORCE
    source: Source = Source.SHIPPED
    note: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.language, self.phrase)

    @property
    def rule_id(self) -> str:
        slug = re.sub(r"[^\w]+", "-", self.phrase.replace("*", "").strip()).strip("-")
        return f"{RULE_PREFIX}{self.language}.{slug}"


def check_entry(*, language: str, phrase: str) -> tuple[str, Pattern]:
    """The phrase as stored (trimmed, lower-case) and its parsed pattern; ``ValueError`` says what is wrong."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    cleaned = " ".join(phrase.split()).lower()
    if not cleaned or len(cleaned) > 200:
        raise ValueError("a phrase has 1 to 200 characters")
    return cleaned, parse_phrase(cleaned)


@dataclass(frozen=True)
class WordlistResult:
    hits: tuple[RuleHit, ...]
    #: Shadow entries' hits: recorded with the action they would take (``note``), never enforced.
    shadow: tuple[RuleHit, ...] = ()


@dataclass(frozen=True)
class Wordlist:
    entries: tuple[Entry, ...]
    version: str
    #: Phrases that contain a watched stem but are fine ("idiotensicher"): hits inside them are dropped.
    allow: tuple[str, ...] = ()
    matcher: Matcher = field(default_factory=lambda: Matcher((), (), ()), compare=False, repr=False)

    @classmethod
    def compile(cls, entries: tuple[Entry, ...], version: str, allow: tuple[str, ...] = ()) -> Wordlist:
        patterns = [(index, check_entry(language=e.language, phrase=e.phrase)[1]) for index, e in enumerate(entries)]
        allowed = [(index, parse_phrase(phrase)) for index, phrase in enumerate(allow)]
        return cls(entries, version, allow, Matcher(patterns, allowed, ()))

    def evaluate(self, text: str) -> WordlistResult:
        normalized = normalize(text)
        names = [match.span() for match in _NAMES.finditer(text)]
        seen: dict[tuple[int, int, int], RuleHit] = {}
        for folded, leet in ((normalized.text, False), (normalized.leet, True)):
            if leet and folded == normalized.text:
                continue
            matches = self.matcher.scan(folded)
            allowed = [(m.start, m.end) for m in matches if m.kind == "debunk"]  # the matcher's second kind
            for match in matches:
                key = (match.target, *normalized.original_span(match.start, match.end))
                inside_allowed = any(start <= match.start and match.end <= end for start, end in allowed)
                if match.kind == "debunk" or inside_allowed or any(s < key[2] and key[1] < e for s, e in names):
                    continue
                if key not in seen:
                    seen[key] = self._hit(normalized, folded, match.target, match.start, match.end, leet)
        ordered = sorted(seen.items(), key=lambda item: (item[1].start, item[1].rule_id))
        shadow = {key for key in seen if self.entries[key[0]].mode is Mode.SHADOW}
        return WordlistResult(
            hits=tuple(hit for key, hit in ordered if key not in shadow),
            shadow=tuple(hit for key, hit in ordered if key in shadow),
        )

    def _hit(self, normalized: Normalized, folded: str, target: int, start: int, end: int, leet: bool) -> RuleHit:
        entry = self.entries[target]
        action = entry.action.action
        notes = [f"watched word '{entry.phrase}' ({entry.category.value}, {entry.language}, {entry.source.value})"]
        if entry.category in ESCALATING and addressed(folded, start, end):
            action = _ONE_UP[action]
            notes.append("addressed to a person")
        if leet or normalized.disguised:
            notes.append("disguised")
        if entry.mode is Mode.SHADOW:
            notes.insert(0, f"shadow: would {action.name.lower()}")
            action = Action.PUBLISH
        original_start, original_end = normalized.original_span(start, end)
        return RuleHit(
            rule_id=entry.rule_id,
            action=action,
            start=original_start,
            end=original_end,
            match=normalized.original[original_start:original_end],
            note="; ".join(notes),
        )


def addressed(text: str, start: int, end: int) -> bool:
    """Whether the word at ``text[start:end]`` is said to someone: a second-person word before it in the same
    sentence (within ``ADDRESS_WINDOW`` characters), or right after it ("Trottel, du!")."""
    before = text[max(0, start - ADDRESS_WINDOW) : start]
    cut = [m.end() for m in _SENTENCE_END.finditer(before)]
    before = before[cut[-1] :] if cut else before
    return bool(_ADDRESS_BEFORE.search(before) or _ADDRESS_AFTER.match(text[end : end + 12]))


@dataclass(frozen=True)
class ShippedList:
    version: str
    entries: tuple[Entry, ...]
    allow: tuple[str, ...] = ()


def load_shipped(path: Path = SHIPPED_LIST) -> ShippedList:
    """The list that ships with Kommentare; ``ValueError`` names the phrase that does not parse."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries: dict[tuple[str, str], Entry] = {}
    for group in data["words"]:
        for phrase in group["phrases"]:
            try:
                cleaned, _ = check_entry(language=group["language"], phrase=phrase)
            except ValueError as exc:
                raise ValueError(f"{path}: {phrase!r}: {exc}") from exc
            entries[(group["language"], cleaned)] = Entry(
                language=group["language"],
                phrase=cleaned,
                action=WatchAction(group["action"]),
                category=Category(group.get("category", "other")),
            )
    allow = tuple(" ".join(phrase.split()).lower() for phrase in data.get("allow", ()))
    for phrase in allow:
        parse_phrase(phrase)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
    return ShippedList(f"{data['version']}+{digest}", tuple(entries.values()), allow)
