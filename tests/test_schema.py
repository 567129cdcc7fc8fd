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


def test_upgrading_a_database_with_data_keeps_every_row(tmp_path: Any) -> None:
    """Upgrades run on live databases: a rebuild of ``comments`` must not cascade into reports or the audit log."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"database_url": f"sqlite:///{tmp_path / 'live.db'}", "toxicity_model": "none"})
    with app.app_context():
        upgrade(revision="0001_initial")
        statements = [
            "INSERT INTO articles (id, comments_open, created_at, updated_at)"
            " VALUES ('a', 1, '2026-01-01', '2026-01-01')",
            "INSERT INTO comments (id, article_id, depth, author_name, body, status, reasons, rule_hits, open_reports,"
            " created_at) VALUES (1, 'a', 0, 'A', 'Text', 'published', '[]', '[]', 1, '2026-01-01')",
            "INSERT INTO reports (comment_id, reason, text, created_at) VALUES (1, 'spam', '', '2026-01-01')",
            "INSERT INTO audit_log (actor, action, comment_id, article_id, details, at)"
            " VALUES ('t', 'x', 1, 'a', '{}', '2026-01-01')",
        ]
        with db.engine.begin() as connection:
            for statement in statements:
                connection.execute(sa.text(statement))
        upgrade()
        with db.engine.connect() as connection:
            counts = [connection.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in ("comments", "reports")]
            audit_ref = connection.scalar(sa.text("SELECT comment_id FROM audit_log"))
        db.engine.dispose()
    assert (counts, audit_ref) == ([1, 1], 1)


def test_sqlite_connections_use_wal_without_an_fsync_per_commit(app: Flask, session: Any) -> None:
    import pytest
    import sqlalchemy as sa

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only")
    with db.engine.connect() as connection:
        pragmas = [connection.scalar(sa.text(f"PRAGMA {name}")) for name in ("journal_mode", "synchronous")]
    assert pragmas == ["wal", 1]  # synchronous 1 = NORMAL


def test_queue_workflow_upgrade_backfills_flags_languages_and_reason_codes(tmp_path: Any) -> None:
    """0007 derives the new columns from what comments stored before it: a flag was only its reasons."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"database_url": f"sqlite:///{tmp_path / 'live.db'}", "toxicity_model": "none"})
    flag = '[{"code": "rule", "rule_id": "narrative.kyiv_regime", "message": "m"}]'
    rows = [  # id, status, reasons, moderated_by, body
        (1, "published", flag, None, "Das Kiewer Regime ist schuld, sagt er."),
        (2, "published", flag, "petra", "Das Kiewer Regime ist schuld, sagt sie."),
        (3, "published", "[]", None, "This is what the government always does."),
        (4, "pending", '[{"code": "model_timeout", "message": "m"}]', None, "Киевский режим виноват во всём."),
    ]
    with app.app_context():
        upgrade(revision="0006_moderator_logins")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO articles (id, comments_open, created_at, updated_at)"
                    " VALUES ('a', 1, '2026-01-01', '2026-01-01')"
                )
            )
            for comment_id, status, reasons, moderated_by, body in rows:
                connection.execute(
                    sa.text(
                        "INSERT INTO comments (id, article_id, depth, author_name, body, status, reasons, rule_hits,"
                        " open_reports, created_at, moderated_by) VALUES (:id, 'a', 0, 'A', :body, :status,"
                        " :reasons, '[]', 0, '2026-01-01', :by)"
                    ),
                    {"id": comment_id, "body": body, "status": status, "reasons": reasons, "by": moderated_by},
                )
        upgrade()
        with db.engine.connect() as connection:
            found = connection.execute(
                sa.text("SELECT id, flagged, language, reason_codes FROM comments ORDER BY id")
            ).all()
        db.engine.dispose()
    assert [tuple(row) for row in found] == [
        (1, True, "de", " rule "),
        (2, False, "de", " rule "),
        (3, False, "en", " "),
        (4, False, "ru", " model_timeout "),
    ]
