"""A story's moderation mode and age: pre-moderated stories hold what would be published (with its own reason,
also for edits and re-scored comments); stories close by themselves after KOMMENTARE_AUTO_CLOSE_DAYS."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from moderation.articles.models import Article, ModerationMode
from moderation.audit.models import AuditAction, AuditEntry
from moderation.comments.models import Comment, CommentStatus
from moderation.types import utcnow
from tests.factories import ARTICLE_ID, auth
from tests.helpers import post_comment

ARTICLE = f"/api/v1/articles/{ARTICLE_ID}"


def set_mode(client: FlaskClient, token: str, mode: str | None, **extra: Any) -> Any:
    body = {"url": "https://zeitung.example/nk", "title": "Nordkorea", **extra}
    if mode is not None:
        body["moderation_mode"] = mode
    return client.put(ARTICLE, json=body, headers=auth(token))


def test_a_pre_moderated_story_holds_what_would_be_published(client: FlaskClient, session: Any, token: str) -> None:
    assert set_mode(client, token, "pre").json["moderation_mode"] == "pre"
    held = post_comment(client, "Danke für den gründlichen Bericht.")
    assert held.status_code == 202
    assert [r["code"] for r in held.json["reasons"]] == ["premoderated"]
    assert post_comment(client, "Du Giftzwerg.", author="Bernd").status_code == 422  # rejections stay rejections
    assert set_mode(client, token, None).json["moderation_mode"] == "pre"  # a PUT without the field keeps it
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.ARTICLE_UPDATED)).all()[-1]
    assert entry.details["moderation_mode"] == "pre"
    assert set_mode(client, token, "post").json["moderation_mode"] == "post"
    assert post_comment(client, "Wieder direkt sichtbar.", author="Carla").status_code == 201


def test_an_edit_on_a_pre_moderated_story_waits_for_a_moderator(client: FlaskClient, session: Any, token: str) -> None:
    posted = post_comment(client, "Danke für den Bericht.")
    assert posted.status_code == 201
    set_mode(client, token, "pre")
    edited = client.patch(
        f"/api/v1/comments/{posted.json['id']}",
        json={"body": "Danke, sehr hilfreich."},
        headers={"Authorization": f"Bearer {posted.json['edit_token']}"},
    )
    assert edited.status_code == 200 and edited.json["status"] == "pending"


@pytest.mark.parametrize("mode", ["sometimes", "", 1])
def test_an_unknown_mode_is_a_field_error(client: FlaskClient, session: Any, token: str, mode: Any) -> None:
    response = set_mode(client, token, mode)
    assert response.status_code == 400 and "moderation_mode" in response.json["errors"]
    assert session.get(Article, ARTICLE_ID).moderation_mode is ModerationMode.POST


@pytest.mark.parametrize("settings_overrides", [{"auto_close_days": 7}])
def test_stories_close_by_themselves_after_the_configured_days(client: FlaskClient, session: Any, token: str) -> None:
    assert post_comment(client, "Noch rechtzeitig.").status_code == 201
    session.get(Article, ARTICLE_ID).created_at = utcnow() - timedelta(days=7, seconds=1)
    session.commit()
    late = post_comment(client, "Zu spät.", author="Bernd")
    assert late.status_code == 409 and late.content_type == "application/problem+json"
    assert session.scalars(select(Comment).where(Comment.body == "Zu spät.")).all() == []


def test_the_admin_page_sets_the_mode(client: FlaskClient, session: Any, token: str) -> None:
    from moderation.auth import Role
    from tests.admin.helpers import log_in, make_person, page_csrf

    make_person(session, "chefin", Role.ADMIN)
    log_in(client, "chefin")
    csrf = page_csrf(client, f"/admin/articles/{ARTICLE_ID}")
    form = {
        "csrf_token": csrf,
        "title": "T",
        "url": "https://a.example/x",
        "comments_open": "on",
        "moderation_mode": "pre",
    }
    assert client.post(f"/admin/articles/{ARTICLE_ID}", data=form).status_code == 302
    session.expire_all()
    assert session.get(Article, ARTICLE_ID).moderation_mode is ModerationMode.PRE
    assert "vorab" in client.get("/admin/articles").get_data(as_text=True)
    assert post_comment(client, "Danke.").json["status"] == CommentStatus.PENDING.value


def test_a_comment_rescored_on_a_pre_moderated_story_stays_held(app: Any, client: FlaskClient, session: Any) -> None:
    from moderation.toxicity.runtime import current_scorer
    from tests.factories import make_article
    from tests.fakes import FailingScorer, KeywordScorer

    make_article(session, moderation_mode=ModerationMode.PRE)
    with app.app_context():
        current_scorer().switch(FailingScorer())
    held = post_comment(client, "Danke für den Bericht.")
    assert held.status_code == 202 and held.json["reasons"][0]["code"] == "model_unavailable"
    with app.app_context():
        current_scorer().switch(KeywordScorer())
    assert app.test_cli_runner().invoke(args=["models", "rescore", "--once"]).exit_code == 0
    session.expire_all()
    stored = session.get(Comment, held.json["id"])
    assert stored.status is CommentStatus.PENDING and stored.reasons[0]["code"] == "premoderated"
    assert stored.needs_rescore is False
