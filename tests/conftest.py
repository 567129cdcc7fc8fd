"""Fixtures: a real database per test (SQLite by default, PostgreSQL when KOMMENTARE_TEST_DATABASE_URL is set).

The schema is made only by the Alembic migrations: they run once into a template database, and every test gets a
fresh copy of it (a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL).
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade

from app import create_app
from moderation.extensions import db
from moderation.webhooks.models import EventType, WebhookEndpoint
from moderation.webhooks.signing import new_secret
from tests.factories import make_article, make_moderator
from tests.fakes import HashingClaimEncoder, KeywordScorer, SwitchableScorer
from tests.webhook_receiver import Receiver, free_port

PG_ADMIN_URL = os.environ.get("KOMMENTARE_TEST_DATABASE_URL", "")
# The suite runs as production does (the secret check on), with a secret of its own; child processes inherit it.
os.environ.setdefault("KOMMENTARE_SECRET_KEY", "test-secret-" + "k" * 40)
# Apps the suite builds (and the servers it starts) keep their instance files out of the developer's ./instance;
# the ``app`` fixture gives each test its own.
if "KOMMENTARE_INSTANCE_PATH" not in os.environ:
    os.environ["KOMMENTARE_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="kommentare-tests-")
    atexit.register(shutil.rmtree, os.environ["KOMMENTARE_INSTANCE_PATH"], ignore_errors=True)


def _migrate(url: str) -> None:
    app = create_app({"database_url": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _pg_admin() -> sa.Engine:
    return sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    return sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate once; yields the SQLite template path or the PostgreSQL template database name."""
    if not PG_ADMIN_URL:
        path = tmp_path_factory.mktemp("template") / "template.db"
        _migrate(f"sqlite:///{path}")
        yield str(path)
        return
    try:
        admin = _pg_admin()
        admin.connect().close()
    except sa.exc.OperationalError as exc:
        pytest.skip(f"PostgreSQL at KOMMENTARE_TEST_DATABASE_URL is unreachable: {exc.orig}")
    name = f"kommentare_tpl_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    _migrate(_pg_url(name))
    yield name
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    if not PG_ADMIN_URL:
        target = tmp_path / "test.db"
        shutil.copyfile(template_database, target)
        yield f"sqlite:///{target}"
        return
    name = f"kommentare_t_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"'))
    yield _pg_url(name)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """HF_HUB_OFFLINE alone is read once at import, so also make any network attempt fail loudly."""

    def refuse(*args: object, **kwargs: object) -> Any:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
def fake_scorer() -> Any:
    """The scorer passed to ``create_app``: keyword scoring that a test can ``switch`` to a failing or slow model
    (and back). Override with ``None`` to use the model the settings configure."""
    return SwitchableScorer(KeywordScorer())


@pytest.fixture
def fake_claim_encoder() -> Any:
    """The claim encoder passed to ``create_app``: bag-of-words vectors (a test can set ``fail``). Override with
    ``None`` to use the bundled encoder."""
    return HashingClaimEncoder()


@pytest.fixture
def app(
    database_url: str, settings_overrides: dict[str, Any], fake_scorer: Any, fake_claim_encoder: Any, tmp_path: Path
) -> Iterator[Flask]:
    config: dict[str, Any] = {
        "database_url": database_url,
        "instance_path": str(tmp_path / "instance"),  # its own claim-vector cache, models and stores
        "ratelimit_enabled": False,
        "ratelimit_storage_uri": "memory://",  # per test; the shared default is tested in test_ratelimit_storage
        **settings_overrides,
    }
    app = create_app(config, scorer=fake_scorer, claim_encoder=fake_claim_encoder)
    app.config["TESTING"] = True
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Any]:
    with app.app_context():
        yield db.session


@pytest.fixture
def token(session: Any) -> str:
    """A moderator's bearer token, with the reference article registered."""
    make_article(session)
    return make_moderator(session)


@pytest.fixture
def make_limited_app(database_url: str) -> Any:
    """Apps with rate limiting on; their engines are disposed so no connection outlives the test database."""
    from app import create_app

    made: list[Flask] = []

    def make(storage: str, **overrides: Any) -> Flask:
        app = create_app(
            {
                "database_url": database_url,
                "ratelimit_enabled": True,
                "ratelimit_storage_uri": storage,
                "ratelimit_post_comment": "2/minute",
                "toxicity_model": "none",  # limits are the subject here: every comment is simply held
                **overrides,
            }
        )
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def subscriber(session: Any) -> WebhookEndpoint:
    """An endpoint subscribed to every event type: events are written only when someone subscribes to them."""
    endpoint = WebhookEndpoint(
        url="https://hooks.zeitung.example/all", secret=new_secret(), event_types=[e.value for e in EventType]
    )
    session.add(endpoint)
    session.commit()
    return endpoint


@pytest.fixture
def port() -> int:
    """A free loopback port (webhook receivers)."""
    return free_port()


@pytest.fixture
def receiver(port: int) -> Iterator[Receiver]:
    server = Receiver(port)
    yield server
    server.close()
