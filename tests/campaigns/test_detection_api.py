"""Campaign signals through the public API: copy-paste, copies of rejected comments, URL pushes, bursts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from moderation.audit.models import AuditEntry
from moderation.campaigns.accounts import account_key
from moderation.campaigns.models import Campaign, CampaignKind, Fingerprint
from moderation.comments.models import Comment, CommentStatus
from moderation.types import utcnow
from tests.campaigns.helpers import TEMPLATE, comment_id, post, rule_ids
from tests.factories import auth, make_article, make_comment, make_moderator

BURST_BODIES = [
    "Ich sehe das ganz anders als der Autor des Artikels.",
    "Warum wird hier nur eine Seite gezeigt? Sehr einseitig.",
    "Genau so ist es, endlich schreibt es mal jemand.",
    "Die Zahlen im dritten Absatz stimmen so nicht.",
    "Interessant, aber was sagt die Opposition dazu?",
    "Mir fehlt der historische Kontext in diesem Bericht.",
    "Das hätte man schon vor zehn Jahren wissen können.",
    "Wer finanziert eigentlich diese ganzen Studien?",
    "Kann die Redaktion die Quelle bitte verlinken?",
    "Schon wieder so ein Artikel, der nichts Neues bringt.",
    "Bei uns im Viertel merkt man davon überhaupt nichts.",
    "Gute Recherche, danke an die Redaktion dafür.",
    "Was kostet das Ganze den Steuerzahler am Ende?",
    "Hoffentlich bleibt das Thema auch nächste Woche auf der Seite.",
    "Ich warte lieber ab, bis offizielle Zahlen vorliegen.",
]


@pytest.fixture(autouse=True)
def article(session: Any) -> None:
    make_article(session)
    make_article(session, "zweiter-artikel")


def test_third_account_posting_the_same_text_is_rejected_and_all_join_one_campaign(
    client: FlaskClient, session: Any
) -> None:
    first = post(client, "Anna", TEMPLATE)
    second = post(client, "Bernd", TEMPLATE.upper(), article_id="zweiter-artikel")
    assert (first.status_code, second.status_code) == (201, 201)
    third = post(client, "Clara", TEMPLATE.replace(",", "").replace("sofort", "gleich"))
    assert third.status_code == 422
    assert "campaign.copy_paste" in rule_ids(third)
    assert third.json["detail"] == "Ihr Kommentar gleicht zahlreichen anderen Beiträgen und wird nicht veröffentlicht."
    stored = session.get(Comment, comment_id(third))
    assert stored.status is CommentStatus.REJECTED
    assert stored.campaign_id is not None
    [hit] = [h for h in stored.rule_hits if h["rule_id"] == "campaign.copy_paste"]
    assert (hit["start"], hit["end"], hit["action"]) == (0, len(stored.body), "reject")
    earlier = [session.get(Comment, comment_id(r)) for r in (first, second)]
    assert {c.campaign_id for c in earlier} == {stored.campaign_id}
    assert {c.status for c in earlier} == {CommentStatus.PUBLISHED}  # moderators decide on members in bulk
    campaign = session.get(Campaign, stored.campaign_id)
    assert (campaign.kind, campaign.comment_count, campaign.article_id) == (CampaignKind.COPY_PASTE, 3, None)
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.action == "campaign.detected"))


def test_a_fourth_copy_joins_the_existing_campaign(client: FlaskClient, session: Any) -> None:
    responses = [post(client, name, TEMPLATE) for name in ("A", "B", "C", "D")]
    assert [r.status_code for r in responses] == [201, 201, 422, 422]
    ids = {session.get(Comment, comment_id(r)).campaign_id for r in responses}
    assert len(ids) == 1
    assert session.get(Campaign, ids.pop()).comment_count == 4


def test_the_same_author_posting_again_is_not_a_campaign(client: FlaskClient, session: Any) -> None:
    responses = [post(client, "Anna", TEMPLATE) for _ in range(4)]
    responses.append(post(client, "Anna B.", TEMPLATE, email="anna@example.org"))
    responses.append(post(client, "Anna C.", TEMPLATE, email="ANNA@example.org"))  # same address: same account
    assert [r.status_code for r in responses] == [201] * 6
    assert session.scalars(select(Comment.campaign_id).where(Comment.campaign_id.is_not(None))).first() is None


def test_short_comments_from_many_accounts_are_not_copies(client: FlaskClient) -> None:
    assert [post(client, f"Leser {i}", "Danke für den Artikel!").status_code for i in range(5)] == [201] * 5


def test_copies_outside_the_window_do_not_count(client: FlaskClient, session: Any) -> None:
    post(client, "A", TEMPLATE)
    post(client, "B", TEMPLATE)
    for fingerprint in session.scalars(select(Fingerprint)):
        fingerprint.created_at = utcnow() - timedelta(hours=25)
    session.commit()
    assert post(client, "C", TEMPLATE).status_code == 201


def test_near_copy_of_a_comment_moderators_rejected_is_rejected(client: FlaskClient, session: Any) -> None:
    token = make_moderator(session)
    original = post(client, "Anna", TEMPLATE)
    decision = client.post(
        f"/api/v1/moderation/comments/{comment_id(original)}/decision",
        json={"action": "reject", "reason": "Desinformation"},
        headers=auth(token),
    )
    assert decision.status_code == 200
    copy = post(client, "Bernd", TEMPLATE.replace("immer mehr", "ständig neue"))
    assert copy.status_code == 422
    assert rule_ids(copy) == {"campaign.rejected_copy"}
    assert "abgelehnt" in copy.json["detail"]
    stored = session.get(Comment, comment_id(copy))
    assert stored.campaign_id == session.get(Comment, comment_id(original)).campaign_id is not None
    assert session.get(Campaign, stored.campaign_id).kind is CampaignKind.REJECTED_COPY


def test_copy_of_a_comment_rejected_for_toxicity_by_the_pipeline_is_not_a_rejected_copy(client: FlaskClient) -> None:
    """Only moderators' and campaign rejections make templates; the model judges each copy afresh."""
    toxic = TEMPLATE + " Du Idiot."
    assert post(client, "Anna", toxic).status_code == 422
    assert post(client, "Bernd", TEMPLATE + " Sie Idiot.").json["reasons"][0]["code"] == "toxicity"
    assert post(client, "Clara", TEMPLATE + " Ihr Idioten!").status_code == 422  # but three accounts: a campaign


