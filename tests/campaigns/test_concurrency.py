"""Several workers at once: copies submitted at the same moment still see each other (PostgreSQL)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import moderation.submission.store as comments_service
from tests.campaigns.helpers import TEMPLATE, post
from tests.factories import make_article


@pytest.fixture(autouse=True)
def postgresql_only(session: Any) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("advisory locks serialise near-copies on PostgreSQL only (set KOMMENTARE_TEST_DATABASE_URL)")
    make_article(session)


def test_simultaneous_copies_from_two_workers_see_each_other(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A has screened and is about to write when B arrives: without the locks B would miss A, and neither copy
    would be the third account's."""
    assert post(client, "X", TEMPLATE).status_code == 201
    a_screened, release = threading.Event(), threading.Event()
    record = comments_service.record_screening

    def record_after_release(**kwargs: Any) -> bool:
        a_screened.set()
        release.wait(5)
        return record(**kwargs)

    monkeypatch.setattr(comments_service, "record_screening", record_after_release)
    statuses: dict[str, int] = {}

    def submit(author: str) -> None:
        statuses[author] = post(app.test_client(), author, TEMPLATE).status_code

    first = threading.Thread(target=submit, args=("A",))
    first.start()
    assert a_screened.wait(5)
    second = threading.Thread(target=submit, args=("B",))
    second.start()
    time.sleep(0.3)  # B now waits for A's locks
    release.set()
    first.join(5)
    second.join(5)
    assert statuses == {"A": 201, "B": 422}
