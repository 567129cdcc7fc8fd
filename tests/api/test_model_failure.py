"""A model that fails or misses its deadline holds the comment (``model_unavailable`` / ``model_timeout``): stored,
never public, and flagged for the background re-score."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from moderation.comments.models import Comment, CommentStatus
from moderation.toxicity.runtime import current_scorer
from moderation.toxicity.scorer import build_scorer
from moderation.webhooks.models import OutboxEvent
from tests.factories import ARTICLE_ID, make_article
from tests.fakes import BlockingScorer, FailingScorer

URL = f"/api/v1/articles/{ARTICLE_ID}/comments"
BODY = "Ein ganz normaler Kommentar."


def use_scorer(app: Any, scorer: Any) -> None:
    """Switch the app's scorer double (passed to ``create_app`` by the ``app`` fixture) to ``scorer``."""
    with app.app_context():
        current_scorer().switch(scorer)


def assert_held_for_model(client: FlaskClient, session: Any, code: str = "model_unavailable") -> None:
    response = client.post(URL, json={"author_name": "A", "body": BODY})
    assert response.status_code == 202
    assert response.json["reasons"] == [{"code": code, "message": response.json["message"], "message_key": "held"}]
    stored = session.scalars(select(Comment)).one()
    assert (stored.status, stored.body, stored.toxicity_scores, stored.model_id, stored.needs_rescore) == (
        CommentStatus.PENDING,
        BODY,
        None,
        None,
        True,
    )
    assert client.get(URL).json["threads"] == []
    assert set(session.scalars(select(OutboxEvent.type))) == {"comment.created", "comment.held"}


@pytest.mark.usefixtures("subscriber")
def test_scorer_exception_holds_the_comment(app: Any, client: FlaskClient, session: Any) -> None:
    make_article(session)
    use_scorer(app, FailingScorer())
    assert_held_for_model(client, session)


@pytest.mark.usefixtures("subscriber")
@pytest.mark.parametrize("settings_overrides", [{"model_timeout_seconds": 0.05}])
def test_scorer_timeout_holds_the_comment(app: Any, client: FlaskClient, session: Any) -> None:
    make_article(session)
    scorer = BlockingScorer()
    use_scorer(app, scorer)
    try:
        assert_held_for_model(client, session, code="model_timeout")
    finally:
        scorer.release.set()


@pytest.mark.usefixtures("subscriber")
def test_real_detoxify_loader_with_missing_checkpoint_holds(
    app: Any, client: FlaskClient, session: Any, tmp_path: Any
) -> None:
    make_article(session)
    missing = tmp_path / "does-not-exist.ckpt"
    scorer = build_scorer(model="checkpoint", model_dir=tmp_path, checkpoint=str(missing), config_dir=str(tmp_path))
    use_scorer(app, scorer)
    assert_held_for_model(client, session)


@pytest.mark.usefixtures("subscriber")
def test_without_model_every_comment_is_held(app: Any, client: FlaskClient, session: Any, tmp_path: Any) -> None:
    make_article(session)
    use_scorer(app, build_scorer(model="none", model_dir=tmp_path))
    assert_held_for_model(client, session)


def test_sanctioned_link_is_rejected_even_when_model_is_down(app: Any, client: FlaskClient, session: Any) -> None:
    make_article(session)
    use_scorer(app, FailingScorer())
    response = client.post(URL, json={"author_name": "A", "body": "Lest https://sputniknews.com/x"})
    assert response.status_code == 422
