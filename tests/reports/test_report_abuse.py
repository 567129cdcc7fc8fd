"""Reports cannot be used by one client to hide comments (issue 11, finding 1): one report per reader and
comment, a rate limit, and a counter that loses no report under concurrency."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from moderation.comments.models import Comment, CommentStatus
from moderation.reports.models import Report
from tests.factories import make_article, make_comment


def report(client: FlaskClient, comment_id: int, reader: str = "192.0.2.10") -> Any:
    return client.post(
        f"/api/v1/comments/{comment_id}/reports", json={"reason": "abuse"}, environ_base={"REMOTE_ADDR": reader}
    )


def test_one_client_reporting_three_times_counts_once_and_hides_nothing(client: FlaskClient, session: Any) -> None:
    make_article(session)
    comment = make_comment(session)
    first = [report(client, comment.id) for _ in range(3)]
    assert [r.status_code for r in first] == [201, 201, 201]
    assert len({r.json["id"] for r in first}) == 1  # the repeats return the first report
    session.expire_all()
    stored = session.get(Comment, comment.id)
    assert (stored.open_reports, stored.status) == (1, CommentStatus.PUBLISHED)
    assert session.scalar(select(func.count()).select_from(Report)) == 1


def test_three_different_readers_hide_the_comment(client: FlaskClient, session: Any) -> None:
    make_article(session)
    comment = make_comment(session)
    for reader in ("192.0.2.1", "192.0.2.2", "198.51.100.7"):
        assert report(client, comment.id, reader).status_code == 201
    session.expire_all()
    stored = session.get(Comment, comment.id)
    assert (stored.open_reports, stored.status) == (3, CommentStatus.PENDING)
    assert [r["code"] for r in stored.reasons] == ["reader_reports"]


def test_no_address_is_stored_with_a_report(client: FlaskClient, session: Any) -> None:
    make_article(session)
    comment = make_comment(session)
    report(client, comment.id, "203.0.113.99")
    stored = session.scalars(select(Report)).one()
    assert stored.reporter_key and "203.0.113.99" not in stored.reporter_key


@pytest.mark.parametrize("settings_overrides", [{"ratelimit_enabled": True, "ratelimit_report": "2/minute"}])
def test_reports_are_rate_limited_per_client(client: FlaskClient, session: Any) -> None:
    make_article(session)
    comments = [make_comment(session, body=f"Kommentar {i}") for i in range(3)]
    statuses = [report(client, c.id).status_code for c in comments]
    assert statuses == [201, 201, 429]
    assert report(client, comments[2].id, "192.0.2.77").status_code == 201  # another reader is not limited


@pytest.mark.parametrize("settings_overrides", [{"reports_hold_threshold": 0}])
def test_concurrent_reports_by_different_readers_are_all_counted(app: Flask, session: Any) -> None:
    make_article(session)
    comment_id = make_comment(session).id
    errors: list[BaseException] = []

    def one(index: int) -> None:
        try:
            assert report(app.test_client(), comment_id, f"10.1.{index // 250}.{index % 250}").status_code == 201
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(index,)) for index in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    session.expire_all()
    assert session.get(Comment, comment_id).open_reports == 30
