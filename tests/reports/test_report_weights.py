"""Reports weigh by their reporter's past accuracy; a signed-in reader reports as their reader id, from any
network; one reporter alone never hides a comment."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from moderation.comments.models import Comment, CommentStatus
from moderation.reports.models import Report
from tests.factories import auth, make_comment

SECRET = "newsroom-sso-secret-" + "z" * 24


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"sso_secret": SECRET, "reports_hold_threshold": 3}


def report(client: FlaskClient, comment_id: int, address: str, headers: dict[str, str] | None = None) -> Any:
    return client.post(
        f"/api/v1/comments/{comment_id}/reports",
        json={"reason": "abuse"},
        environ_base={"REMOTE_ADDR": address},
        headers=headers or {},
    )


def decide(client: FlaskClient, token: str, comment_id: int, action: str) -> None:
    response = client.post(
        f"/api/v1/moderation/comments/{comment_id}/decision",
        json={"action": action, "reason": "abuse"},
        headers=auth(token),
    )
    assert response.status_code == 200


def with_record(client: FlaskClient, session: Any, token: str, addresses: list[str], action: str, n: int) -> None:
    """Each address reports ``n`` comments that moderators then approve (dismissed) or reject (upheld)."""
    for i in range(n):
        target = make_comment(session, body=f"Früherer Kommentar {action} {i}.")
        for address in addresses:
            assert report(client, target.id, address).status_code == 201
        decide(client, token, target.id, action)


def status_of(session: Any, comment_id: int) -> CommentStatus:
    session.expire_all()
    return session.get(Comment, comment_id).status


def test_reporters_whose_reports_were_dismissed_weigh_less(client: FlaskClient, session: Any, token: str) -> None:
    crying_wolf = ["192.0.2.1", "192.0.2.2", "192.0.2.3"]
    with_record(client, session, token, crying_wolf, "approve", 2)  # 0 of 2 upheld: 2 * 1 / 4 = 0.5 each
    target = make_comment(session, body="Ein unbequemer, aber sachlicher Kommentar.")
    for address in crying_wolf:
        assert report(client, target.id, address).status_code == 201
    assert status_of(session, target.id) is CommentStatus.PUBLISHED  # 1.5 < 3
    weights = session.scalars(select(Report.weight).where(Report.comment_id == target.id)).all()
    assert weights == [0.5, 0.5, 0.5]
    queue = client.get("/api/v1/moderation/queue?state=reported", headers=auth(token)).json
    [item] = [i for i in queue["items"] if i["comment"]["id"] == target.id]
    assert item["comment"]["report_weight"] == 1.5 and [r["weight"] for r in item["reports"]] == [0.5] * 3
    for address in ("198.51.100.1", "198.51.100.2"):  # two new reporters: 1.5 + 2 = 3.5
        report(client, target.id, address)
    assert status_of(session, target.id) is CommentStatus.PENDING


def test_two_reporters_with_a_good_record_hide_a_comment_early(client: FlaskClient, session: Any, token: str) -> None:
    accurate = ["203.0.113.1", "203.0.113.2"]
    with_record(client, session, token, accurate, "reject", 2)  # 2 of 2 upheld: 2 * 3 / 4 = 1.5 each
    target = make_comment(session, body="Ein Kommentar, der gegen die Regeln verstößt.")
    assert report(client, target.id, accurate[0]).status_code == 201
    assert status_of(session, target.id) is CommentStatus.PUBLISHED  # one reporter alone: never
    report(client, target.id, accurate[1])
    assert status_of(session, target.id) is CommentStatus.PENDING  # 3.0 from two reporters


def test_a_decision_clears_the_weight(client: FlaskClient, session: Any, token: str) -> None:
    target = make_comment(session)
    report(client, target.id, "192.0.2.50")
    decide(client, token, target.id, "approve")
    session.expire_all()
    assert session.get(Comment, target.id).report_weight == 0.0


def reader(sub: str) -> dict[str, str]:
    claims = {"sub": sub, "name": "Rita", "exp": int(time.time()) + 600}
    return {"Authorization": "Bearer " + jwt.encode(claims, SECRET, "HS256")}


def test_a_signed_in_reader_reports_once_from_any_network(client: FlaskClient, session: Any, token: str) -> None:
    target = make_comment(session)
    first = report(client, target.id, "192.0.2.7", reader("u-1"))
    again = report(client, target.id, "198.51.100.9", reader("u-1"))  # another network: the same reader
    assert first.status_code == again.status_code == 201 and first.json["id"] == again.json["id"]
    assert session.scalars(select(Report.reporter_key)).all() == [f"reader:{_reader_id(session)}"]
    forged = report(client, target.id, "192.0.2.8", {"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401 and forged.mimetype == "application/problem+json"


def _reader_id(session: Any) -> int:
    from moderation.readers.models import Reader

    return int(session.scalars(select(Reader.id)).one())


@pytest.mark.parametrize("settings_overrides", [{"sso_secret": SECRET, "reports_hold_threshold": 1}])
def test_a_threshold_of_one_lets_a_single_report_hide(client: FlaskClient, session: Any, token: str) -> None:
    target = make_comment(session)
    report(client, target.id, "192.0.2.60")
    assert status_of(session, target.id) is CommentStatus.PENDING
