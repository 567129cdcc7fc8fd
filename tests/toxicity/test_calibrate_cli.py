"""``flask models calibrate`` fits thresholds to stored moderator decisions and shows the tables before changing."""

from __future__ import annotations

from typing import Any

from moderation.articles.models import Article
from moderation.comments.models import CommentStatus
from tests.factories import ARTICLE_ID, make_article, make_comment

MODEL = "fake:keyword@1"  # the id of the scorer the test app runs with


def decided(session: Any, score: float, status: CommentStatus, model_id: str = MODEL) -> None:
    comment = make_comment(session, status=status)
    comment.toxicity_scores = {"toxicity": score}
    comment.model_id, comment.moderated_by = model_id, "mod"
    session.commit()


def seed(session: Any) -> None:
    make_article(session)
    for score in (0.1, 0.2, 0.3, 0.5, 0.6):
        decided(session, score, CommentStatus.PUBLISHED)
    for score in (0.4, 0.7, 0.8, 0.9, 0.95, 0.97):
        decided(session, score, CommentStatus.REJECTED)
    decided(session, 0.05, CommentStatus.REJECTED, model_id="other-model")  # another model's scores do not count


def test_calibrate_prints_tables_and_the_setting_without_changing_anything(runner: Any, session: Any) -> None:
    seed(session)
    result = runner.invoke(args=["models", "calibrate", "--target-precision", "1.0", "--hold-recall", "1.0"])
    assert result.exit_code == 0, result.output
    assert "model fake:keyword@1" in result.output
    assert "toxicity         reject fit  0.700     5     0     1     5   1.00   0.83" in result.output
    assert "toxicity         hold fit    0.400     6     2     0     3   0.75   1.00" in result.output
    assert "toxicity         reject now  0.950     2     0     4     5   1.00   0.33" in result.output
    assert """KOMMENTARE_THRESHOLDS='{"toxicity": {"hold": 0.4, "reject": 0.7}}'""" in result.output
    assert session.get(Article, ARTICLE_ID).thresholds is None


def test_calibrate_can_store_the_fit_on_an_article_after_confirmation(runner: Any, session: Any) -> None:
    seed(session)
    args = ["models", "calibrate", "--target-precision", "1.0", "--article", ARTICLE_ID]
    declined = runner.invoke(args=args, input="n\n")
    assert "Store these as thresholds" in declined.output
    session.expire_all()
    assert session.get(Article, ARTICLE_ID).thresholds is None
    accepted = runner.invoke(args=[*args, "--yes"])
    assert accepted.exit_code == 0, accepted.output
    session.expire_all()
    assert session.get(Article, ARTICLE_ID).thresholds == {"toxicity": {"hold": 0.4, "reject": 0.7}}


def test_calibrate_without_decisions_says_so(runner: Any, session: Any) -> None:
    make_article(session)
    result = runner.invoke(args=["models", "calibrate"])
    assert result.exit_code == 1
    assert "no moderator decisions on comments scored by fake:keyword@1" in result.output
