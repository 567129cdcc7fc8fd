"""Composition root: ``create_app`` wires settings, extensions, blueprints, error handlers and CLI commands."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from moderation.articles.views import bp as articles_bp
from moderation.campaigns.views import bp as campaigns_bp
from moderation.comments.views import bp as comments_bp
from moderation.demo.cli import cli as demo_cli
from moderation.demo.views import bp as demo_bp
from moderation.errors import register_error_handlers
from moderation.extensions import api, db, limiter, migrate
from moderation.filters.cli import cli as rules_cli
from moderation.filters.pipeline import ModerationPipeline
from moderation.filters.rules import load_ruleset
from moderation.http import IdConverter, id_converter_schema, require_json_body
from moderation.moderators.auth import BEARER_AUTH
from moderation.moderators.cli import cli as moderators_cli
from moderation.queue.views import bp as queue_bp
from moderation.settings import Settings
from moderation.state import EXTENSION_KEY, AppState
from moderation.toxicity.cli import cli as models_cli
from moderation.toxicity.registry import check_files, resolve
from moderation.toxicity.scorer import NoModelScorer, build_scorer
from moderation.webhooks.cli import cli as webhooks_cli
from moderation.webhooks.views import bp as webhooks_bp

log = logging.getLogger("moderation")
MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: Mapping[str, Any] | Settings | None = None) -> Flask:
    """Build the app; ``config`` is a Settings object or overrides of the ``KOMMENTARE_*`` environment."""
    settings = config if isinstance(config, Settings) else Settings.from_env(**dict(config or {}))
    logging.basicConfig(level=settings.log_level)
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not settings.model_dir:
        settings = settings.replace(model_dir=str(Path(app.instance_path) / "models"))
    app.config.update(flask_config(settings))
    if settings.trusted_proxies:
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # readable German in responses
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    app.url_map.converters["id"] = IdConverter
    api.init_app(app)
    api.register_converter(IdConverter, id_converter_schema)
    api.spec.components.security_scheme("bearerAuth", BEARER_AUTH["bearerAuth"])
    limiter.init_app(app)
    for blueprint in (articles_bp, comments_bp, queue_bp, webhooks_bp, campaigns_bp):
        api.register_blueprint(blueprint)
    app.register_blueprint(demo_bp)
    register_error_handlers(app, rollback=db.session.rollback)
    app.before_request(_api_requires_json)
    app.after_request(_cors(settings.cors_origins))
    for group in (moderators_cli, webhooks_cli, demo_cli, models_cli, rules_cli):
        app.cli.add_command(group)
    app.extensions[EXTENSION_KEY] = AppState(settings=settings, pipeline=build_pipeline(settings))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
    return app


def flask_config(settings: Settings) -> dict[str, Any]:
    return {
        "SECRET_KEY": settings.secret_key,
        "SQLALCHEMY_DATABASE_URI": settings.database_url,
        # A pooled server connection can die between requests; an embedded SQLite file cannot (a ping per
        # checkout would only cost time).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not settings.database_url.startswith("sqlite")},
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "API_TITLE": "Kommentare API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "RATELIMIT_ENABLED": settings.ratelimit_enabled,
        "RATELIMIT_STORAGE_URI": settings.ratelimit_storage_uri,
        "RATELIMIT_HEADERS_ENABLED": True,
        "KOMMENTARE": settings,
    }


def build_pipeline(settings: Settings) -> ModerationPipeline:
    """Validates the rule file and that the model's files exist (either failing stops start-up); loads no model."""
    model_dir = Path(settings.model_dir)
    files = resolve(
        name=settings.toxicity_model,
        model_dir=model_dir,
        checkpoint=settings.toxicity_checkpoint,
        config_dir=settings.toxicity_config_dir,
    )
    if files is not None:
        check_files(files)
    scorer = build_scorer(
        model=settings.toxicity_model,
        model_dir=model_dir,
        checkpoint=settings.toxicity_checkpoint,
        config_dir=settings.toxicity_config_dir,
        device=settings.toxicity_device,
        quantize=settings.toxicity_quantize,
        max_tokens=settings.toxicity_max_tokens,
        threads=settings.toxicity_threads,
        trace=settings.toxicity_trace,
    )
    if isinstance(scorer, NoModelScorer):
        log.warning("no toxicity model configured (KOMMENTARE_TOXICITY_MODEL=none): holding every comment for review")
    ruleset = load_ruleset(Path(settings.ruleset_path) if settings.ruleset_path else None)
    shadow = load_ruleset(Path(settings.shadow_ruleset_path)) if settings.shadow_ruleset_path else None
    return ModerationPipeline(
        scorer=scorer,
        ruleset=ruleset,
        shadow_ruleset=shadow,
        timeout_seconds=settings.model_timeout_seconds,
        max_batch=settings.toxicity_batch_size,
        token_budget=settings.toxicity_token_budget,
    )


def _api_requires_json() -> None:
    if request.path.startswith("/api/"):
        require_json_body()


def _cors(origins: tuple[str, ...]) -> Any:
    """Let article pages on the newsroom's own domains call the public API from the browser."""

    def add_headers(response: Response) -> Response:
        origin = request.headers.get("Origin")
        if origin and request.path.startswith("/api/v1/") and ("*" in origins or origin in origins):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE, OPTIONS"
            response.headers["Vary"] = "Origin"
        return response

    return add_headers


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """Foreign keys on, WAL so readers never block the writer, and a busy timeout instead of instant failures.

    ``synchronous=NORMAL`` in WAL mode survives application crashes; only a power loss may drop the last commits.
    """
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: no fsync per commit (3.5 ms), still crash-safe
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
