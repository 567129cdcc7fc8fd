"""Readers: the newsroom's signed token names who posts; authors edit and delete their own comments in the window."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask.testing import FlaskClient
from sqlalchemy import select

from moderation.audit.models import AuditAction, AuditEntry
from moderation.comments.models import Comment, CommentStatus, CommentVersion
from moderation.readers.models import Reader
from moderation.readers.sso import Claims, InvalidIdentity, SsoConfig, verify
from moderation.webhooks.models import OutboxEvent
from tests.admin.helpers import log_in, make_person
from tests.campaigns.helpers import TEMPLATE, comment_id, post
from tests.factories import auth
from tests.helpers import comments_url, post_comment

SECRET = "newsroom-sso-secret-" + "x" * 24


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"sso_secret": SECRET}


def reader_token(sub: str = "u-1001", name: str = "Petra Leserin", *, key: str = SECRET, **claims: Any) -> str:
    payload = {"sub": sub, "name": name, "email": "petra@example.org", "exp": int(time.time()) + 600, **claims}
    return jwt.encode(payload, key, algorithm="HS256")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def as_reader(client: FlaskClient, body: str, token: str, **fields: Any) -> Any:
    return client.post(comments_url(), json={"body": body, **fields}, headers=bearer(token))


def test_a_signed_in_reader_posts_under_the_newsrooms_name(client: FlaskClient, session: Any, token: str) -> None:
    response = as_reader(client, "Danke für den Bericht.", reader_token(), author_name="Irgendwer")
    assert response.status_code == 201, response.json
    assert response.json["author_name"] == "Petra Leserin"  # the token's name, not the typed one
    comment = session.get(Comment, response.json["id"])
    reader = session.scalars(select(Reader)).one()
    assert (reader.sub, comment.reader_id, comment.email) == ("u-1001", reader.id, "petra@example.org")
    again = as_reader(client, "Noch ein Gedanke.", reader_token(name="Petra L."))
    assert session.get(Comment, again.json["id"]).reader_id == reader.id
    session.refresh(reader)
    assert reader.name == "Petra L." and session.scalars(select(Reader)).all() == [reader]


@pytest.mark.parametrize(
    ("token_of", "why"),
    [
        (lambda: reader_token(exp=int(time.time()) - 3600), "expired"),
        (lambda: reader_token(key="someone-elses-secret-" + "y" * 24), "not valid"),
        (
            lambda: jwt.encode({"sub": "u", "name": "n", "exp": int(time.time()) + 60}, key=None, algorithm="none"),
            "not valid",
        ),
        (lambda: reader_token(sub=""), "sub"),
        (lambda: "kein.jwt.token", "not valid"),
    ],
)
def test_a_bad_reader_token_is_401_and_nothing_is_stored(
    client: FlaskClient, session: Any, token: str, token_of: Any, why: str
) -> None:
    response = as_reader(client, "Danke für den Bericht.", token_of())
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert why in response.json["detail"]
    assert session.scalars(select(Comment)).all() == [] and session.scalars(select(Reader)).all() == []


def test_a_token_within_the_clock_skew_still_counts(client: FlaskClient, token: str) -> None:
    response = as_reader(client, "Danke für den Bericht.", reader_token(exp=int(time.time()) - 10))
    assert response.status_code == 201


def test_es256_tokens_are_checked_against_the_public_key_and_hmac_confusion_fails() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    config = SsoConfig(public_key=public_pem, audience="kommentare", issuer="https://login.zeitung.example")
    claims = {"sub": "u-7", "name": "Eva", "exp": int(time.time()) + 60, "aud": "kommentare"}
    good = jwt.encode({**claims, "iss": "https://login.zeitung.example"}, private, algorithm="ES256")
    assert verify(good, config) == Claims("u-7", "Eva", None)
    with pytest.raises(InvalidIdentity, match="not valid"):
        verify(jwt.encode({**claims, "iss": "https://evil.example"}, private, algorithm="ES256"), config)
    with pytest.raises(InvalidIdentity, match="not valid"):
        verify(jwt.encode({**claims, "aud": "other"}, private, algorithm="ES256"), config)
    # Algorithm confusion: an HMAC "signed" with the public key as its secret must not pass.
    import base64
    import hashlib
    import hmac
    import json as _json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(_json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(_json.dumps({**claims, "iss": "https://login.zeitung.example"}).encode())
    signature = b64(hmac.new(public_pem.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest())
    with pytest.raises(InvalidIdentity):
        verify(f"{head}.{body}.{signature}", config)


def test_guests_still_post_and_must_give_a_name(client: FlaskClient, token: str) -> None:
    missing = client.post(comments_url(), json={"body": "Danke für den Bericht."})
    assert missing.status_code == 400 and "author_name" in missing.json["errors"]
    assert post_comment(client, "Danke für den Bericht.").status_code == 201


@pytest.mark.usefixtures("subscriber")
def test_a_guest_edits_with_the_token_from_the_answer_and_the_edit_is_moderated(
    client: FlaskClient, session: Any, token: str
) -> None:
    posted = post_comment(client, "Danke für den gründlichen Bericht.")
    assert posted.status_code == 201
    comment_id, edit = posted.json["id"], posted.json["edit_token"]
    assert edit.startswith("kedit_") and "editable_until" in posted.json
    changed = client.patch(f"/api/v1/comments/{comment_id}", json={"body": "Du Giftzwerg."}, headers=bearer(edit))
    assert changed.status_code == 200
    assert changed.json["status"] == "rejected" and changed.json["reasons"]  # the 200 body says what happened
    stored = session.get(Comment, comment_id)
    assert (stored.body, stored.status) == ("Du Giftzwerg.", CommentStatus.REJECTED)
    [version] = session.scalars(select(CommentVersion)).all()
    assert (version.body, version.status) == ("Danke für den gründlichen Bericht.", CommentStatus.PUBLISHED)
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.COMMENT_EDITED)).all()
    assert entry.details["from"] == "published" and entry.details["to"] == "rejected"
    types = [e.type for e in session.scalars(select(OutboxEvent).order_by(OutboxEvent.created_at))]
    assert types[-2:] == ["comment.edited", "comment.rejected"]
    make_person(session)
    log_in(client, "petra")
    item = client.get("/admin/?state=rejected").get_data(as_text=True).split(f'data-comment-id="{comment_id}"')[1]
    assert "frühere Fassungen (1)" in item and "Danke für den gründlichen Bericht." in item


def test_an_sso_reader_edits_with_their_own_token_not_anyone_elses(
    client: FlaskClient, session: Any, token: str
) -> None:
    posted = as_reader(client, "Danke für den Bericht.", reader_token())
    url = f"/api/v1/comments/{posted.json['id']}"
    other = client.patch(url, json={"body": "Übernommen."}, headers=bearer(reader_token(sub="u-2002", name="Olaf")))
    assert other.status_code == 403
    assert other.json["detail"] == "Sie können nur Ihre eigenen Kommentare ändern."
    assert client.patch(url, json={"body": "Danke, sehr hilfreich."}, headers=bearer(reader_token())).status_code == 200


def test_no_credential_or_another_comments_token_is_403(client: FlaskClient, token: str) -> None:
    first = post_comment(client, "Danke für den Bericht.")
    second = post_comment(client, "Auch von mir ein Dank.", author="Bernd")
    url = f"/api/v1/comments/{first.json['id']}"
    assert client.patch(url, json={"body": "Neu."}).status_code == 403
    assert client.patch(url, json={"body": "Neu."}, headers=bearer(second.json["edit_token"])).status_code == 403
    assert client.delete(url, headers=bearer(second.json["edit_token"])).status_code == 403
    forged = "kedit_" + second.json["edit_token"][6:-2] + "xx"
    assert client.patch(url, json={"body": "Neu."}, headers=bearer(forged)).status_code == 403


def test_after_the_window_edits_and_deletes_are_403_in_the_readers_language(
    client: FlaskClient, session: Any, token: str
) -> None:
    posted = post_comment(client, "Danke für den Bericht.")
    session.get(Comment, posted.json["id"]).created_at -= timedelta(seconds=301)
    session.commit()
    url, headers = f"/api/v1/comments/{posted.json['id']}", bearer(posted.json["edit_token"])
    late = client.patch(url, json={"body": "Zu spät."}, headers=headers)
    assert late.status_code == 403 and "ersten 5 Minuten" in late.json["detail"]
    assert client.delete(url, headers=headers).status_code == 403
    english = client.patch(url, json={"body": "Too late."}, headers={**headers, "Accept-Language": "en"})
    assert english.json["detail"] == "Comments can only be changed in their first 5 minutes."
    other = client.patch(url, json={"body": "Neu."}, headers={"Accept-Language": "en-GB"})
    assert other.json["detail"] == "You can only change your own comments."


def test_a_bad_edit_body_is_a_field_error_and_changes_nothing(client: FlaskClient, session: Any, token: str) -> None:
    posted = post_comment(client, "Danke für den Bericht.")
    url, headers = f"/api/v1/comments/{posted.json['id']}", bearer(posted.json["edit_token"])
    for body in ({"body": "   "}, {}, {"body": "x" * 100_000}):
        response = client.patch(url, json=body, headers=headers)
        assert response.status_code in (400, 413) and response.content_type == "application/problem+json"
    assert session.get(Comment, posted.json["id"]).body == "Danke für den Bericht."
    assert session.scalars(select(CommentVersion)).all() == []


@pytest.mark.usefixtures("subscriber")
def test_deleting_leaves_a_placeholder_only_where_replies_hang(client: FlaskClient, session: Any, token: str) -> None:
    parent = post_comment(client, "Danke für den Bericht.")
    reply = post_comment(client, "Sehe ich genauso.", author="Bernd", parent_id=parent.json["id"])
    lonely = post_comment(client, "Ein Gedanke ohne Antwort.", author="Carla")
    for posted in (parent, lonely):
        deleted = client.delete(f"/api/v1/comments/{posted.json['id']}", headers=bearer(posted.json["edit_token"]))
        assert deleted.status_code == 204
    threads = client.get(comments_url()).json["threads"]
    assert [t["id"] for t in threads] == [parent.json["id"]]
    [placeholder] = threads
    assert placeholder["deleted"] is True and placeholder["body"] == "[gelöscht]" and placeholder["author_name"] == ""
    assert [r["id"] for r in placeholder["replies"]] == [reply.json["id"]]
    stored = session.get(Comment, parent.json["id"])
    assert stored.status is CommentStatus.DELETED and stored.body == ""
    assert session.scalars(select(CommentVersion.body).where(CommentVersion.comment_id == stored.id)).one() == (
        "Danke für den Bericht."
    )
    types = {e.type for e in session.scalars(select(OutboxEvent))}
    assert "comment.deleted" in types
    again = client.delete(f"/api/v1/comments/{parent.json['id']}", headers=bearer(parent.json["edit_token"]))
    assert again.status_code == 409


def test_what_an_author_deleted_no_moderator_decision_brings_back(
    client: FlaskClient, session: Any, token: str
) -> None:
    texts = [TEMPLATE] * 3
    posted = [post(client, name, text) for name, text in zip("ABC", texts, strict=True)]
    campaign = session.get(Comment, comment_id(posted[-1])).campaign_id
    first = posted[0]
    assert first.status_code == 201
    client.delete(f"/api/v1/comments/{first.json['id']}", headers=bearer(first.json["edit_token"]))
    single = client.post(
        f"/api/v1/moderation/comments/{first.json['id']}/decision",
        json={"action": "approve", "reason": "ok"},
        headers=auth(token),
    )
    assert single.status_code == 409 and single.content_type == "application/problem+json"
    whole = client.post(
        f"/api/v1/moderation/campaigns/{campaign}/decision",
        json={"action": "approve", "reason": "ok"},
        headers=auth(token),
    )
    assert whole.status_code == 200
    session.expire_all()
    assert session.get(Comment, first.json["id"]).status is CommentStatus.DELETED
    assert [c["id"] for c in client.get(comments_url()).json["threads"]] == [comment_id(p) for p in posted[:0:-1]]
