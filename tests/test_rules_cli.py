"""``flask rules check`` and ``flask rules backtest`` through Flask's CLI runner against the real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskCliRunner

from moderation.comments.models import Comment
from moderation.filters.backtest import parse_since
from moderation.filters.rules import DEFAULT_RULESET
from tests.factories import make_article, make_comment
from tests.rulefiles import CANDIDATE_NARRATIVE, candidate_file


def test_check_accepts_the_bundled_rule_file(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["rules", "check", str(DEFAULT_RULESET)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"OK {DEFAULT_RULESET}: kommentare-core@")
    assert "narrative entries" in result.output
    assert "review overdue" not in result.output


def test_check_reports_file_line_and_reason(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = candidate_file(tmp_path, CANDIDATE_NARRATIVE.replace('"wunderkerze*"', '"wunder*kerze"'))
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "wunder*kerze" in text)
    result = runner.invoke(args=["rules", "check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:{line}: [[narrative]]" in result.output
    assert "'*' may only stand at the start or end of a word" in result.output


def test_check_lists_overdue_reviews(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = candidate_file(tmp_path, CANDIDATE_NARRATIVE.replace("2030-01-01", "2020-01-01"))
    result = runner.invoke(args=["rules", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "review overdue" in result.output
    assert "narrative.candidate (review_by 2020-01-01)" in result.output


def test_backtest_prints_what_a_candidate_would_change(runner: FlaskCliRunner, session: Any, tmp_path: Path) -> None:
    make_article(session)
    civil = make_comment(session, body="Danke für den Bericht.")
    changed = make_comment(session, body="Wunderkerzen für alle!")
    held = make_comment(session, body="Das Kiewer Regime lügt.")
    old = make_comment(session, body="Wunderkerzen gab es schon 2020.")
    old.created_at = datetime.now(UTC) - timedelta(days=90)
    session.commit()
    result = runner.invoke(args=["rules", "backtest", "--since", "30d", "--ruleset", str(candidate_file(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "Backtest of 3 comments since" in result.output
    assert "candidate: kommentare-core@candidate-" in result.output
    rows = [line.split() for line in result.output.splitlines()]
    assert ["publish", "hold", "1"] in rows
    assert ["unchanged", "2"] in rows
    assert f"#{changed.id}  publish -> hold  narrative.candidate" in result.output
    assert f"#{civil.id} " not in result.output
    assert f"#{held.id} " not in result.output


def test_backtest_without_changes_says_so(runner: FlaskCliRunner, session: Any) -> None:
    make_article(session)
    make_comment(session, body="Danke für den Bericht.")
    result = runner.invoke(args=["rules", "backtest", "--since", "1d"])
    assert result.exit_code == 0, result.output
    assert "No comment would change." in result.output


def test_backtest_replays_stored_toxicity_scores(runner: FlaskCliRunner, session: Any, tmp_path: Path) -> None:
    make_article(session)
    comment = make_comment(session, body="Wunderkerzen, du Trottel")
    stored = session.get(Comment, comment.id)
    stored.toxicity_scores = {"toxicity": 0.99, "insult": 0.99}
    stored.thresholds = {"toxicity": {"hold": 0.5, "reject": 0.95}}
    session.commit()
    result = runner.invoke(args=["rules", "backtest", "--ruleset", str(candidate_file(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "No comment would change." in result.output  # rejected for toxicity either way


def test_backtest_rejects_a_bad_since(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["rules", "backtest", "--since", "soon"])
    assert result.exit_code == 2
    assert "--since" in result.output


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30d", datetime(2026, 10, 2, 12, tzinfo=UTC)),
        ("12h", datetime(2026, 11, 1, 0, tzinfo=UTC)),
        ("2w", datetime(2026, 10, 18, 12, tzinfo=UTC)),
        ("2026-10-01", datetime(2026, 10, 1, tzinfo=UTC)),
    ],
)
def test_parse_since(value: str, expected: datetime) -> None:
    assert parse_since(value, now=datetime(2026, 11, 1, 12, tzinfo=UTC)) == expected
