"""The real Detoxify loading and scoring path, end to end through the API, with a tiny offline checkpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from moderation.comments.models import Comment
from tests.factories import ARTICLE_ID, make_article
from tests.tiny_detoxify import LABELS, build_tiny_checkpoint

URL = f"/api/v1/articles/{ARTICLE_ID}/comments"
NEVER = {label: {"hold": 2.0, "reject": 2.0} for label in LABELS}
ALWAYS_HOLD = {label: {"hold": 0.0, "reject": 2.0} for label in LABELS}


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build_tiny_checkpoint(tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture
def fake_scorer() -> None:
    return None


def model_settings(checkpoint: tuple[Path, Path], thresholds: dict[str, Any]) -> dict[str, Any]:
    path, config_dir = checkpoint
    return {
        "toxicity_model": "checkpoint",
        "toxicity_checkpoint": str(path),
        "toxicity_config_dir": str(config_dir),
        "model_timeout_seconds": 60.0,
        "thresholds": thresholds,
    }


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest, checkpoint: tuple[Path, Path]) -> dict[str, Any]:
    return model_settings(checkpoint, request.param)


@pytest.mark.parametrize("settings_overrides", [NEVER], indirect=True)
def test_comment_is_scored_by_the_loaded_checkpoint(client: FlaskClient, session: Any) -> None:
    make_article(session)
    response = client.post(URL, json={"author_name": "A", "body": "hello world, you are good"})
    assert response.status_code == 201
    stored = session.get(Comment, response.json["id"])
    assert set(stored.toxicity_scores) == set(LABELS)
    assert all(0.0 <= score <= 1.0 for score in stored.toxicity_scores.values())
    assert stored.model_id.startswith("detoxify-checkpoint:tiny.ckpt@")
    again = client.post(URL, json={"author_name": "B", "body": "hello world, you are good"}).json
    assert session.get(Comment, again["id"]).toxicity_scores == stored.toxicity_scores


@pytest.mark.parametrize("settings_overrides", [ALWAYS_HOLD], indirect=True)
def test_real_scores_drive_the_policy(client: FlaskClient, session: Any) -> None:
    make_article(session)
    response = client.post(URL, json={"author_name": "A", "body": "this is bad"})
    assert response.status_code == 202
    assert {reason["label"] for reason in response.json["reasons"]} == set(LABELS)
