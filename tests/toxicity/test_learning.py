"""Learning from the newsroom's own moderators: train a candidate from decisions, compare it with the active model
on decisions it never saw, activate and roll back by hand."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import insert, select

from app import create_app
from moderation.audit.models import AuditEntry
from moderation.comments.models import Comment, CommentStatus
from moderation.extensions import db
from moderation.settings import Settings
from moderation.toxicity.activation import candidates_dir, read_activation
from moderation.toxicity.runtime import base_thresholds, configured_scorer
from moderation.toxicity.sitehead import BASE_LABEL, Blend, SiteAdaptedScorer, features, fit_blend
from tests.factories import ARTICLE_ID, make_article
from tests.fakes import KeywordScorer
from tests.helpers import post_comment

DATA = Path(os.environ.get("KOMMENTARE_DATASETS", Path(__file__).resolve().parents[3] / "shared" / "datasets"))
GERMEVAL_TEST = DATA / "toxicity" / "germeval2018" / "germeval2018.test.txt"


def store_decisions(session: Any, rows: list[tuple[str, bool]]) -> None:
    """Decided comments, as moderators leave them (no model scores: the base model scores the held-out ones)."""
    make_article(session)
    session.execute(
        insert(Comment),
        [
            {
                "article_id": ARTICLE_ID,
                "author_name": f"Leser {index}",
                "body": body,
                "status": CommentStatus.REJECTED if rejected else CommentStatus.PUBLISHED,
                "moderated_by": "mod",
                "reasons": [],
                "rule_hits": [],
            }
            for index, (body, rejected) in enumerate(rows)
        ],
    )
    session.commit()


def test_features_are_stable_and_fold_disguises() -> None:
    assert features("Du Idiot") == features("Du Idiot")
    assert set(features("V0ll1d10t")[0]) & set(features("Vollidiot")[0]) == set(features("Vollidiot")[0])


def test_the_blend_keeps_the_base_model_when_the_head_knows_nothing() -> None:
    """A head that guesses must not pull a good base model down: its weight goes to about zero."""
    samples = [(0.9 if rejected else 0.1, 0.5 + 0.3 * ((i * 7) % 3 - 1), rejected) for i in range(200)
               for rejected in (i % 2 == 0,)]  # fmt: skip
    blend = fit_blend(samples)
    assert blend.base > 1 and abs(blend.head) < 0.1
    assert blend.probability(0.9, 0.2) > 0.5 > blend.probability(0.1, 0.8)


def test_the_blend_lets_the_head_correct_what_the_base_model_misses() -> None:
    """The site rejects what the base model calls harmless (a local slur, say), and the head has learnt it."""
    samples = [(0.2, 0.9 if rejected else 0.1, rejected) for rejected in [True, False] * 100]
    blend = fit_blend(samples)
    assert blend.head > 1
    assert blend.probability(0.2, 0.9) > 0.5 > blend.probability(0.2, 0.1)
    assert Blend(1.0, 0.0, 0.0).probability(0.3, 0.99) == pytest.approx(0.3)


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, Any]:
    return {"model_dir": str(tmp_path / "models")}


@pytest.mark.parametrize("fake_scorer", [None])  # the real bundled model is the base the candidate must beat
def test_a_candidate_trained_on_the_sites_decisions_beats_the_base_on_held_out_decisions(
    app: Flask, runner: FlaskCliRunner, session: Any
) -> None:
    """The site's decisions are real labelled German comments (GermEval 2018 test, which the bundled model never
    trained on); one in five is held out, by comment id, for the comparison."""
    if not GERMEVAL_TEST.exists():
        pytest.skip(f"GermEval 2018 not found at {GERMEVAL_TEST}")
    lines = GERMEVAL_TEST.read_text(encoding="utf-8").splitlines()
    store_decisions(session, [(line.split("\t")[0], line.split("\t")[1] == "OFFENSE") for line in lines])
    result = runner.invoke(args=["models", "train", "--from-decisions", "--data", str(DATA)])
    assert result.exit_code == 0, result.output
    assert f"compared on {len(lines) // 5} held-out decisions" in result.output
    [card_path] = candidates_dir(Path(app.config["KOMMENTARE"].model_dir)).glob("*/model-card.json")
    card = json.loads(card_path.read_text(encoding="utf-8"))
    compared = card["comparison"]
    assert compared["base"]["model_id"].startswith("bundled:")
    # The base is a fine-tuned encoder (0.85 on these rows); the blended head adds the site's own lessons to it.
    assert compared["candidate"]["auc"] > compared["base"]["auc"] + 0.02, compared
    assert card["trained_on"] == {"site_decisions": 2119, "calibration_decisions": 707, "germeval_train": 5009}
    candidate, base = compared["candidate"]["at_hold"], compared["base"]["at_hold"]
    assert candidate["tp"] + candidate["fp"] < 2 * (base["tp"] + base["fp"]), "a queue moderators can still work"
    assert read_activation(card_path.parent.parent.parent).active is None  # never activates itself


def test_too_few_decisions_is_a_clear_error(runner: FlaskCliRunner, session: Any) -> None:
    store_decisions(session, [("Danke.", False)] * 10)
    result = runner.invoke(args=["models", "train", "--from-decisions"])
    assert result.exit_code == 1
    assert "10 moderator decisions; at least 50 are needed" in result.output


def test_activate_and_roll_back(app: Flask, runner: FlaskCliRunner, session: Any) -> None:
    rows = [(f"Du bist ein Giftzwerg und Schwurbler Nummer {i}.", True) for i in range(40)]
    rows += [(f"Danke für den sachlichen Bericht Nummer {i}.", False) for i in range(60)]
    store_decisions(session, rows)
    assert runner.invoke(args=["models", "train", "--from-decisions"]).exit_code == 0
    model_dir = Path(app.config["KOMMENTARE"].model_dir)
    [candidate] = [path.name for path in candidates_dir(model_dir).iterdir() if path.is_dir()]
    assert runner.invoke(args=["models", "activate", "nope"]).exit_code == 1
    activated = runner.invoke(args=["models", "activate", candidate])
    assert activated.exit_code == 0, activated.output
    assert f"* {candidate}" in runner.invoke(args=["models", "candidates"]).output

    settings = Settings.from_env({}, model_dir=str(model_dir))
    scorer = configured_scorer(settings)
    assert isinstance(scorer, SiteAdaptedScorer) and scorer.model_id.endswith(f"+site:{candidate}")
    [rude, civil] = scorer.score(["Ein Giftzwerg und Schwurbler.", "Danke für den sachlichen Bericht."])
    assert rude["toxicity"] > 0.5 > civil["toxicity"] and BASE_LABEL in rude
    assert base_thresholds(settings, scorer)["toxicity"] == scorer.head.thresholds or not scorer.head.thresholds

    rolled = runner.invoke(args=["models", "rollback"])
    assert (rolled.exit_code, "base model alone" in rolled.output) == (0, True)
    assert not isinstance(configured_scorer(settings), SiteAdaptedScorer)
    assert runner.invoke(args=["models", "rollback"]).exit_code == 1  # nothing left to go back to
    actions = [e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.action.like("model.%")))]
    assert actions == ["model.activated", "model.rolled_back"]


def test_a_shadow_candidate_is_recorded_beside_the_decision_and_never_enforced(
    app: Flask, runner: FlaskCliRunner, session: Any, database_url: str
) -> None:
    rows = [(f"Du bist ein Giftzwerg und Schwurbler Nummer {i}.", True) for i in range(40)]
    rows += [(f"Danke für den sachlichen Bericht Nummer {i}.", False) for i in range(60)]
    store_decisions(session, rows)
    assert runner.invoke(args=["models", "train", "--from-decisions"]).exit_code == 0
    model_dir = app.config["KOMMENTARE"].model_dir
    [candidate] = [path.name for path in candidates_dir(Path(model_dir)).iterdir() if path.is_dir()]
    config = {"database_url": database_url, "model_dir": model_dir, "toxicity_shadow_candidate": candidate}
    shadowed = create_app({**config, "ratelimit_enabled": False}, scorer=KeywordScorer())
    response = post_comment(shadowed.test_client(), "Ein Schwurbler und Giftzwerg.")
    assert response.status_code == 422  # the enforced model (the keyword fake) decides
    with shadowed.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.comment_id == response.json["comment_id"])).one()
        assert entry.details["shadow_model"]["candidate"] == candidate
        assert entry.details["shadow_model"]["toxicity"] > 0.5
        db.session.remove()
        db.engine.dispose()


def test_a_missing_shadow_candidate_stops_start_up(database_url: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot load site head"):
        create_app({"database_url": database_url, "model_dir": str(tmp_path), "toxicity_shadow_candidate": "nope"})
