"""Rate limits hold across worker processes without a Redis (issue 11, finding 3): the default storage is a SQLite
file every process of the host shares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from app import ratelimit_storage
from moderation.ratelimits import storage_uri
from moderation.settings import Settings
from tests.factories import make_article


def test_two_storages_on_one_file_share_their_counters(tmp_path: Path) -> None:
    first, second = (FixedWindowRateLimiter(storage_from_string(storage_uri(str(tmp_path)))) for _ in range(2))
    limit = parse("3/minute")
    assert [first.hit(limit, "k"), second.hit(limit, "k"), first.hit(limit, "k"), second.hit(limit, "k")] == [
        True,
        True,
        True,
        False,
    ]
    assert second.get_window_stats(limit, "k").remaining == 0


def test_auto_is_the_hosts_shared_file() -> None:
    assert (
        ratelimit_storage(Settings.from_env({}), "/srv/instance") == "kommentare+sqlite:////srv/instance/ratelimits.db"
    )
    assert ratelimit_storage(Settings.from_env({}, ratelimit_storage_uri="redis://r:6379"), "/x") == "redis://r:6379"


def test_two_apps_like_two_workers_enforce_one_limit(make_limited_app: Any, session: Any, tmp_path: Path) -> None:
    """The shared file storage: two app instances stand for two gunicorn workers of one host."""
    make_article(session)
    workers = [make_limited_app(storage_uri(str(tmp_path))).test_client() for _ in range(2)]
    url = "/api/v1/articles/nordkorea-soldaten/comments"
    statuses = [
        workers[i % 2].post(url, json={"author_name": "A", "body": f"Nummer {i}"}).status_code for i in range(3)
    ]
    assert statuses[:2] == [202, 202] and statuses[2] == 429  # 2/minute in all, not per worker