def test_copies_of_a_campaign_rejected_by_the_pipeline_are_rejected_after_the_window(
    client: FlaskClient, session: Any
) -> None:
    assert [post(client, name, TEMPLATE).status_code for name in "ABC"] == [201, 201, 422]
    for fingerprint in session.scalars(select(Fingerprint)):
        fingerprint.created_at = utcnow() - timedelta(days=3)
    session.commit()
    late = post(client, "D", TEMPLATE)  # no three accounts within 24 h any more, but C's copy was rejected
    assert late.status_code == 422
    assert rule_ids(late) == {"campaign.rejected_copy"}
    campaigns = list(session.scalars(select(Campaign)))
    assert len(campaigns) == 1  # the same text family: the copy joins the copy-paste campaign
    assert session.get(Comment, comment_id(late)).campaign_id == campaigns[0].id


URL_BODIES = [
    "Lest selbst, was wirklich passiert ist: https://wahrheit.example/artikel/123",
    "Die Medien verschweigen das. www.wahrheit.example/artikel/123/?utm_source=tg",
    "Endlich sagt es mal jemand! HTTP://WAHRHEIT.EXAMPLE/artikel/123?fbclid=xyz",
]


def test_the_same_url_from_three_new_accounts_is_held(client: FlaskClient, session: Any) -> None:
    first, second, third = (post(client, f"Neu {i}", body) for i, body in enumerate(URL_BODIES))
    assert (first.status_code, second.status_code) == (201, 201)
    assert third.status_code == 202
    assert rule_ids(third) == {"campaign.url_push"}
    assert "Moderation" in third.json["message"]
    stored = session.get(Comment, comment_id(third))
    [hit] = stored.rule_hits
    assert stored.body[hit["start"] : hit["end"]] == "HTTP://WAHRHEIT.EXAMPLE/artikel/123?fbclid=xyz"
    assert "wahrheit.example/artikel/123" in hit["note"]
    assert stored.campaign_id == session.get(Comment, comment_id(first)).campaign_id is not None
    assert stored.needs_rescore is False


