"""``flask watchwords``: list, add, remove, and a backtest of shadow entries over stored comments."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskCliRunner
from sqlalchemy import select

from moderation.audit.models import AuditEntry
from tests.factories import make_article, make_comment


def test_add_list_remove(runner: FlaskCliRunner, session: Any) -> None:
    added = runner.invoke(args=["watchwords", "add", "Schwurbler*", "--action", "hold", "--category", "insult"])
    assert added.exit_code == 0, added.output
    assert "rule id watchword.de.schwurbler" in added.output
    listed = runner.invoke(args=["watchwords", "list", "--language", "de"])
    assert "hold   insult    schwurbler*" in listed.output
    assert listed.output.startswith("watchwords@2026.12.1+")
    assert runner.invoke(args=["watchwords", "remove", "schwurbler*"]).exit_code == 0
    assert "schwurbler*" not in runner.invoke(args=["watchwords", "list"]).output
    actors = {entry.actor for entry in session.scalars(select(AuditEntry))}
    assert actors == {"cli"}


def test_bad_phrases_and_unknown_words_fail_with_a_message(runner: FlaskCliRunner) -> None:
    bad = runner.invoke(args=["watchwords", "add", "gu*t", "--action", "hold"])
    assert bad.exit_code == 1 and "'*' may only stand at the start or end of a word" in bad.output
    unknown = runner.invoke(args=["watchwords", "remove", "gibtsnicht"])
    assert unknown.exit_code == 1 and "No watched word" in unknown.output


def test_backtest_shows_what_shadow_entries_would_change(runner: FlaskCliRunner, session: Any) -> None:
    make_article(session)
    make_comment(session, body="Diese Schwurbler schon wieder.")
    make_comment(session, body="Danke für den Bericht.")
    runner.invoke(args=["watchwords", "add", "schwurbler*", "--action", "hold", "--shadow"])
    result = runner.invoke(args=["watchwords", "backtest", "--since", "1d"])
    assert result.exit_code == 0, result.output
    assert "Backtest of 2 comments" in result.output
    assert "shadow entries enforced: schwurbler*" in result.output
    assert "publish  hold             1" in result.output
    assert "watchword.de.schwurbler" in result.output
