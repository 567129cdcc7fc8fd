"""Candidate rule files for shadow-mode and backtest tests: the bundled rule set plus one extra narrative."""

from __future__ import annotations

from pathlib import Path

from moderation.filters.rules import DEFAULT_RULESET

CANDIDATE_NARRATIVE = """
[[narrative]]
id = "narrative.candidate"
lang = "de"
weight = 1.0
phrases = ["wunderkerze*"]
reference = "candidate rule under test"
review_by = "2030-01-01"
"""


def candidate_file(tmp_path: Path, extra: str = CANDIDATE_NARRATIVE) -> Path:
    """The bundled rule set with a ``candidate-`` version and ``extra`` appended, written under ``tmp_path``."""
    path = tmp_path / "candidate.toml"
    text = DEFAULT_RULESET.read_text(encoding="utf-8").replace('version = "', 'version = "candidate-', 1)
    path.write_text(text + extra, encoding="utf-8")
    return path
