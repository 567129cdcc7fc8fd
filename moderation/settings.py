"""One typed settings object, read from ``KOMMENTARE_*`` environment variables.

Every knob of the service lives here with its default, so the README's configuration table and the code cannot
drift apart silently (a test compares them). Tests pass overrides to ``create_app`` instead of touching the
environment.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, get_type_hints

from moderation.thresholds import validate_overrides

PREFIX = "KOMMENTARE_"
#: The known key of development set-ups: it signs account hashes and reporter keys, so production refuses it.
DEVELOPMENT_SECRET = "dev-only-change-me"
MIN_SECRET_LENGTH = 32

#: Per-label thresholds for a model whose card names none: a score at or above ``hold`` holds the comment for review,
#: at or above ``reject`` rejects it.
DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    "toxicity": {"hold": 0.5, "reject": 0.95},
    "severe_toxicity": {"hold": 0.3, "reject": 0.8},
    "obscene": {"hold": 0.6, "reject": 0.97},
    "threat": {"hold": 0.3, "reject": 0.8},
    "insult": {"hold": 0.5, "reject": 0.95},
    "identity_attack": {"hold": 0.3, "reject": 0.85},
}


@dataclass(frozen=True)
class Settings:
    """Service configuration. Field ``foo_bar`` is read from ``KOMMENTARE_FOO_BAR``."""

    database_url: str = "sqlite:///kommentare.db"
    #: ``production`` (the default) refuses to start without a real ``SECRET_KEY``; ``make`` sets ``development``.
    environment: str = "production"
    secret_key: str = DEVELOPMENT_SECRET
    # Comment content limits.
    body_max_length: int = 5000
    author_name_max_length: int = 80
    #: Names readers cannot post under (nor look-alikes of them); moderators' account names are reserved too.
    reserved_author_names: tuple[str, ...] = ("Redaktion", "Moderation", "Kommentare", "Admin", "Administrator")
    # Public thread listing.
    thread_max_depth: int = 3
    page_size_default: int = 20
    page_size_max: int = 100
    auto_create_articles: bool = False
    #: Stories close to new comments this many days after they were registered (0: never).
    auto_close_days: int = 0
    #: Trust: a reader's (or guest account's) comments are held until this many of theirs were published (0: off).
    trust_min_published: int = 0
    #: Trust: hold an author's comments while more than this share of their recent ones was rejected (0: off) ...
    trust_max_rejection_rate: float = 0.0
    #: ... over this many days, once they wrote at least ``TRUST_MIN_RECENT`` in that time.
    trust_window_days: int = 7
    trust_min_recent: int = 3
    #: Trust: signed-in readers with this many published comments and no rejection in the window are *trusted*: a
    #: hold that comes only from a model score below ``TRUST_TRUSTED_MAX_SCORE`` publishes with a flag (0: off).
    trust_trusted_min_published: int = 0
    trust_trusted_max_score: float = 0.9
    #: Guests (name + optional e-mail, no login): ``allowed``, ``premoderated`` or ``off``; stories can override it.
    guests: str = "allowed"
    #: Surge mode: a burst of new accounts puts the story into surge for this many hours (0: bursts only hold the
    #: comments that make them); moderators can start and end it too ...
    surge_hours: float = 6.0
    #: ... and while it lasts, authors without a published comment older than this many hours are pre-moderated.
    surge_established_hours: float = 24.0
    # Readers' own comments and the newsroom's single sign-on (see the README's "Readers and single sign-on").
    #: Authors may edit or delete their comment this long after posting it.
    edit_window_seconds: int = 300
    #: HS256 secret shared with the newsroom's login; or ``SSO_PUBLIC_KEY_FILE``, a PEM for RS256/ES256 tokens.
    sso_secret: str = ""
    sso_public_key_file: str = ""
    #: Checked when set: the tokens' ``aud`` and ``iss`` claims.
    sso_audience: str = ""
    sso_issuer: str = ""
    #: Clock skew tolerated on ``exp`` (seconds).
    sso_leeway_seconds: int = 30
    # Toxicity model: bundled | none | original | unbiased | multilingual | original-small | unbiased-small |
    # checkpoint (then TOXICITY_CHECKPOINT and TOXICITY_CONFIG_DIR name the files).
    toxicity_model: str = "bundled"
    toxicity_checkpoint: str = ""
    toxicity_config_dir: str = ""
    toxicity_device: str = "cpu"
    toxicity_quantize: str = "none"
    #: Tokens per comment the model reads (special tokens included); longer comments are truncated.
    toxicity_max_tokens: int = 256
    #: Comments longer than this many characters are scored as overlapping windows, each label taking its highest
    #: window (an insult at the end of a long comment counts); 0 scores only what fits the model.
    toxicity_window_chars: int = 400
    #: Micro-batching: at most this many comments per model call (1 = one call per comment) ...
    toxicity_batch_size: int = 16
    #: ... and at most this many padded tokens per call.
    toxicity_token_budget: int = 4096
    #: torch intra-op threads per process (0 = torch's default, one per core); one per worker process measured
    #: fastest, and torch's default stalls whenever anything else wants the CPU.
    toxicity_threads: int = 1
    #: Run the model as a TorchScript trace (checked against the eager model at load; see toxicity/tracing.py).
    toxicity_trace: bool = True
    #: ``auto``: serve through ONNX Runtime, without torch in the worker, when an export matching the checkpoint
    #: lies beside it (``flask models export-onnx``; the bundled model ships one) and passes its probe check, else
    #: torch; ``torch``; ``onnx`` (refuse to start without a matching export).
    toxicity_runtime: str = "auto"
    #: gunicorn's master loads the ONNX graphs before it forks: one copy for all workers (``onnx_sessions.py``).
    share_models: bool = True
    #: Deadline for a score; a comment that misses it is held (model_timeout) and re-scored in the background.
    model_timeout_seconds: float = 2.0
    #: A candidate site head (``flask models candidates``) in shadow mode: scored into each audit entry, not enforced.
    toxicity_shadow_candidate: str = ""
    #: Where `flask models pull` puts published models (default: <instance folder>/models).
    model_dir: str = ""
    #: The instance folder (models, claim-vector cache, the default rate-limit store); "": ./instance by app.py.
    instance_path: str = ""
    model_download_url: str = "https://github.com/unitaryai/detoxify/releases/download/"
    model_hub_url: str = "https://huggingface.co"
    rescore_poll_seconds: float = 5.0
    #: Tell readers which sentence would be held/rejected for toxicity and let them revise first.
    nudge_enabled: bool = False
    #: Overrides laid over the active model's default thresholds (its model card's, else ``DEFAULT_THRESHOLDS``).
    thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    ruleset_path: str = ""
    #: Watched words (shipped list plus moderators' changes) run on every comment beside the rule file.
    watchwords_enabled: bool = True
    #: How often each process checks the database for moderators' changes to the watched words.
    watchwords_refresh_seconds: float = 2.0
    #: A candidate rule file run in shadow mode next to the enforced one: decisions recorded, never enforced.
    shadow_ruleset_path: str = ""
    #: Known disinformation claims matched across languages (README "Claims across languages"): a comment that
    #: makes one is held (or flagged) with the nearest claim shown to moderators.
    claims_enabled: bool = True
    #: The site's own claim files (comma-separated), added to the shipped catalogue.
    claims_files: tuple[str, ...] = ()
    #: Quantiles of the benign background's nearest-claim similarity: at or above ``hold`` holds, ``flag`` flags.
    claims_hold_quantile: float = 1.0
    claims_flag_quantile: float = 0.999
    #: Comments with fewer words are not checked for claims.
    claims_min_words: int = 5
    # Reader reports: this many open reports hide a published comment until a moderator decides (0 = never).
    reports_hold_threshold: int = 3
    # Campaign detection across accounts (README "Campaign detection"): near-copies, pushed URLs, new-account bursts.
    campaign_detection: bool = True
    #: Canonical characters below which a text is never compared ("Danke!" is no copy of anything).
    campaign_min_length: int = 40
    #: Exact Jaccard similarity of character 5-gram sets from which two comments are near-copies.
    campaign_similarity: float = 0.8
    campaign_window_hours: float = 24.0
    #: Distinct accounts posting near-copies within the window that make a copy-paste campaign (reject).
    campaign_min_accounts: int = 3
    #: How far back a near-copy of a rejected comment is rejected too.
    campaign_rejected_window_days: float = 90.0
    #: New accounts posting the same URL within the window that make a URL push (hold).
    campaign_url_min_accounts: int = 3
    #: New accounts commenting on one article within ``campaign_burst_minutes`` that make a burst (hold).
    campaign_burst_accounts: int = 10
    campaign_burst_minutes: float = 10.0
    #: Most stored near-copy candidates compared per submission (newest first); bounds the cost inside big campaigns.
    campaign_max_candidates: int = 200
    # Webhook delivery.
    #: Internal receivers webhooks may reach (host names, addresses or networks); everything else must be public.
    webhook_allowed_hosts: tuple[str, ...] = ()
    webhook_timeout_seconds: float = 5.0
    webhook_max_attempts: int = 8
    webhook_backoff_seconds: float = 10.0
    webhook_poll_seconds: float = 1.0
    #: An endpoint whose attempts failed this many times in a row is disabled (audited); 0 never. Its pending
    #: deliveries wait for an admin to enable it again.
    webhook_disable_after_failures: int = 20
    #: Delivered deliveries (with their attempts) and their events are deleted this many days later; 0 keeps them.
    webhook_retention_days: int = 30
    # Retention of personal data (README "Operations"); 0 turns a rule off. Legal holds win over all of them.
    #: Rejected comments are anonymised this many days after they were written ...
    retention_rejected_days: int = 180
    #: ... campaign-index rows deleted (keep at least CAMPAIGN_REJECTED_WINDOW_DAYS) ...
    retention_campaign_index_days: int = 90
    #: ... and audit details reduced to plain facts (statuses, reason codes, ids, counts).
    retention_audit_details_days: int = 365
    # E-mail notifications (README "Operations"). No SMTP host: no mail at all (nothing is queued or offered).
    smtp_host: str = ""
    smtp_port: int = 587
    #: ``starttls`` (submission port 587), ``tls`` (implicit TLS, port 465) or ``none`` (a relay on localhost).
    smtp_security: str = "starttls"
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_timeout_seconds: float = 10.0
    #: The sender of every mail (``Name <address>``).
    mail_from: str = "Kommentare <kommentare@localhost>"
    #: A mail that failed this many times (network, 4xx from the server) is given up; a 5xx refusal at once.
    mail_max_attempts: int = 8
    mail_poll_seconds: float = 5.0
    #: Tell authors who gave an address when a moderator rejected (with the statement of reasons) or published
    #: their held comment.
    mail_decision_notices: bool = True
    #: The moderators' digest goes to these addresses (comma-separated; none: no digest) ...
    mail_digest_to: tuple[str, ...] = ()
    #: ... when the oldest pending comment has waited this many minutes ...
    mail_digest_after_minutes: int = 30
    #: ... at most once in this many minutes.
    mail_digest_every_minutes: int = 60
    #: Sent and given-up mails are deleted this many days later, opt-ins never confirmed too (0 keeps them).
    mail_retention_days: int = 7
    # Rate limits (Flask-Limiter syntax); storage is memory:// for one process, redis://host:6379 for several.
    #: ``auto``: a SQLite file in the instance folder that every worker process of the host shares; several hosts
    #: share limits through ``redis://host:6379``; ``memory://`` counts per process (one-process set-ups only).
    ratelimit_storage_uri: str = "auto"
    ratelimit_post_comment: str = "10/minute;100/hour"
    #: Failed moderator authentications per client address before it must wait (even with a right token).
    ratelimit_auth_failures: str = "10/minute"
    #: Failed web logins per client address and per account name before both must wait.
    ratelimit_admin_login: str = "5/minute"
    # The moderators' web app (/admin): server-side sessions.
    #: A session ends after this long without a request ...
    admin_session_idle_minutes: int = 120
    #: ... and this long after the login, whatever happens.
    admin_session_hours: int = 12
    #: Session cookies are ``Secure`` (HTTPS only) outside KOMMENTARE_ENVIRONMENT=development unless turned off.
    admin_cookie_secure: bool = True
    #: A decision in the queue is sent this many seconds after the key press, so ``u`` can still take it back.
    admin_undo_seconds: int = 5
    #: Votes per client address (each voter has one vote per comment, whatever the limit).
    ratelimit_vote: str = "60/minute"
    #: Reader reports per client address (each reporter counts once per comment, whatever the limit).
    ratelimit_report: str = "5/minute;30/hour"
    ratelimit_enabled: bool = True
    #: Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (client IPs for rate limits).
    trusted_proxies: int = 0
    cors_origins: tuple[str, ...] = ()
    demo_page: bool = False
    #: Where readers reach this service (``https://kommentare.zeitung.example``): the demo page's API address.
    public_url: str = ""
    log_level: str = "INFO"
    #: ``GET /metrics`` (Prometheus) answers only with ``Authorization: Bearer <this>``; empty: no /metrics at all.
    metrics_token: str = field(default="", repr=False)
    #: ``json`` (one object per line, with the request id) or ``text``; see README "Operations".
    log_format: str = "json"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``environ`` (default ``os.environ``), then apply keyword overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        hints = get_type_hints(cls)
        for f in fields(cls):
            raw = environ.get(PREFIX + f.name.upper())
            if f.name == "database_url" and raw is None:
                raw = environ.get("DATABASE_URL")
            if raw is not None:
                values[f.name] = _coerce(f.name, raw, hints[f.name])
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        values.update(overrides)
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def check_secret(self) -> None:
        """Outside development, refuse the known default and short secrets (``ValueError`` with the fix)."""
        if self.environment == "development":
            return
        if self.secret_key == DEVELOPMENT_SECRET or len(self.secret_key) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"{PREFIX}SECRET_KEY must be set to a random value of at least {MIN_SECRET_LENGTH} characters when "
                f"{PREFIX}ENVIRONMENT={self.environment} (e.g. python -c 'import secrets; print(secrets.token_hex(32))'"
                f"); {PREFIX}ENVIRONMENT=development allows the built-in one"
            )


def _coerce(name: str, raw: str, hint: Any) -> Any:
    """Turn one environment string into the field's type, with an error that names the variable."""
    try:
        if hint is bool:
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError("expected true/false")
        if hint is int:
            return int(raw)
        if hint is float:
            return float(raw)
        if hint == tuple[str, ...]:
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        if hint == dict[str, dict[str, float]]:
            return _parse_thresholds(raw)
        return raw
    except ValueError as exc:
        raise ValueError(f"{PREFIX}{name.upper()}={raw!r}: {exc}") from exc


def _parse_thresholds(raw: str) -> dict[str, dict[str, float]]:
    """Thresholds are JSON (``{"insult": {"hold": 0.4}}``), laid over the model's defaults at start-up, so one label
    can be tuned alone."""
    return validate_overrides(json.loads(raw))
