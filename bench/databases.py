"""A fresh, empty database for every Kommentare configuration, so table sizes never differ between rows.

SQLite (the default) is a file under ``.bench/db/``. With ``--postgres URL`` each configuration gets its own
PostgreSQL database ``bench_toxicity_<config>`` on that server instead, dropped again afterwards: SQLite lets one
writer in at a time and fsyncs every commit, so comparing the two shows how much of a row's limit is the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from servers import SCRATCH

PREFIX = "bench_toxicity_"


def slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name).strip("_").lower()


@contextmanager
def fresh(name: str, postgres: str | None) -> Iterator[str]:
    """Yield the SQLAlchemy URL of an empty database for configuration ``name``."""
    if postgres:
        with _postgres(name, postgres) as url:
            yield url
        return
    path = SCRATCH / "db" / f"{slug(name)}.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    yield f"sqlite:///{path}"


@contextmanager
def _postgres(name: str, server_url: str) -> Iterator[str]:
    """Create ``bench_toxicity_<name>`` through the server URL's own database; drop it whatever happens."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    database = PREFIX + slug(name)
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')
    try:
        yield url.set(database=database).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
