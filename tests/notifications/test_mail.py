"""E-mail notifications against a real SMTP server (aiosmtpd): double opt-in, reply notices, one-click
unsubscribe, decision notices with the statement of reasons, the moderators' digest, and SMTP failures."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select, update

from moderation.articles.models import Article
from moderation.comments.models import Comment, CommentStatus
from moderation.notifications.models import MailMessage, MailRecipient, MailStatus
from moderation.types import utcnow
from tests.factories import ARTICLE_ID, auth, make_article, make_comment
from tests.helpers import post_comment
from tests.notifications.conftest import DESK, PUBLIC_URL, send_mails
from tests.notifications.smtp_server import Inbox

READER = "leserin@example.org"
Q = "/api/v1/moderation"


def _link(message: Any, path: str) -> str:
    found = re.search(re.escape(PUBLIC_URL) + path + r"[^\s>]+", message.get_content())
    assert found, message.get_content()
    return found.group(0).removeprefix(PUBLIC_URL)


def _subscribed(client: FlaskClient, session: Any) -> int:
    if session.get(Article, ARTICLE_ID) is None:
        make_article(session)
    response = post_comment(client, "Wer behandelt die Verwundeten?", email=READER, notify_replies=True)
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def _confirm(client: FlaskClient, runner: FlaskCliRunner, inbox: Inbox) -> None:
    send_mails(runner)
    [confirmation] = inbox.to(READER)
    assert client.post(_link(confirmation, "/mail/confirm/")).status_code == 200


def test_reply_notices_need_the_confirmed_opt_in(
    client: FlaskClient, runner: FlaskCliRunner, session: Any, inbox: Inbox
) -> None:
    parent = _subscribed(client, session)
    assert client.get(f"/api/v1/articles/{ARTICLE_ID}").json["notifications"] is True  # the widget offers it
    assert post_comment(client, "Eine erste Antwort.", author="Bernd", parent_id=parent).status_code == 201
    send_mails(runner)
    [confirmation] = inbox.to(READER)  # the reply before the confirmation is not mailed
    assert confirmation["Subject"] == "Bitte bestätigen: Benachrichtigungen bei Antworten"
    assert confirmation["From"] == "Kommentare <kommentare@zeitung.example>"
    assert confirmation["Auto-Submitted"] == "auto-generated"
    confirm_path = _link(confirmation, "/mail/confirm/")
    page = client.get(confirm_path)  # a link scanner's GET confirms nothing
    assert page.status_code == 200 and b'<form method="post">' in page.data
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    assert session.scalars(select(MailRecipient.confirmed_at)).one() is None
    assert client.post(confirm_path).status_code == 200
    post_comment(client, "Die zweite Antwort kommt an.", author="Carla", parent_id=parent)
    send_mails(runner)
    reply = inbox.to(READER)[-1]
    assert reply["Subject"] == "Neue Antwort auf Ihren Kommentar zu „Titel“"
    body = reply.get_content()
    assert "Carla hat auf Ihren Kommentar geantwortet" in body and "Die zweite Antwort kommt an." in body
    assert "Eine erste Antwort." not in body and "Wer behandelt die Verwundeten?" in body
    assert f"https://zeitung.example/{ARTICLE_ID}#kommentar-" in body
    assert reply["List-Unsubscribe"] == f"<{PUBLIC_URL}{_link(reply, '/mail/unsubscribe/')}>"
    assert reply["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(inbox.to(READER)) == 2


def test_one_click_unsubscribe_ends_all_mail(
    client: FlaskClient, runner: FlaskCliRunner, session: Any, inbox: Inbox
) -> None:
    parent = _subscribed(client, session)
    _confirm(client, runner, inbox)
    post_comment(client, "Antwort eins.", author="Bernd", parent_id=parent)
    send_mails(runner)
    unsubscribe = inbox.to(READER)[-1]["List-Unsubscribe"].strip("<>").removeprefix(PUBLIC_URL)
    # RFC 8058: the mail client POSTs this body, without cookies or a CSRF token.
    response = client.post(
        unsubscribe, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and "Abgemeldet" in response.text
    post_comment(client, "Antwort zwei.", author="Carla", parent_id=parent)
    send_mails(runner)
    assert len(inbox.to(READER)) == 2  # the confirmation and the first reply, nothing after


def test_no_notice_of_ones_own_reply_nor_twice(
    client: FlaskClient, runner: FlaskCliRunner, session: Any, inbox: Inbox, token: str
) -> None:
    parent = _subscribed(client, session)
    _confirm(client, runner, inbox)
    post_comment(client, "Ich ergänze selbst.", parent_id=parent, email=READER.upper())
    held = post_comment(client, "Das ist dumm.", author="Bernd", parent_id=parent).json["id"]
    for action in ("approve", "reject", "approve"):
        decided = client.post(
            f"{Q}/comments/{held}/decision", json={"action": action, "reason": "Prüfung"}, headers=auth(token)
        )
        assert decided.status_code == 200
    send_mails(runner)
    replies = [m for m in inbox.to(READER) if m["Subject"].startswith("Neue Antwort")]
    assert len(replies) == 1 and "Das ist dumm." in replies[0].get_content()


def test_a_reply_removed_before_sending_is_not_announced(
    client: FlaskClient, runner: FlaskCliRunner, session: Any, inbox: Inbox, token: str
) -> None:
    parent = _subscribed(client, session)
    _confirm(client, runner, inbox)
    reply = post_comment(client, "Bald entfernt.", author="Bernd", parent_id=parent).json["id"]
    client.post(f"{Q}/comments/{reply}/decision", json={"action": "reject", "reason": "Off-Topic"}, headers=auth(token))
    assert "dropped 1" in send_mails(runner)
    assert len(inbox.to(READER)) == 1


def test_rejection_notice_carries_the_statement_of_reasons(
    client: FlaskClient, runner: FlaskCliRunner, session: Any, inbox: Inbox, token: str
) -> None:
    held = post_comment(client, "Das ist dumm und falsch.", email=READER).json["id"]
    client.post(
        f"{Q}/comments/{held}/decision", json={"action": "reject", "reason": "Beleidigung"}, headers=auth(token)
    )
    send_mails(runner)
    [notice] = inbox.to(READER)
    assert notice["Subject"] == "Ihr Kommentar wurde nicht veröffentlicht"
    body = notice.get_content()
    assert "Begründung: Entscheidung der Moderation nach den Diskussionsregeln" in body
    assert "von der Moderation" in body and "Das ist dumm und falsch." in body
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    appeal = _link(notice, "/mail/appeal/")
    form = client.get(appeal)
    assert form.status_code == 200 and "Einspruch einlegen" in form.text and "Diskussionsregeln" in form.text
    assert session.get(Comment, held).status is CommentStatus.REJECTED  # a GET appeals nothing
    done = client.post(appeal, data={"note": "Das war Ironie."})
    assert done.status_code == 200 and "Ihr Einspruch ist eingegangen" in done.text
    session.expire_all()
    appealed = session.get(Comment, held)
    assert appealed.status is CommentStatus.PENDING and appealed.appeal_note == "Das war Ironie."
    assert client.post(appeal, data={}).status_code == 409  # once per comment


def test_an_appeal_link_works_only_for_its_authors_comment(
    client: FlaskClient, runner: FlaskCliRunner, session: Any, inbox: Inbox, token: str
) -> None:
    mine = post_comment(client, "Das ist dumm.", email=READER).json["id"]
    other = post_comment(client, "Auch dumm.", author="Bernd", email="bernd@example.org").json["id"]
    for held in (mine, other):
        client.post(f"{Q}/comments/{held}/decision", json={"action": "reject", "reason": "Ton"}, headers=auth(token))
    send_mails(runner)
    appeal = _link(inbox.to(READER)[0], "/mail/appeal/")
    link_to_other = f"{appeal.removesuffix(f'/{mine}')}/{other}"  # only the id: the token may contain "/<id>" too
    assert client.get(link_to_other).status_code == 403
    assert client.get(appeal.replace("/mail/appeal/", "/mail/appeal/x")).status_code == 404


def test_publication_notice_in_english_for_an_english_comment(
    client: FlaskClient, runner: FlaskCliRunner, session: Any, inbox: Inbox, token: str
) -> None:
    text = "This is dumm, but I think the hospital story deserves a closer look from the editors."
    held = post_comment(client, text, email=READER).json["id"]
    client.post(f"{Q}/comments/{held}/decision", json={"action": "approve", "reason": "Zulässig"}, headers=auth(token))
    send_mails(runner)
    [notice] = inbox.to(READER)
    assert notice["Subject"] == "Your comment is now visible" and notice["Content-Language"] == "en"
    assert f"https://zeitung.example/{ARTICLE_ID}#kommentar-{held}" in notice.get_content()


def test_digest_when_the_queue_waits_once_per_interval(
    client: FlaskClient, runner: FlaskCliRunner, session: Any, inbox: Inbox
) -> None:
    make_article(session)
    waiting = make_comment(session, status=CommentStatus.PENDING).id
    send_mails(runner)
    assert inbox.to(DESK) == []  # it has not waited 30 minutes yet
    session.execute(update(Comment).where(Comment.id == waiting).values(created_at=utcnow() - timedelta(minutes=45)))
    make_comment(session, status=CommentStatus.PENDING)
    send_mails(runner)
    send_mails(runner)
    [digest] = inbox.to(DESK)
    assert digest["Subject"] == "Moderation: 2 Kommentare warten, der älteste seit 45 Minuten"
    assert "- Titel: 2" in digest.get_content() and f"{PUBLIC_URL}/admin/" in digest.get_content()
    assert digest["List-Unsubscribe"] is None


def test_a_refused_recipient_fails_at_once_a_busy_server_is_retried(
    client: FlaskClient, runner: FlaskCliRunner, session: Any, inbox: Inbox
) -> None:
    make_article(session)
    inbox.refuse = {READER: 550, "later@example.org": 451}
    post_comment(client, "Eins.", email=READER, notify_replies=True)
    post_comment(client, "Zwei.", author="Bernd", email="later@example.org", notify_replies=True)
    assert "sent 0, failed 1, dropped 0" in send_mails(runner)
    by_address = {
        m.recipient_id: m for m in session.scalars(select(MailMessage).execution_options(populate_existing=True))
    }
    recipients = {r.email: r.id for r in session.scalars(select(MailRecipient))}
    refused, busy = by_address[recipients[READER]], by_address[recipients["later@example.org"]]
    assert refused.status is MailStatus.FAILED and refused.attempts == 1 and "550" in (refused.last_error or "")
    assert busy.status is MailStatus.PENDING and busy.next_attempt_at > utcnow() + timedelta(seconds=20)
    assert inbox.messages == []


def test_opt_in_needs_an_address(client: FlaskClient, session: Any) -> None:
    make_article(session)
    response = post_comment(client, "Ohne Adresse.", notify_replies=True)
    assert response.status_code == 400
    assert response.json["error_codes"] == {"email": ["needs_email"]}
    assert session.scalar(select(Comment.id)) is None
