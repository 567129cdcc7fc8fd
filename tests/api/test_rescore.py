"""Comments held because the model failed or was late are re-scored by ``flask models rescore``, never lost."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from moderation.audit.models import AuditEntry
from moderation.comments.models import Comment, CommentStatus
from moderation.toxicity.runtime import current_scorer
from moderation.webhooks.models import OutboxEvent
from tests.factories import ARTICLE_ID, auth, make_article, make_moderator
from tests.fakes import FailingScorer, KeywordScorer
from tests.helpers import post_comment

URL = f"/api/v1/articles/{ARTICLE_ID}/comments"


def use_scorer(app: Any, scorer: Any) -> None:
    """Switch the app's scorer double (passed to ``create_app`` by the ``app`` fixture) to ``scorer``."""
    with app.app_context():
        current_scorer().switch(scorer)


def post(client: FlaskClient, body: str) -> int:
    response = post_comment(client, body)
    assert response.status_code == 202
    return int(response.json["id"])


@pytest.mark.usefixtures("subscriber")
def test_rescore_applies_the_verdict_once_the_model_is_back(app: Any, client: FlaskClient, session: Any) -> None:
    make_article(session)
    use_scorer(app, FailingScorer())
    civil, rude, borderline = (post(client, b) for b in ("Danke für den Bericht.", "Du Giftzwerg.", "Etwas dumm."))
    use_scorer(app, KeywordScorer())
    result = app.test_cli_runner().invoke(args=["models", "rescore", "--once"])
    assert result.exit_code == 0, result.output
    assert "re-scored 3 comments, 2 changed status" in result.output
    session.expire_all()
    outcome = {cid: session.get(Comment, cid) for cid in (civil, rude, borderline)}
    assert outcome[civil].status is CommentStatus.PUBLISHED
    assert outcome[rude].status is CommentStatus.REJECTED
    assert outcome[borderline].status is CommentStatus.PENDING
    assert {c.model_id for c in outcome.values()} == {"fake:keyword@1"}
    assert not any(c.needs_rescore for c in outcome.values())
    assert outcome[borderline].reasons[0]["code"] == "toxicity"
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "comment.rescored")).all()
    assert {(a.comment_id, a.details["to"]) for a in audit} == {
        (civil, "published"),
        (rude, "rejected"),
        (borderline, "pending"),
    }
    events = set(session.scalars(select(OutboxEvent.type)))
    assert {"comment.published", "comment.rejected"} <= events
    assert client.get(URL).json["threads"][0]["id"] == civil


def test_rescore_waits_while_the_model_still_fails(app: Any, client: FlaskClient, session: Any) -> None:
    make_article(session)
    use_scorer(app, FailingScorer())
    held = post(client, "Danke für den Bericht.")
    result = app.test_cli_runner().invoke(args=["models", "rescore", "--once"])
    assert "re-scored 0 comments" in result.output
    assert "the model still fails" in result.output
    session.expire_all()
    stored = session.get(Comment, held)
    assert (stored.status, stored.needs_rescore) == (CommentStatus.PENDING, True)


def test_a_moderator_decision_wins_over_the_rescore(app: Any, client: FlaskClient, session: Any) -> None:
    make_article(session)
    token = make_moderator(session)
    use_scorer(app, FailingScorer())
    held = post(client, "Du Giftzwerg.")
    decided = client.post(
        f"/api/v1/moderation/comments/{held}/decision",
        json={"action": "approve", "reason": "Ironie"},
        headers=auth(token),
    )
    assert decided.status_code == 200, decided.json
    use_scorer(app, KeywordScorer())
    result = app.test_cli_runner().invoke(args=["models", "rescore", "--once"])
    assert "re-scored 0 comments" in result.output
    session.expire_all()
    assert session.get(Comment, held).status is CommentStatus.PUBLISHED
