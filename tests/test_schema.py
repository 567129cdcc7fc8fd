"""The migrations are the schema: one head, and nothing left for autogenerate to add."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from moderation.extensions import db


def test_single_alembic_head(app: Flask) -> None:
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgraded_database_matches_models(app: Flask, session: Any) -> None:
    """The test database was made by ``flask db upgrade`` alone (see conftest); compare it to the models."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_upgrade_on_empty_database_via_cli(tmp_path: Any) -> None:
    from app import create_app

    app = create_app({"database_url": f"sqlite:///{tmp_path / 'fresh.db'}"})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tables = set(db.inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert tables >= {"articles", "comments", "audit_log", "outbox_events", "webhook_deliveries", "alembic_version"}
