"""The host-wide SQLite write lock: one holder at a time, across threads (and so across processes: one flock)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from moderation.writes import lock_path, serialized_writes


def session_for(url: str) -> Session:
    return Session(sa.create_engine(url))


def test_a_second_writer_waits_until_the_first_releases(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    first_in, release, order = threading.Event(), threading.Event(), []

    def first() -> None:
        with serialized_writes(session_for(url)):
            order.append("first in")
            first_in.set()
            release.wait(5)
            order.append("first out")

    def second() -> None:
        with serialized_writes(session_for(url)):
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert first_in.wait(5)
    threads[1].start()
    time.sleep(0.2)
    assert order == ["first in"]  # the second one is blocked on the lock
    release.set()
    for thread in threads:
        thread.join(5)
    assert order == ["first in", "first out", "second in"]
    assert (tmp_path / "k.db.write-lock").exists()


def test_the_lock_is_released_when_the_block_raises(tmp_path: Path) -> None:
    session = session_for(f"sqlite:///{tmp_path / 'k.db'}")
    with pytest.raises(RuntimeError), serialized_writes(session):
        raise RuntimeError("write failed")
    done = threading.Event()

    def again() -> None:
        with serialized_writes(session):
            done.set()

    threading.Thread(target=again).start()
    assert done.wait(2)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:////srv/kommentare/k.db", "/srv/kommentare/k.db.write-lock"),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("postgresql+psycopg://kommentare@db/kommentare", None),
    ],
)
def test_only_sqlite_files_take_the_lock(url: str, expected: str | None) -> None:
    assert lock_path(session_for(url)) == expected
