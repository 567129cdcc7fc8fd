"""The kept counts (a story's published comments, each thread's published replies) stay equal to a recount
through every way a comment enters or leaves ``published``: posting, moderators' decisions, reader reports,
appeals, the author's delete, erasure, and comments posted to a story registered in the same request."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from moderation.articles.models import Article
from moderation.comments.models import Comment, CommentStatus
from tests.factories import ARTICLE_ID, auth, make_moderator
from tests.helpers import post_comment

Q = "/api/v1/moderation"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"auto_create_articles": True}


def recounted(session: Any) -> tuple[dict[str, int], dict[int, int]]:
    """The kept counters, and what counting the rows gives, for every story and every thread."""
    session.expire_all()
    kept_articles = dict(session.execute(select(Article.id, Article.published_count)).all())
    counted = select(Comment.article_id, func.count()).where(Comment.status == CommentStatus.PUBLISHED)
    actual_articles = dict.fromkeys(kept_articles, 0) | dict(
        session.execute(counted.group_by(Comment.article_id)).all()
    )
    roots = select(Comment.id, Comment.published_replies).where(Comment.parent_id.is_(None))
    kept_threads = dict(session.execute(roots).all())
    replies = select(Comment.thread_id, func.count()).where(
        Comment.status == CommentStatus.PUBLISHED, Comment.thread_id.is_not(None)
    )
    actual_threads = dict.fromkeys(kept_threads, 0) | dict(session.execute(replies.group_by(Comment.thread_id)).all())
    assert kept_articles == actual_articles
    assert kept_threads == actual_threads
    return kept_articles, kept_threads


def decide(client: FlaskClient, token: str, comment_id: int, action: str) -> None:
    response = client.post(
        f"{Q}/comments/{comment_id}/decision", json={"action": action, "reason": "Prüfung"}, headers=auth(token)
    )
    assert response.status_code == 200, response.json


def test_counts_follow_every_transition(client: FlaskClient, session: Any, token: str) -> None:
    root = post_comment(client, "Ein Anfang.").json["id"]
    replies = [post_comment(client, f"Antwort {n}.", author=f"Leser{n}", parent_id=root).json for n in range(4)]
    held = post_comment(client, "Das ist dumm.", author="Bernd", parent_id=root).json["id"]
    articles, threads = recounted(session)
    assert articles[ARTICLE_ID] == 5 and threads[root] == 4
    decide(client, token, held, "approve")
    decide(client, token, replies[0]["id"], "reject")
    assert recounted(session)[1][root] == 4
    for n in range(3):  # reports from three readers hide a reply
        client.post(
            f"/api/v1/comments/{replies[1]['id']}/reports",
            json={"reason": "spam"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"},
        )
    client.delete(f"/api/v1/comments/{replies[2]['id']}", headers=auth(replies[2]["edit_token"]))
    appeal = client.post(f"/api/v1/comments/{replies[0]['id']}/appeal", json={}, headers=auth(replies[0]["edit_token"]))
    assert appeal.status_code == 200
    decide(client, make_moderator(session, "zweite"), replies[0]["id"], "approve")  # not the one who rejected
    articles, threads = recounted(session)
    # the root, the approved held reply, the reply published again after its appeal, and the untouched one
    assert threads[root] == 3 and articles[ARTICLE_ID] == 4


def test_erasure_and_a_story_registered_with_its_first_comment(client: FlaskClient, session: Any, token: str) -> None:
    post_comment(client, "Von einer Leserin.", email="weg@example.org")
    post_comment(client, "Bleibt.", author="Otto")
    assert client.post(f"{Q}/privacy/erase", json={"email": "weg@example.org"}, headers=auth(token)).status_code == 200
    assert recounted(session)[0][ARTICLE_ID] == 1
    first = post_comment(client, "Erster Kommentar.", article_id="neu-1")  # registers the story (auto-create)
    assert first.status_code == 201
    post_comment(client, "Zweiter Kommentar.", author="Otto", article_id="neu-1")
    assert recounted(session)[0]["neu-1"] == 2
    page = client.get("/api/v1/articles/neu-1/comments").json
    assert page["total"] == 2