def test_an_established_reader_sharing_the_url_is_not_held(client: FlaskClient, session: Any, app: Flask) -> None:
    old = make_comment(session, author_name="Stammleserin")
    key = account_key(secret=app.config["SECRET_KEY"], email=None, author_name="Stammleserin")
    session.add(
        Fingerprint(
            comment_id=old.id,
            article_id=old.article_id,
            account_key=key,
            account_new=True,
            text_hash=None,
            created_at=utcnow() - timedelta(days=30),
        )
    )
    session.commit()
    post(client, "Neu 1", URL_BODIES[0])
    post(client, "Neu 2", URL_BODIES[1])
    assert post(client, "Stammleserin", URL_BODIES[2]).status_code == 201


def test_a_burst_of_new_accounts_on_one_article_is_held(client: FlaskClient, session: Any) -> None:
    responses = [post(client, f"Konto {i}", body) for i, body in enumerate(BURST_BODIES[:10])]
    assert [r.status_code for r in responses] == [201] * 9 + [202]
    assert rule_ids(responses[-1]) == {"campaign.new_account_burst"}
    campaign_ids = {session.get(Comment, comment_id(r)).campaign_id for r in responses}
    assert len(campaign_ids) == 1 and None not in campaign_ids
    assert post(client, "Konto 3", "Nochmal ich, Konto 3, mit einem anderen Gedanken.").status_code == 202


@pytest.mark.parametrize("settings_overrides", [{"campaign_max_candidates": 3}])
def test_a_growing_burst_reads_a_bounded_window_and_keeps_an_exact_count(client: FlaskClient, session: Any) -> None:
    """A flood of new accounts must not make each submission read (and recount) the whole campaign: only the newest
    ``max_candidates`` comments are read back; every later comment still finds the campaign, the count stays exact,
    and earlier comments beyond the window stay out of it (the documented cost)."""
    responses = [post(client, f"Neu {i}", body) for i, body in enumerate(BURST_BODIES)]
    assert [r.status_code for r in responses] == [201] * 9 + [202] * 6
    [campaign] = session.scalars(select(Campaign)).all()
    members = [session.get(Comment, comment_id(r)).campaign_id for r in responses]
    assert members == [None] * 6 + [campaign.id] * 9
    assert campaign.comment_count == 9
    grown = session.scalars(select(AuditEntry).where(AuditEntry.action == "campaign.grown")).all()
    assert [entry.details["earlier_members_added"] for entry in grown] == [0] * 5


@pytest.mark.parametrize("settings_overrides", [{"campaign_detection": False}])
def test_detection_can_be_switched_off(client: FlaskClient, session: Any) -> None:
    assert [post(client, name, TEMPLATE).status_code for name in "ABCD"] == [201] * 4
    assert session.scalars(select(Fingerprint)).first() is None


@pytest.mark.parametrize("settings_overrides", [{"campaign_min_accounts": 2, "campaign_similarity": 0.95}])
def test_thresholds_are_settings(client: FlaskClient) -> None:
    assert post(client, "A", TEMPLATE).status_code == 201
    assert post(client, "B", TEMPLATE.replace("sofort", "gleich")).status_code == 201  # J < 0.95
    assert post(client, "C", TEMPLATE).status_code == 422


def test_failing_screening_holds_the_comment(
    client: FlaskClient, session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database error inside the stage (a broken query) is contained by its savepoint on every backend."""
    import moderation.campaigns.detection as detection

    def broken(session_: Any, *args: Any, **kwargs: Any) -> Any:
        return session_.execute(text("SELECT * FROM no_such_table"))

    monkeypatch.setattr(detection, "near_copies", broken)
    response = post(client, "Anna", TEMPLATE)
    assert response.status_code == 202
    assert [r["code"] for r in response.json["reasons"]] == ["campaign_unavailable"]
    stored = session.get(Comment, comment_id(response))
    assert stored.status is CommentStatus.PENDING and stored.needs_rescore is False


def test_failing_indexing_holds_the_comment_and_stores_it(
    client: FlaskClient, session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import moderation.campaigns.indexing as indexing

    def broken(session_: Any, *args: Any) -> None:
        session_.execute(text("INSERT INTO no_such_table VALUES (1)"))

    monkeypatch.setattr(indexing, "_index", broken)
    response = post(client, "Anna", TEMPLATE)
    assert response.status_code == 202
    assert "campaign_unavailable" in {r["code"] for r in response.json["reasons"]}
    stored = session.get(Comment, comment_id(response))
    assert stored.status is CommentStatus.PENDING
    actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.comment_id == stored.id)))
    assert actions == {"comment.created"}
