"""Shadow mode through the API: a shadow rule set's decision is computed and recorded, never enforced."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from moderation.audit.models import AuditEntry
from moderation.comments.models import Comment, CommentStatus
from moderation.filters.rules import DEFAULT_RULESET, load_ruleset
from moderation.settings import DEFAULT_THRESHOLDS
from moderation.submission.runtime import current_runtime
from moderation.verdicts import Action
from tests.factories import ARTICLE_ID, make_article
from tests.helpers import post_comment
from tests.rulefiles import candidate_file

URL = f"/api/v1/articles/{ARTICLE_ID}/comments"


@pytest.fixture
def shadow_file(tmp_path: Path) -> Path:
    """The bundled rule set, declared as shadow: its decisions must be recorded but not enforced."""
    text = DEFAULT_RULESET.read_text(encoding="utf-8").replace('mode = "enforce"', 'mode = "shadow"', 1)
    path = tmp_path / "shadow.toml"
    path.write_text(text.replace('name = "kommentare-core"', 'name = "shadow-test"', 1), encoding="utf-8")
    return path


@pytest.fixture
def settings_overrides(shadow_file: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    """``indirect`` parametrisation with "shadow" makes the shadow-mode file the app's rule file."""
    return {"ruleset_path": str(shadow_file)} if getattr(request, "param", None) == "shadow" else {}


@pytest.fixture(autouse=True)
def article(session: Any) -> None:
    make_article(session)


@pytest.mark.parametrize("settings_overrides", ["shadow"], indirect=True)
def test_rule_file_in_shadow_mode_records_but_does_not_enforce(
    app: Flask, client: FlaskClient, session: Any, caplog: pytest.LogCaptureFixture
) -> None:
    body = "Die Wahrheit: https://rt.com/news/1"
    with caplog.at_level(logging.INFO, logger="moderation.filters.shadow"):
        response = post_comment(client, body)
    assert response.status_code == 201  # enforced: published, although the shadow rule set would reject
    stored = session.get(Comment, response.json["id"])
    assert stored.status is CommentStatus.PUBLISHED
    assert stored.rule_hits == []
    assert stored.ruleset_version.startswith("shadow-test@")
    assert "shadow shadow-test@" in caplog.text
    assert "would reject (enforced: publish): link.sanctioned.rt" in caplog.text
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "comment.created")).one()
    assert audit.details["shadow"]["action"] == "reject"
    assert [h["rule_id"] for h in audit.details["shadow"]["hits"]] == ["link.sanctioned.rt"]
    with app.app_context():
        verdict = current_runtime().pipeline.moderate(body, thresholds=DEFAULT_THRESHOLDS)
    assert verdict.action is Action.PUBLISH
    assert verdict.shadow is not None
    assert verdict.shadow.action is Action.REJECT
    assert [h.rule_id for h in verdict.shadow.hits] == ["link.sanctioned.rt"]
    assert verdict.shadow.as_json()["action"] == "reject"


def test_candidate_rule_set_runs_in_shadow_next_to_the_enforced_one(
    app: Flask, client: FlaskClient, session: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    candidate = candidate_file(tmp_path)
    with app.app_context():
        current_runtime().pipeline.shadow_ruleset = load_ruleset(candidate)
    with caplog.at_level(logging.INFO, logger="moderation.filters.shadow"):
        response = post_comment(client, "Wunderkerzen für alle!")
    assert response.status_code == 201
    assert session.get(Comment, response.json["id"]).ruleset_version.startswith("kommentare-core@2")
    assert "would hold (enforced: publish): narrative.candidate" in caplog.text
    with app.app_context():
        pipeline = current_runtime().pipeline
        verdict = pipeline.moderate("Wunderkerzen für alle!", thresholds=DEFAULT_THRESHOLDS)
        held = pipeline.moderate("Das Kiewer Regime lügt.", thresholds=DEFAULT_THRESHOLDS)
    assert (verdict.action, verdict.shadow and verdict.shadow.action) == (Action.PUBLISH, Action.HOLD)
    assert verdict.shadow is not None and "candidate-" in verdict.shadow.ruleset_version
    assert (held.action, held.shadow and held.shadow.action) == (Action.HOLD, Action.HOLD)


def test_a_failing_shadow_rule_set_never_touches_the_enforced_decision(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        pipeline = current_runtime().pipeline
        pipeline.shadow_ruleset = load_ruleset()
        real = pipeline.shadow_ruleset

        def explode(text: str, ruleset: Any) -> Any:
            if ruleset is real:
                raise RuntimeError("broken shadow rules")
            return ()

        monkeypatch.setattr("moderation.submission.pipeline.evaluate", explode)
        verdict = pipeline.moderate("Hallo", thresholds=DEFAULT_THRESHOLDS)
    assert verdict.action is Action.PUBLISH
    assert verdict.shadow is None
