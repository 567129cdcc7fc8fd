"""Per-model default thresholds: a model's card names its own, switching models switches defaults, and
``KOMMENTARE_THRESHOLDS`` and per-article overrides still win."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from app import create_app
from moderation.extensions import db
from moderation.settings import DEFAULT_THRESHOLDS, Settings
from moderation.toxicity.registry import ModelConfigError, ModelFiles, bundled_files, card_thresholds
from moderation.toxicity.runtime import base_thresholds
from moderation.toxicity.scorer import DetoxifyScorer
from tests.factories import auth
from tests.fakes import KeywordScorer


def test_the_bundled_card_names_thresholds_chosen_on_validation_data() -> None:
    card = json.loads(bundled_files().card.read_text(encoding="utf-8"))
    assert "validation split" in card["default_thresholds_selection"]
    assert card_thresholds(bundled_files()) == card["default_thresholds"]
    assert 0.5 < card["default_thresholds"]["toxicity"]["hold"] < card["default_thresholds"]["toxicity"]["reject"]


def test_a_models_card_replaces_the_generic_defaults_and_settings_still_win() -> None:
    scorer = DetoxifyScorer(name="bundled", files=bundled_files())
    own = card_thresholds(bundled_files())
    assert own is not None
    assert base_thresholds(Settings.from_env({}), scorer) == own
    assert "obscene" not in base_thresholds(Settings.from_env({}), scorer)  # the card holds nothing on it
    tuned = base_thresholds(Settings.from_env({}, thresholds={"toxicity": {"hold": 0.6}}), scorer)
    assert tuned["toxicity"] == {**own["toxicity"], "hold": 0.6}


def test_a_model_without_a_card_gets_the_generic_defaults(tmp_path: Path) -> None:
    files = ModelFiles(tmp_path / "m.ckpt", tmp_path, "bert-base-uncased")
    assert card_thresholds(files) is None
    assert base_thresholds(Settings.from_env({}), DetoxifyScorer(name="checkpoint", files=files)) == DEFAULT_THRESHOLDS
    assert base_thresholds(Settings.from_env({}), KeywordScorer()) == DEFAULT_THRESHOLDS


def test_an_invalid_card_stops_start_up_with_the_file_named(tmp_path: Path) -> None:
    shutil.copy(bundled_files().card, tmp_path / "model-card.json")
    card = json.loads((tmp_path / "model-card.json").read_text())
    card["default_thresholds"] = {"toxicity": {"hold": 7}}
    (tmp_path / "model-card.json").write_text(json.dumps(card))
    with pytest.raises(ModelConfigError, match=r"model-card\.json: default_thresholds"):
        card_thresholds(ModelFiles(tmp_path / "m.ckpt", tmp_path, "x"))


@pytest.mark.parametrize("fake_scorer", [None])
def test_the_article_thresholds_api_shows_the_models_defaults(client: FlaskClient, token: str, session: Any) -> None:
    shown = client.get("/api/v1/articles/nordkorea-soldaten/thresholds", headers=auth(token)).json
    assert shown["effective"] == card_thresholds(bundled_files())


def test_switching_models_switches_defaults(database_url: str) -> None:
    bundled = create_app({"database_url": database_url})
    fake = create_app({"database_url": database_url}, scorer=KeywordScorer())
    from moderation.submission.runtime import current_runtime

    with bundled.app_context():
        assert current_runtime().policy.thresholds == card_thresholds(bundled_files())
        db.engine.dispose()
    with fake.app_context():
        assert current_runtime().policy.thresholds == DEFAULT_THRESHOLDS
        db.engine.dispose()
