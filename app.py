"""Composition root: ``create_app`` wires settings, extensions, blueprints, error handlers and CLI commands."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from moderation import state
from moderation.admin.views import bp as admin_bp
from moderation.archives.cli import cli as archives_cli
from moderation.articles.views import bp as articles_bp
from moderation.audit.views import bp as audit_bp
from moderation.auth import AUTHENTICATOR_KEY, BEARER_AUTH, READER_AUTH
from moderation.bans.views import bp as bans_bp
from moderation.campaigns.views import bp as campaigns_bp
from moderation.claims import runtime as claims_runtime
from moderation.claims.cli import cli as claims_cli
from moderation.claims.service import EncoderPort
from moderation.comments import counters as comment_counters
from moderation.comments.views import bp as comments_bp
from moderation.demo.cli import cli as demo_cli
from moderation.demo.views import bp as demo_bp
from moderation.encoding import conditional_and_compressed
from moderation.errors import register_error_handlers
from moderation.extensions import api, db, limiter, migrate
from moderation.filters.cli import cli as rules_cli
from moderation.health.views import bp as health_bp
from moderation.http import IdConverter, id_converter_schema, require_json_body, security_headers
from moderation.logs import configure_logging, init_request_logging
from moderation.moderators.cli import cli as moderators_cli
from moderation.moderators.service import authenticate
from moderation.notifications import config as notifications_config
from moderation.notifications.cli import cli as notifications_cli
from moderation.notifications.views import bp as notifications_bp
from moderation.privacy.cli import cli as privacy_cli
from moderation.privacy.views import bp as privacy_bp
from moderation.queue.views import bp as queue_bp
from moderation.ratelimits import storage_uri
from moderation.readers import runtime as readers_runtime
from moderation.reports.views import bp as reports_bp
from moderation.settings import Settings
from moderation.submission import runtime as submission_runtime
from moderation.submission.appeal_page import bp as appeal_page_bp
from moderation.submission.cli import rescore as rescore_command
from moderation.submission.schemas import document_limits
from moderation.submission.views import bp as submission_bp
from moderation.toxicity import runtime as toxicity_runtime
from moderation.toxicity.cli import cli as models_cli
from moderation.toxicity.scorer import Scorer
from moderation.votes.views import bp as votes_bp
from moderation.watchwords import runtime as watchwords_runtime
from moderation.watchwords.cli import cli as watchwords_cli
from moderation.watchwords.views import bp as watchwords_bp
from moderation.webhooks.cli import cli as webhooks_cli
from moderation.webhooks.views import bp as webhooks_bp
from moderation.workers import worker_command

log = logging.getLogger("moderation")
MIGRATIONS = Path(__file__).parent / "migrations"


API_BLUEPRINTS = (
    articles_bp,
    comments_bp,
    submission_bp,
    reports_bp,
    bans_bp,
    votes_bp,
    queue_bp,
    audit_bp,
    webhooks_bp,
    campaigns_bp,
    watchwords_bp,
    privacy_bp,
)
CLI_GROUPS = (
    moderators_cli,
    webhooks_cli,
    demo_cli,
    models_cli,
    rules_cli,
    watchwords_cli,
    claims_cli,
    privacy_cli,
    archives_cli,
    notifications_cli,
)


def create_app(
    config: Mapping[str, Any] | Settings | None = None,
    *,
    scorer: Scorer | None = None,
    claim_encoder: EncoderPort | None = None,
) -> Flask:
    """Build the app; ``config`` is a Settings object or overrides of the ``KOMMENTARE_*`` environment.

    ``scorer`` replaces the configured toxicity model and ``claim_encoder`` the bundled claim encoder (tests and
    benchmarks pass their doubles here).
    """
    settings = config if isinstance(config, Settings) else Settings.from_env(**dict(config or {}))
    settings.check_secret()
    configure_logging(level=settings.log_level, fmt=settings.log_format)
    instance = str(Path(settings.instance_path).resolve()) if settings.instance_path else None
    app = Flask(__name__, instance_relative_config=True, instance_path=instance)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not settings.model_dir:
        settings = settings.replace(model_dir=str(Path(app.instance_path) / "models"))
    app.config.update(flask_config(settings, app.instance_path))
    if settings.trusted_proxies:
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # readable German in responses
    db.init_app(app)
    comment_counters.init_app()
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    app.url_map.converters["id"] = IdConverter
    api.init_app(app)
    api.register_converter(IdConverter, id_converter_schema)
    for name, scheme in {**BEARER_AUTH, **READER_AUTH}.items():
        api.spec.components.security_scheme(name, scheme)
    limiter.init_app(app)
    for blueprint in API_BLUEPRINTS:
        api.register_blueprint(blueprint)
    api.spec_finishers.append(functools.partial(document_limits, settings=settings))
    app.register_blueprint(demo_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(appeal_page_bp)
    register_error_handlers(app, rollback=db.session.rollback)
    init_request_logging(app)
    app.before_request(_api_requires_json)
    app.after_request(conditional_and_compressed)  # registered first: runs last, on the final body
    app.after_request(_api_caching)
    app.after_request(_cors(settings.cors_origins))
    app.after_request(security_headers(settings.public_url))
    for group in CLI_GROUPS:
        app.cli.add_command(group)
    app.cli.add_command(worker_command)
    models_cli.add_command(rescore_command)
    _init_features(app, settings, scorer, claim_encoder)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
    return app


def ratelimit_storage(settings: Settings, instance_path: str) -> str:
    """``auto`` is the host-wide SQLite file: limits hold across all worker processes without a Redis."""
    uri = settings.ratelimit_storage_uri
    return storage_uri(instance_path) if uri == "auto" else uri


def flask_config(settings: Settings, instance_path: str) -> dict[str, Any]:
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
        "RATELIMIT_STORAGE_URI": ratelimit_storage(settings, instance_path),
        "RATELIMIT_HEADERS_ENABLED": True,
        "KOMMENTARE": settings,
    }


def _init_features(app: Flask, settings: Settings, scorer: Scorer | None, claim_encoder: EncoderPort | None) -> None:
    """Per-app state: settings and base thresholds, the moderator authenticator, the active scorer, the watched
    words, the claim matcher and the submission runtime.

    Building the scorer checks the model's files and the runtime validates the rule files; either failing stops
    start-up. No model is loaded here.
    """
    app.extensions[AUTHENTICATOR_KEY] = authenticate
    mail = notifications_config.MailConfig.from_settings(settings)
    notifications_config.init_app(app, mail)
    scorer = scorer or toxicity_runtime.configured_scorer(settings)
    thresholds = toxicity_runtime.base_thresholds(settings, scorer)
    state.init_app(app, settings, thresholds=thresholds)
    toxicity_runtime.init_app(app, scorer)
    wordlists = watchwords_runtime.build_cache(settings)
    watchwords_runtime.init_app(app, wordlists)
    sso = readers_runtime.sso_config(settings)
    readers_runtime.init_app(app, sso)
    claims = claims_runtime.build_matcher(settings, instance_path=app.instance_path, encoder=claim_encoder)
    claims_runtime.init_app(app, claims)
    runtime = submission_runtime.build_runtime(
        settings, scorer=scorer, thresholds=thresholds, wordlists=wordlists, claims=claims, sso=sso, mail=mail
    )
    submission_runtime.init_app(app, runtime)


def _api_requires_json() -> None:
    """JSON checks for API requests that reached a view: an unknown method or path stays a 405/404 problem."""
    if request.path.startswith("/api/") and request.routing_exception is None:
        require_json_body()


#: What an article page's JavaScript calls, and with which methods: reading and posting comments, reading its
#: article, editing or deleting one's own comment, voting, reporting. The moderator API is never among them.
_PUBLIC_API: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"^/api/v1/articles/[^/]+$"), ("GET",)),
    (re.compile(r"^/api/v1/articles/[^/]+/comments$"), ("GET", "POST")),
    (re.compile(r"^/api/v1/comment-counts$"), ("GET",)),
    (re.compile(r"^/api/v1/comments/\d+$"), ("PATCH", "DELETE")),
    (re.compile(r"^/api/v1/comments/\d+/vote$"), ("PUT",)),
    (re.compile(r"^/api/v1/comments/\d+/reports$"), ("POST",)),
    (re.compile(r"^/api/v1/comments/\d+/statement$"), ("GET",)),
    (re.compile(r"^/api/v1/comments/\d+/appeal$"), ("POST",)),
)


def public_methods(path: str) -> tuple[str, ...]:
    """The methods an article page may use on ``path`` from another origin (none for anything else)."""
    return next((methods for pattern, methods in _PUBLIC_API if pattern.match(path)), ())


def _cors(origins: tuple[str, ...]) -> Any:
    """Let article pages on the newsroom's own domains call the public API from the browser, and nothing else:
    the moderator API is never opened to other origins, each public path only for its own methods, and ``*``
    never answers the opaque origin ``null`` (sandboxed frames, ``file:`` pages)."""

    def add_headers(response: Response) -> Response:
        origin = request.headers.get("Origin")
        methods = public_methods(request.path)
        if not origin or request.method not in (*methods, "OPTIONS") or not methods:
            return response
        if origin in origins or ("*" in origins and origin != "null"):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
            response.headers["Access-Control-Allow-Methods"] = ", ".join((*methods, "OPTIONS"))
            response.headers["Vary"] = "Origin"
        return response

    return add_headers


def _api_caching(response: Response) -> Response:
    """API reads revalidate with their ETag (``no-cache`` stores, then asks): what an article page reads without a
    login may sit in a shared cache or CDN; anything asked with a token only in the browser."""
    if request.path.startswith("/api/") and request.method in ("GET", "HEAD"):
        shared = "GET" in public_methods(request.path) and "Authorization" not in request.headers
        response.headers.setdefault("Cache-Control", "public, no-cache" if shared else "private, no-cache")
    return response


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
