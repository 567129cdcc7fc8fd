"""Working the queue: the flagged tab, filters and search, bulk decisions, soft claims, live updates, campaigns."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from moderation.audit.models import AuditAction, AuditEntry
from moderation.comments.models import Comment, CommentStatus
from moderation.types import utcnow
from tests.admin.helpers import log_in, make_person, page_csrf
from tests.campaigns.helpers import TEMPLATE, comment_id, post
from tests.factories import auth
from tests.helpers import post_comment

JSON = {"Accept": "application/json"}
FLAGGED_TEXT = "Die Rede vom Kiewer Regime ist Kreml-Propaganda."


@pytest.fixture
def petra(client: FlaskClient, session: Any, token: str) -> FlaskClient:
    make_person(session)
    log_in(client, "petra")
    return client


def ids_on(client: FlaskClient, query: str) -> list[int]:
    html = client.get("/admin/?" + query).get_data(as_text=True)
    return [int(part.split('"')[0]) for part in html.split('data-comment-id="')[1:]]


def held(client: FlaskClient, body: str, author: str = "Anna") -> int:
    response = post_comment(client, body, author=author)
    assert response.status_code == 202, response.json
    return int(response.json["id"])


def test_a_flagged_comment_is_published_listed_under_flagged_and_cleared_by_a_decision(
    petra: FlaskClient, session: Any
) -> None:
    response = post_comment(petra, FLAGGED_TEXT)
    assert response.status_code == 201
    flagged_id = response.json["id"]
    assert session.get(Comment, flagged_id).flagged is True
    assert ids_on(petra, "state=flagged") == [flagged_id]
    assert petra.get("/admin/counts").json["flagged"] == 1
    petra.post(
        f"/admin/comments/{flagged_id}/decision",
        data={"action": "approve", "csrf_token": page_csrf(petra)},
        headers=JSON,
    )
    session.expire_all()
    stored = session.get(Comment, flagged_id)
    assert stored.status is CommentStatus.PUBLISHED and stored.flagged is False
    assert ids_on(petra, "state=flagged") == []


def test_filters_by_reason_language_and_text(petra: FlaskClient, session: Any) -> None:
    insult = held(petra, "Das ist ziemlich dumm argumentiert.", author="Bernd")
    link = held(petra, "Lesen Sie die Wahrheit hier: https://bit.ly/abc123 und urteilen Sie selbst.")
    english = post_comment(petra, "What a silly idea from the government, is it not?", author="Carol").json["id"]
    german = post_comment(petra, "Danke für den gründlichen Bericht über die Lage.", author="Dora").json["id"]
    assert set(ids_on(petra, "state=pending")) == {insult, link}
    assert ids_on(petra, "state=published&language=en") == [english]
    assert ids_on(petra, "state=published&language=de") == [german]
    assert ids_on(petra, "state=pending&q=BIT.LY") == [link]
    assert ids_on(petra, "state=pending&q=bernd") == [insult]
    by_rule = ids_on(petra, "state=pending&reason=rule")
    assert link in by_rule
    assert ids_on(petra, "state=pending&reason=reports") == []
    assert ids_on(petra, "state=pending&q=&reason=&language=") == ids_on(petra, "state=pending")


def test_time_filter_days_are_inclusive_and_ordered(petra: FlaskClient, session: Any) -> None:
    comment = held(petra, "Das ist ziemlich dumm argumentiert.")
    session.get(Comment, comment).created_at = utcnow() - timedelta(days=3)
    session.commit()
    day = (utcnow() - timedelta(days=3)).date().isoformat()
    assert ids_on(petra, f"state=pending&since={day}&until={day}") == [comment]
    assert ids_on(petra, f"state=pending&since={utcnow().date().isoformat()}") == []
    refused = petra.get(f"/admin/?since={utcnow().date().isoformat()}&until={day}", headers=JSON)
    assert refused.status_code == 400
    assert refused.content_type == "application/problem+json"
    assert "until" in refused.json["errors"]


@pytest.mark.parametrize("bad", ["reason=nonsense", "language=xx", "since=gestern", "newer_than=-1"])
def test_bad_filters_are_field_errors(petra: FlaskClient, bad: str) -> None:
    response = petra.get("/admin/?" + bad, headers=JSON)
    assert response.status_code == 400
    assert bad.split("=")[0] in response.json["errors"]


def test_bulk_reject_decides_every_selected_comment_with_one_audit_entry_each(petra: FlaskClient, session: Any) -> None:
    texts = ["Das ist ziemlich dumm argumentiert.", "Was für ein dummer Vorschlag.", "So einen Unsinn, dumm."]
    chosen = [held(petra, text, author=f"A{n}") for n, text in enumerate(texts)]
    untouched = held(petra, "Wie dumm kann man eigentlich sein?", author="Z")
    response = petra.post(
        "/admin/bulk",
        data={"action": "reject", "reason": "insult", "ids": chosen, "csrf_token": page_csrf(petra)},
        headers=JSON,
    )
    assert response.status_code == 200
    assert [item["status"] for item in response.json["items"]] == ["rejected"] * 3
    session.expire_all()
    assert session.get(Comment, untouched).status is CommentStatus.PENDING
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.COMMENT_REJECTED)).all()
    assert sorted(e.comment_id for e in entries) == chosen
    assert {e.details["reason"] for e in entries} == {"insult"}


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"action": "reject", "ids": ["1"]}, "reason"),
        ({"action": "approve"}, "ids"),
        ({"action": "x", "ids": "1"}, "action"),
    ],
)
def test_bad_bulk_forms_change_nothing(petra: FlaskClient, session: Any, form: dict[str, Any], field: str) -> None:
    comment = held(petra, "Das ist ziemlich dumm argumentiert.")
    response = petra.post("/admin/bulk", data={**form, "csrf_token": page_csrf(petra)}, headers=JSON)
    assert response.status_code == 400 and field in response.json["errors"]
    session.expire_all()
    assert session.get(Comment, comment).status is CommentStatus.PENDING


def test_bulk_with_an_unknown_id_decides_nothing(petra: FlaskClient, session: Any) -> None:
    comment = held(petra, "Das ist ziemlich dumm argumentiert.")
    response = petra.post(
        "/admin/bulk",
        data={"action": "approve", "ids": [comment, 999999], "csrf_token": page_csrf(petra)},
        headers=JSON,
    )
    assert response.status_code == 404
    session.expire_all()
    assert session.get(Comment, comment).status is CommentStatus.PENDING


def test_bulk_without_csrf_is_refused(petra: FlaskClient, session: Any) -> None:
    comment = held(petra, "Das ist ziemlich dumm argumentiert.")
    response = petra.post("/admin/bulk", data={"action": "approve", "ids": [comment]}, headers=JSON)
    assert response.status_code == 403
    session.expire_all()
    assert session.get(Comment, comment).status is CommentStatus.PENDING


def test_a_claim_is_shown_to_colleagues_not_taken_from_them_and_cleared_by_a_decision(
    app: Any, petra: FlaskClient, session: Any
) -> None:
    comment = held(petra, "Das ist ziemlich dumm argumentiert.")
    mine = petra.post(f"/admin/comments/{comment}/claim", data={"csrf_token": page_csrf(petra)}, headers=JSON)
    assert mine.json["claimed_by"] == "petra"
    make_person(session, "olaf")
    colleague = app.test_client()
    log_in(colleague, "olaf")
    theirs = colleague.post(f"/admin/comments/{comment}/claim", data={"csrf_token": page_csrf(colleague)}, headers=JSON)
    assert theirs.json["claimed_by"] == "petra"  # soft: olaf sees petra's claim, it stays hers
    page = colleague.get("/admin/").get_data(as_text=True)
    assert "petra</bdi>" in page.split(f'data-comment-id="{comment}"')[1].split("</article>")[0]
    assert colleague.get("/admin/live?state=pending", headers=JSON).json["claims"] == {str(comment): "petra"}
    colleague.post(
        f"/admin/comments/{comment}/decision",
        data={"action": "approve", "csrf_token": page_csrf(colleague)},
        headers=JSON,
    )
    session.expire_all()
    assert session.get(Comment, comment).claimed_by is None


def test_an_expired_claim_passes_to_the_next_moderator(app: Any, petra: FlaskClient, session: Any) -> None:
    comment = held(petra, "Das ist ziemlich dumm argumentiert.")
    petra.post(f"/admin/comments/{comment}/claim", data={"csrf_token": page_csrf(petra)}, headers=JSON)
    session.get(Comment, comment).claimed_until = utcnow() - timedelta(seconds=1)
    session.commit()
    make_person(session, "olaf")
    colleague = app.test_client()
    log_in(colleague, "olaf")
    taken = colleague.post(f"/admin/comments/{comment}/claim", data={"csrf_token": page_csrf(colleague)}, headers=JSON)
    assert taken.json["claimed_by"] == "olaf"
    colleague.post(f"/admin/comments/{comment}/release", data={"csrf_token": page_csrf(colleague)}, headers=JSON)
    session.expire_all()
    assert session.get(Comment, comment).claimed_by is None


def test_live_update_brings_only_new_items_with_counts(petra: FlaskClient) -> None:
    first = held(petra, "Das ist ziemlich dumm argumentiert.")
    second = held(petra, "Was für ein dummer Vorschlag.", author="Bernd")
    live = petra.get(f"/admin/live?state=pending&newer_than={first}", headers=JSON).json
    assert live["new"] == [second]
    assert f'data-comment-id="{second}"' in live["html"] and f'data-comment-id="{first}"' not in live["html"]
    assert live["counts"]["pending"] == 2


def test_the_campaign_page_shows_members_with_similarity_and_rejects_all(petra: FlaskClient, session: Any) -> None:
    ids = [comment_id(post(petra, name, TEMPLATE)) for name in ("A", "B", "C")]
    near = comment_id(post(petra, "D", TEMPLATE.replace("immer mehr", "ständig neue")))
    campaign = session.get(Comment, ids[-1]).campaign_id
    listing = petra.get("/admin/campaigns").get_data(as_text=True)
    assert f'data-campaign-id="{campaign}"' in listing
    page = petra.get(f"/admin/campaigns/{campaign}").get_data(as_text=True)
    for member in ids:
        assert f'data-comment-id="{member}"' in page
    assert session.get(Comment, near).campaign_id == campaign
    similarity = page.split(f'data-comment-id="{near}"')[1].split('<meter min="0" max="1" value="')[1].split('"')[0]
    assert 0.5 < float(similarity) < 1.0
    assert 'value="1.0"' in page.split(f'data-comment-id="{ids[0]}"')[1]
    response = petra.post(
        f"/admin/campaigns/{campaign}/decision",
        data={"action": "reject", "reason": "spam", "csrf_token": page_csrf(petra, f"/admin/campaigns/{campaign}")},
    )
    assert response.status_code == 302
    session.expire_all()
    members = session.scalars(select(Comment).where(Comment.campaign_id == campaign)).all()
    assert {c.status for c in members} == {CommentStatus.REJECTED}
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.COMMENT_REJECTED)).all()
    assert {e.comment_id for e in audited} >= set(ids) - {ids[-1]}


def test_an_unknown_campaign_is_404(petra: FlaskClient) -> None:
    assert petra.get("/admin/campaigns/424242").status_code == 404


def test_the_api_queue_has_the_same_tab_and_filters(client: FlaskClient, token: str) -> None:
    flagged = post_comment(client, FLAGGED_TEXT).json["id"]
    link = held(client, "Lesen Sie die Wahrheit hier: https://bit.ly/abc123 und urteilen Sie selbst.")
    held(client, "Das ist ziemlich dumm argumentiert.", author="Bernd")
    queue = "/api/v1/moderation/queue"
    [item] = client.get(f"{queue}?state=flagged", headers=auth(token)).json["items"]
    assert item["comment"]["id"] == flagged and item["comment"]["flagged"] is True
    assert item["comment"]["language"] == "de"
    found = client.get(f"{queue}?q=bit.ly&reason=rule", headers=auth(token)).json["items"]
    assert [i["comment"]["id"] for i in found] == [link]
    assert client.get(f"{queue}?since=2999-01-01T00:00:00Z", headers=auth(token)).json["items"] == []
    refused = client.get(f"{queue}?language=xx", headers=auth(token))
    assert refused.status_code == 400 and "language" in refused.json["errors"]
