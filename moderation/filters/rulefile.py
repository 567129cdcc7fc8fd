"""Reading a rule file: TOML parsing plus validation helpers that report the FILE, the LINE and the reason.

``tomllib`` gives line numbers only for syntax errors; for semantic errors the ``Locator`` finds the line of the
offending entry (the n-th ``[[narrative]]`` header) or of the key inside it. All problems of a file are collected
and reported together, sorted by line, so a newsroom fixes them in one go.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([\w.\-]+)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([\w.\-]+)\s*\]")
_SYNTAX_LINE = re.compile(r"at line (\d+)")


class RulesetError(ValueError):
    """The rule file is invalid; every line of the message is ``FILE:LINE: reason``."""


@dataclass
class Issues:
    """Problems found in one file; ``raise_if_any`` turns them into one ``RulesetError``."""

    path: Path
    found: list[tuple[int, str]] = field(default_factory=list)

    def add(self, line: int, message: str) -> None:
        self.found.append((line, message))

    def raise_if_any(self) -> None:
        if self.found:
            lines = [f"{self.path}:{line}: {message}" for line, message in sorted(self.found)]
            raise RulesetError("\n".join(lines))


class Locator:
    """Line numbers (1-based) of table headers and keys in the raw TOML text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[tuple[int, str, bool]] = []  # (line index, table name, is array-of-tables)
        for index, line in enumerate(self.lines):
            if match := _ARRAY_HEADER.match(line):
                self.headers.append((index, match.group(1), True))
            elif match := _TABLE_HEADER.match(line):
                self.headers.append((index, match.group(1), False))

    def entry(self, table: str | None, index: int = 0) -> tuple[int, int]:
        """The line range ``[first, end)`` (0-based) of the ``index``-th ``[[table]]``, ``[table]`` or top level."""
        if table is None:
            return 0, self.headers[0][0] if self.headers else len(self.lines)
        starts = [i for i, (_, name, _) in enumerate(self.headers) if name == table]
        if index >= len(starts):
            return 0, len(self.lines)
        position = starts[index]
        end = self.headers[position + 1][0] if position + 1 < len(self.headers) else len(self.lines)
        return self.headers[position][0], end

    def line(self, table: str | None, index: int = 0, key: str | None = None, needle: str | None = None) -> int:
        """The line of ``key`` in the entry (or of ``needle`` after it), else the entry's header line."""
        first, end = self.entry(table, index)
        found = first
        if key is not None:
            pattern = re.compile(rf'^\s*"?{re.escape(key)}"?\s*=')
            found = next((i for i in range(first, end) if pattern.match(self.lines[i])), first)
        if needle is not None:
            found = next((i for i in range(found, end) if needle in self.lines[i]), found)
        return found + 1


def read_toml(path: Path) -> tuple[dict[str, Any], str, bytes]:
    """Parsed data, text and raw bytes; unreadable files and syntax errors become ``RulesetError`` with the line."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesetError(f"{path}:1: cannot read the rule file: {exc}") from exc
    try:
        return tomllib.loads(text), text, raw
    except tomllib.TOMLDecodeError as exc:
        match = _SYNTAX_LINE.search(str(exc))
        raise RulesetError(f"{path}:{match.group(1) if match else 1}: TOML syntax error: {exc}") from exc


class Entry:
    """One table of the file with typed getters that record an issue (with its line) instead of raising."""

    def __init__(
        self, data: Any, table: str | None, index: int, locator: Locator, issues: Issues, *, array: bool = True
    ) -> None:
        self.table, self.index, self.locator, self.issues = table, index, locator, issues
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        self.where = "top level" if table is None else f"[[{table}]] #{index + 1}" if array else f"[{table}]"
        if not isinstance(data, dict):
            self.fail(None, f"must be a table, not {type(data).__name__}")

    def fail(self, key: str | None, message: str, needle: str | None = None) -> None:
        ident = self.data.get("id") or self.data.get("outlet") or self.data.get("brand")
        label = f"{self.where} ({ident})" if isinstance(ident, str) and self.table else self.where
        prefix = f"'{key}': " if key else ""
        self.issues.add(self.locator.line(self.table, self.index, key, needle), f"{label}: {prefix}{message}")

    def allow_only(self, keys: set[str]) -> None:
        for key in sorted(set(self.data) - keys):
            self.fail(key, f"unknown key (allowed: {', '.join(sorted(keys))})")

    def _get(self, key: str, default: Any, check: Callable[[Any], bool], expected: str) -> Any:
        if key not in self.data:
            if default is _REQUIRED:
                self.fail(key, f"is required ({expected})")
            return None if default is _REQUIRED else default
        value = self.data[key]
        if not check(value):
            self.fail(key, f"must be {expected}, got {value!r}")
            return None
        return value

    def text(self, key: str, default: Any = None) -> str | None:
        expected = "a non-empty string"
        value = self._get(key, _REQUIRED if default is None else default, _is_text, expected)
        return value if isinstance(value, str) else None

    def number(self, key: str, default: float, low: float, high: float) -> float:
        value = self._get(key, default, _is_number, f"a number from {low} to {high}")
        if value is None:
            return default
        if not low <= value <= high:
            self.fail(key, f"must be a number from {low} to {high}, got {value!r}")
            return default
        return float(value)

    def texts(self, key: str, *, required: bool = True, single: bool = False) -> tuple[str, ...]:
        """A list of non-empty strings (with ``single``, one bare string is accepted too)."""
        value = self._get(key, _REQUIRED if required else [], _is_text_list if not single else _is_texts, "a list")
        if value is None:
            return ()
        return (value,) if isinstance(value, str) else tuple(value)

    def review_by(self) -> date | None:
        value = self._get("review_by", _REQUIRED, lambda v: isinstance(v, (str, date)), "a date YYYY-MM-DD")
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError as exc:
            self.fail("review_by", f"not a date YYYY-MM-DD: {exc}")
            return None

    def each(self, key: str, values: tuple[str, ...], convert: Callable[[str], T]) -> list[T]:
        """``convert`` every value; a ``ValueError`` becomes an issue on the line holding that value."""
        out: list[T] = []
        for position, value in enumerate(values):
            try:
                out.append(convert(value))
            except ValueError as exc:
                needle = value if len(value) > 1 else None
                self.fail(key, f"item {position + 1} {value!r}: {exc}", needle=needle)
        return out


_REQUIRED = object()


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_is_text(v) for v in value)


def _is_texts(value: Any) -> bool:
    return _is_text(value) or _is_text_list(value)


def plain_table(data: dict[str, Any], name: str, locator: Locator, issues: Issues) -> Entry:
    """A plain ``[name]`` table (absent: empty, so every key takes its default)."""
    return Entry(data.get(name, {}), name, 0, locator, issues, array=False)


def entries(data: dict[str, Any], table: str, locator: Locator, issues: Issues) -> list[Entry]:
    """The ``[[table]]`` entries of the file (an absent table is an empty list)."""
    raw = data.get(table, [])
    if not isinstance(raw, list):
        Entry(data, None, 0, locator, issues).fail(table, "must be an array of tables: write [[" + table + "]]")
        return []
    return [Entry(item, table, index, locator, issues) for index, item in enumerate(raw)]
