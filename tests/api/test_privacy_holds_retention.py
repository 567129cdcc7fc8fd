"""Legal holds block erasure and retention; the retention job anonymises old rejected comments, deletes old
campaign-index rows and reduces old audit details to plain facts, once each (a watermark)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select, update

from moderation.audit.models import AuditEntry
from moderation.auth import Role
from moderation.campaigns.models import Fingerprint
from moderation.comments.models import Comment, CommentStatus
from moderation.privacy.retention import RetentionPolicy, apply_retention, plain_facts
from moderation.types import utcnow
from tests.factories import auth, make_article, make_moderator
from tests.helpers import post_comment

HOLDS = "/api/v1/moderation/privacy/holds"
ERASE = "/api/v1/moderation/privacy/erase"
EXPORT_URL = "/api/v1/moderation/privacy/export"


def hold(client: FlaskClient, token: str, **target: str) -> Any:
    return client.post(HOLDS, json={"reason": "Verfahren 4 O 17/26", **target}, headers=auth(token))


def test_a_hold_on_a_guest_blocks_their_erasure_until_lifted(client: FlaskClient, session: Any, token: str) -> None:
    post_comment(client, "Ein Beitrag, der Beweis ist.", email="zeuge@example.org")
    placed = hold(client, token, email="Zeuge@Example.org")
    assert placed.status_code == 201 and placed.json["subject"].startswith("guest:")
    refused = client.post(ERASE, json={"email": "zeuge@example.org"}, headers=auth(token))
    assert refused.status_code == 409 and refused.json["type"].endswith("legal-hold")
    assert session.scalar(select(func.count()).select_from(Comment).where(Comment.body != "")) == 1
    assert [h["id"] for h in client.get(HOLDS, headers=auth(token)).json] == [placed.json["id"]]
    assert client.delete(f"{HOLDS}/{placed.json['id']}", headers=auth(token)).status_code == 204
    assert client.delete(f"{HOLDS}/{placed.json['id']}", headers=auth(token)).status_code == 404
    assert client.post(ERASE, json={"email": "zeuge@example.org"}, headers=auth(token)).status_code == 200


def test_a_hold_on_an_article_blocks_erasing_its_authors(client: FlaskClient, token: str) -> None:
    post_comment(client, "Unter einem gesperrten Artikel.", email="autor@example.org")
    hold(client, token, article_id="nordkorea-soldaten")
    assert client.post(ERASE, json={"email": "autor@example.org"}, headers=auth(token)).status_code == 409


@pytest.mark.parametrize(
    ("target", "status"),
    [({}, 400), ({"article_id": "a", "email": "x@y.example"}, 400), ({"reader": "niemand"}, 404)],
)
def test_a_hold_names_exactly_one_known_target(client: FlaskClient, token: str, target: dict, status: int) -> None:
    assert hold(client, token, **target).status_code == status


def test_only_admins_manage_holds(client: FlaskClient, session: Any, token: str) -> None:
    moderator = make_moderator(session, "mo", Role.MODERATOR)
    assert client.get(HOLDS, headers=auth(moderator)).status_code == 403


def secret_key() -> str:
    from moderation.state import current_settings

    return current_settings().secret_key


def age(session: Any, comment_id: int, days: int) -> None:
    then = utcnow() - timedelta(days=days)
    session.execute(update(Comment).where(Comment.id == comment_id).values(created_at=then))
    session.execute(update(Fingerprint).where(Fingerprint.comment_id == comment_id).values(created_at=then))
    session.execute(update(AuditEntry).where(AuditEntry.comment_id == comment_id).values(at=then))
    session.commit()


def test_retention_anonymises_old_rejections_but_not_held_or_recent_ones(
    app: Any, client: FlaskClient, session: Any, token: str
) -> None:
    make_article(session, "gesperrt")
    old = post_comment(client, "Du Giftzwerg, alter Text.", author="Alt", email="alt@example.org").json["comment_id"]
    held_story = post_comment(client, "Du Giftzwerg, beweisrelevant.", author="H", article_id="gesperrt").json
    held_guest = post_comment(client, "Du Giftzwerg, Zeuge.", author="Z", email="zeuge@example.org").json
    recent = post_comment(client, "Du Giftzwerg, frisch.", author="Neu").json["comment_id"]
    published = post_comment(client, "Ein alter, sachlicher Text über die Lage.", author="P").json["id"]
    for comment_id in (old, held_story["comment_id"], held_guest["comment_id"], published):
        age(session, comment_id, 400)
    hold(client, token, article_id="gesperrt")
    hold(client, token, email="zeuge@example.org")
    with app.app_context():
        from moderation.extensions import db

        run = apply_retention(session=db.session, policy=RetentionPolicy(), secret=secret_key(), now=utcnow())
    assert run.rejected_anonymised == 1 and run.index_rows_deleted > 0 and run.audit_entries_pseudonymised >= 2
    session.expire_all()
    gone = session.get(Comment, old)
    assert (gone.body, gone.author_name, gone.email, gone.status) == ("", "", None, CommentStatus.REJECTED)
    assert session.get(Comment, held_story["comment_id"]).body == "Du Giftzwerg, beweisrelevant."
    assert session.get(Comment, held_guest["comment_id"]).body == "Du Giftzwerg, Zeuge."
    assert session.get(Comment, recent).body == "Du Giftzwerg, frisch."
    assert session.get(Comment, published).body.startswith("Ein alter")  # only rejections are anonymised
    assert session.scalar(select(func.count()).select_from(Fingerprint).where(Fingerprint.comment_id == published)) == 0
    old_entry = session.scalars(select(AuditEntry).where(AuditEntry.comment_id == old)).first()
    assert old_entry.details.get("pseudonymised") is True
    held_entry = session.scalars(select(AuditEntry).where(AuditEntry.comment_id == held_story["comment_id"])).first()
    assert "pseudonymised" not in held_entry.details
    with app.app_context():
        from moderation.extensions import db

        again = apply_retention(session=db.session, policy=RetentionPolicy(), secret=secret_key(), now=utcnow())
    assert (again.rejected_anonymised, again.audit_entries_pseudonymised) == (0, 0)  # the watermark holds


def test_the_retention_command(client: FlaskClient, runner: FlaskCliRunner, session: Any, token: str) -> None:
    rejected = post_comment(client, "Du Giftzwerg, ganz alt.", author="Alt").json["comment_id"]
    age(session, rejected, 365)
    result = runner.invoke(args=["privacy", "retention"])
    assert result.exit_code == 0 and "anonymised 1 rejected comments" in result.output


def test_plain_facts_keep_codes_and_drop_text() -> None:
    details = {"status": "rejected", "reasons": [{"code": "toxicity", "message": "Text"}], "shadow": {"hits": [1]}}
    assert plain_facts(details) == {"status": "rejected", "reasons": [{"code": "toxicity"}], "pseudonymised": True}


@pytest.mark.parametrize(
    "target", [{"reader": "u\u0000x"}, {"email": "a\u0000@b.example"}, {"article_id": "gesperrt\u0007"}]
)
def test_control_characters_are_field_errors_not_queries(client: FlaskClient, token: str, target: dict) -> None:
    """PostgreSQL refuses NUL in a string: such input must stop at the schema (found by schemathesis)."""
    assert hold(client, token, **target).status_code == 400
    assert client.get(EXPORT_URL, query_string=target, headers=auth(token)).status_code in (400, 404)
