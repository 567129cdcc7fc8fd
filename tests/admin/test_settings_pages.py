"""The settings pages: articles and thresholds, watched words, rule files, webhooks and the model; every change
goes through the feature's use case (validated, audited with the person's name), and roles hold on the server."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from moderation.articles.models import Article, GuestMode
from moderation.audit.models import AuditAction, AuditEntry
from moderation.auth import Role
from moderation.comments.models import Comment
from moderation.filters.ruleset import DEFAULT_RULESET
from moderation.webhooks.models import EventType, WebhookEndpoint
from tests.admin.helpers import log_in, make_person, page_csrf
from tests.admin.test_queue_pages import XSS
from tests.campaigns.helpers import TEMPLATE
from tests.factories import ARTICLE_ID
from tests.helpers import post_comment

JSON = {"Accept": "application/json"}
ADMIN_PAGES = ["/admin/articles", f"/admin/articles/{ARTICLE_ID}", "/admin/rules", "/admin/webhooks", "/admin/models"]


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"webhook_allowed_hosts": ("127.0.0.1",)}


@pytest.fixture
def chefin(client: FlaskClient, session: Any, token: str) -> FlaskClient:
    make_person(session, "chefin", Role.ADMIN)
    log_in(client, "chefin")
    return client


def audited(session: Any, action: AuditAction) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.mark.parametrize("path", [*ADMIN_PAGES, "/admin/watchwords"])
def test_an_admin_sees_every_settings_page(chefin: FlaskClient, path: str) -> None:
    response = chefin.get(path)
    assert response.status_code == 200, path
    assert 'href="/admin/models"' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_a_moderator_is_refused_admin_settings_but_edits_watched_words(
    client: FlaskClient, session: Any, token: str, path: str
) -> None:
    make_person(session)
    log_in(client, "petra")
    assert client.get(path).status_code == 403
    assert client.get("/admin/watchwords").status_code == 200
    csrf = page_csrf(client, "/admin/watchwords")
    refused = client.post(
        f"/admin/articles/{ARTICLE_ID}", data={"csrf_token": csrf, "title": "x", "url": "https://a.b"}
    )
    assert refused.status_code == 403


def test_closing_an_article_from_its_page_is_audited_and_refuses_comments(chefin: FlaskClient, session: Any) -> None:
    csrf = page_csrf(chefin, f"/admin/articles/{ARTICLE_ID}")
    form = {"csrf_token": csrf, "title": "Nordkorea", "url": "https://zeitung.example/nk"}  # box unticked: closed
    assert chefin.post(f"/admin/articles/{ARTICLE_ID}", data=form).status_code == 302
    session.expire_all()
    assert session.get(Article, ARTICLE_ID).comments_open is False
    [entry] = audited(session, AuditAction.ARTICLE_UPDATED)
    assert entry.actor == "moderator:chefin" and entry.details["comments_open"] is False
    assert post_comment(chefin, "Danke für den Bericht.").status_code in (403, 409, 422)


def test_guests_and_surge_from_the_article_page(chefin: FlaskClient, session: Any) -> None:
    page_ = f"/admin/articles/{ARTICLE_ID}"
    csrf = page_csrf(chefin, page_)
    form = {"csrf_token": csrf, "title": "Nordkorea", "url": "https://zeitung.example/nk", "comments_open": "on"}
    assert chefin.post(page_, data={**form, "guests": "off"}).status_code == 302
    session.expire_all()
    assert session.get(Article, ARTICLE_ID).guests is GuestMode.OFF
    assert post_comment(chefin, "Als Gast.").status_code == 401
    assert chefin.post(page_, data={**form, "guests": ""}).status_code == 302  # "as the site"
    session.expire_all()
    assert session.get(Article, ARTICLE_ID).guests is None
    assert "Nicht aktiv." in chefin.get(page_).get_data(as_text=True)
    assert chefin.post(f"{page_}/surge", data={"csrf_token": csrf, "hours": "3"}).status_code == 302
    shown = chefin.get(page_).get_data(as_text=True)
    assert "Aktiv bis" in shown and "Ansturm-Modus beenden" in shown
    assert post_comment(chefin, "Ganz neu hier.", author="Neu").status_code == 202
    assert chefin.post(f"{page_}/surge/end", data={"csrf_token": csrf}).status_code == 302
    assert "Nicht aktiv." in chefin.get(page_).get_data(as_text=True)
    assert [e.actor for e in audited(session, AuditAction.ARTICLE_SURGE_ENDED)] == ["moderator:chefin"]
    bad = chefin.post(f"{page_}/surge", data={"csrf_token": csrf, "hours": "0"}, headers=JSON)
    assert bad.status_code == 400 and "hours" in bad.json["errors"]


def test_a_failing_endpoint_is_enabled_and_replayed_from_the_page(chefin: FlaskClient, session: Any) -> None:
    from moderation.webhooks.models import Delivery, DeliveryStatus, DisabledReason, OutboxEvent

    endpoint = WebhookEndpoint(
        url="https://hooks.zeitung.example/cms", secret="whsec_" + "A" * 40, event_types=["comment.created"]
    )
    endpoint.active, endpoint.disabled_reason, endpoint.consecutive_failures = False, DisabledReason.FAILURES, 20
    session.add_all([endpoint, OutboxEvent(id="msg_1", type="comment.created", payload={})])
    session.flush()
    session.add(Delivery(event_id="msg_1", endpoint_id=endpoint.id, status=DeliveryStatus.FAILED, attempts=8))
    session.commit()
    page_ = chefin.get("/admin/webhooks").get_data(as_text=True)
    assert "Nach zu vielen Fehlschlägen in Folge abgeschaltet" in page_ and "Fehlgeschlagene erneut senden" in page_
    csrf = page_csrf(chefin, "/admin/webhooks")
    assert chefin.post(f"/admin/webhooks/{endpoint.id}/enable", data={"csrf_token": csrf}).status_code == 302
    assert chefin.post(f"/admin/webhooks/{endpoint.id}/redeliver", data={"csrf_token": csrf}).status_code == 302
    session.expire_all()
    assert session.get(WebhookEndpoint, endpoint.id).active is True
    assert session.scalars(select(Delivery.status)).all() == [DeliveryStatus.PENDING]
    actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert AuditAction.WEBHOOK_ENABLED in actions and AuditAction.WEBHOOK_REDELIVERED in actions


def test_any_moderator_sees_and_ends_a_surge_in_the_queue(client: FlaskClient, session: Any, token: str) -> None:
    from datetime import timedelta

    from moderation.types import utcnow

    article = session.get(Article, ARTICLE_ID)
    article.surge_until = utcnow() + timedelta(hours=2)
    session.commit()
    make_person(session, "mona", Role.MODERATOR)
    log_in(client, "mona")
    queue = client.get("/admin/").get_data(as_text=True)
    assert "Ansturm-Modus aktiv" in queue and article.title in queue
    csrf = page_csrf(client, "/admin/")
    assert client.post(f"/admin/surges/{ARTICLE_ID}/end", data={"csrf_token": csrf}).status_code == 302
    assert "Ansturm-Modus aktiv" not in client.get("/admin/").get_data(as_text=True)
    assert [e.actor for e in audited(session, AuditAction.ARTICLE_SURGE_ENDED)] == ["moderator:mona"]
    assert client.post(f"/admin/surges/{ARTICLE_ID}/end").status_code == 403  # no CSRF token


def test_article_thresholds_from_the_form(chefin: FlaskClient, session: Any) -> None:
    csrf = page_csrf(chefin, f"/admin/articles/{ARTICLE_ID}")
    form = {"csrf_token": csrf, "toxicity.hold": "0.3", "toxicity.reject": "", "insult.hold": " "}
    assert chefin.post(f"/admin/articles/{ARTICLE_ID}/thresholds", data=form).status_code == 302
    session.expire_all()
    assert session.get(Article, ARTICLE_ID).thresholds == {"toxicity": {"hold": 0.3}}
    page = chefin.get(f"/admin/articles/{ARTICLE_ID}").get_data(as_text=True)
    assert 'name="toxicity.hold" value="0.3"' in page
    cleared = chefin.post(f"/admin/articles/{ARTICLE_ID}/thresholds", data={"csrf_token": csrf})
    assert cleared.status_code == 302
    session.expire_all()
    assert session.get(Article, ARTICLE_ID).thresholds is None
    assert len(audited(session, AuditAction.ARTICLE_THRESHOLDS_CHANGED)) == 2


@pytest.mark.parametrize(
    "form", [{"toxicity.hold": "1.5"}, {"toxicity.hold": "viel"}, {"toxicity.hold": "0.99", "toxicity.reject": "0.2"}]
)
def test_bad_thresholds_are_refused_and_change_nothing(chefin: FlaskClient, session: Any, form: dict[str, str]) -> None:
    csrf = page_csrf(chefin, f"/admin/articles/{ARTICLE_ID}")
    response = chefin.post(f"/admin/articles/{ARTICLE_ID}/thresholds", data={"csrf_token": csrf, **form}, headers=JSON)
    assert response.status_code in (400, 422)
    assert response.content_type == "application/problem+json"
    assert "thresholds" in response.json["errors"]
    session.expire_all()
    assert session.get(Article, ARTICLE_ID).thresholds is None


def test_watched_words_added_and_removed_on_the_page(client: FlaskClient, session: Any, token: str) -> None:
    make_person(session)
    log_in(client, "petra")
    assert post_comment(client, "Zum Blaukraut gibt es Klöße.", author="Vorher").status_code == 201
    csrf = page_csrf(client, "/admin/watchwords")
    form = {"csrf_token": csrf, "phrase": "blaukraut", "language": "de", "action": "hold", "category": "insult"}
    assert client.post("/admin/watchwords", data={**form, "mode": "enforce", "note": ""}).status_code == 302
    assert 'data-phrase="blaukraut"' in client.get("/admin/watchwords?language=de").get_data(as_text=True)
    assert post_comment(client, "Heute gibt es Blaukraut zum Essen.").status_code == 202
    [added] = audited(session, AuditAction.WATCHWORD_ADDED)
    assert added.actor == "moderator:petra"
    removed = client.post(
        "/admin/watchwords/remove", data={"csrf_token": csrf, "language": "de", "phrase": "blaukraut"}
    )
    assert removed.status_code == 302
    assert 'data-phrase="blaukraut"' not in client.get("/admin/watchwords?language=de").get_data(as_text=True)
    bad = client.post("/admin/watchwords", data={"csrf_token": csrf, "phrase": "x", "action": "explode"}, headers=JSON)
    assert bad.status_code == 400 and "action" in bad.json["errors"]


def test_the_rules_page_shows_the_enforced_set_validates_and_backtests(chefin: FlaskClient) -> None:
    page = chefin.get("/admin/rules").get_data(as_text=True)
    assert "kommentare-core@" in page
    csrf = page_csrf(chefin, "/admin/rules")
    valid = chefin.post("/admin/rules/check", data={"csrf_token": csrf, "text": DEFAULT_RULESET.read_text()})
    assert "Die Regeldatei ist gültig." in valid.get_data(as_text=True)
    broken = DEFAULT_RULESET.read_text().replace('mode = "enforce"', 'mode = "sometimes"')
    invalid = chefin.post("/admin/rules/check", data={"csrf_token": csrf, "text": broken}).get_data(as_text=True)
    assert "Die Regeldatei hat Fehler" in invalid and "pasted:" in invalid and "mode" in invalid
    post_comment(chefin, "Das Kiewer Regime ist schuld an allem.")
    report = chefin.get("/admin/rules/backtest?since=1d").get_data(as_text=True)
    assert "Kommentare geprüft: 1" in report
    assert chefin.get("/admin/rules/backtest?since=gestern", headers=JSON).status_code == 400


def test_a_webhook_made_on_the_page_shows_its_secret_once_and_can_be_disabled(
    chefin: FlaskClient, session: Any
) -> None:
    csrf = page_csrf(chefin, "/admin/webhooks")
    form = {"csrf_token": csrf, "url": "http://127.0.0.1:9/hook", "description": "", "event_types": ["comment.held"]}
    created = chefin.post("/admin/webhooks", data=form).get_data(as_text=True)
    endpoint = session.scalars(select(WebhookEndpoint)).one()
    assert endpoint.secret in created and endpoint.event_types == ["comment.held"]
    assert endpoint.secret not in chefin.get("/admin/webhooks").get_data(as_text=True)
    chefin.post(f"/admin/webhooks/{endpoint.id}/disable", data={"csrf_token": csrf})
    session.expire_all()
    assert session.get(WebhookEndpoint, endpoint.id).active is False
    refused = chefin.post("/admin/webhooks", data={**form, "url": "http://10.0.0.1/x"}, headers=JSON)
    assert refused.status_code == 400 and "url" in refused.json["errors"]


def test_the_webhooks_page_offers_every_event_type(chefin: FlaskClient, session: Any) -> None:
    page_ = chefin.get("/admin/webhooks").get_data(as_text=True)
    offered = re.findall(r'name="event_types" value="([^"]+)"', page_)
    assert offered == [e.value for e in EventType]
    wanted = ["comment.voted", "ban.created", "ban.lifted", "campaign.detected", "campaign.decided"]
    form = {"csrf_token": page_csrf(chefin, "/admin/webhooks"), "url": "http://127.0.0.1:9/hook", "event_types": wanted}
    chefin.post("/admin/webhooks", data=form)
    assert session.scalars(select(WebhookEndpoint.event_types)).one() == sorted(wanted)


def test_the_model_page_shows_the_model_and_its_agreement_with_moderators(chefin: FlaskClient) -> None:
    held = post_comment(chefin, "Das ist ziemlich dumm argumentiert.")
    assert held.status_code == 202
    csrf = page_csrf(chefin)
    chefin.post(
        f"/admin/comments/{held.json['id']}/decision", data={"action": "reject", "reason": "insult", "csrf_token": csrf}
    )
    page = chefin.get("/admin/models").get_data(as_text=True)
    assert '<code class="model-id">fake:' in page
    row = page.split('data-label="toxicity"')[1].split("</tr>")[0]
    cells = [cell.split("<")[0] for cell in row.split("<td>")[1:]]
    assert cells[2:4] == ["1", "1"]  # one decided comment, rejected
    assert "Modellkarte" in page


@pytest.mark.parametrize("payload", XSS)
def test_text_from_readers_and_settings_is_inert_on_every_page(chefin: FlaskClient, session: Any, payload: str) -> None:
    """Comment bodies and names (queue, live update, campaign page), article titles, watched words, webhook
    descriptions: all escaped where they are shown."""
    for author in ("A", "B", "C"):  # three copies: a campaign
        post_comment(chefin, f"{TEMPLATE} {payload}", author=f"{author} {payload}")
    campaign = session.scalars(select(Comment.campaign_id).where(Comment.campaign_id.is_not(None))).first()
    article = session.get(Article, ARTICLE_ID)
    article.title = f"Titel {payload}"
    session.commit()
    csrf = page_csrf(chefin, "/admin/watchwords")
    word = {"csrf_token": csrf, "phrase": f"wort {payload}", "language": "de", "action": "flag"}
    chefin.post("/admin/watchwords", data=word)
    hook = {"csrf_token": csrf, "url": "http://127.0.0.1:9/h", "description": payload, "event_types": "comment.held"}
    chefin.post("/admin/webhooks", data=hook)
    pages = [
        f"/admin/campaigns/{campaign}",
        "/admin/campaigns",
        "/admin/?state=rejected",
        "/admin/articles",
        f"/admin/articles/{ARTICLE_ID}",
        "/admin/watchwords",
        "/admin/webhooks",
        "/admin/audit",
    ]
    for path in pages:
        html = chefin.get(path).get_data(as_text=True)
        if path in pages[:1] + pages[2:5]:  # the campaign, the queue and both article pages show it
            assert str(escape(payload)) in html, path  # there, as text
        if "<" in payload:
            assert payload not in html, path
    live = chefin.get("/admin/live?state=rejected", headers=JSON).json["html"]
    assert "<" not in payload or payload not in live
