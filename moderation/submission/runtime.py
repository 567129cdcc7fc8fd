"""The process-wide submission runtime (pipeline and policy), built once per app and reachable from views and CLI.

``build_runtime`` validates the rule files (a bad one stops start-up) and loads no model: the first submission (or
``wsgi.py`` after fork) does. A test passes its scorer to ``create_app``, which hands it here, instead of patching
a running pipeline.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.orm import Session

from moderation.claims.service import ClaimMatcher
from moderation.filters.rules import load_ruleset
from moderation.notifications.config import MailConfig
from moderation.readers.sso import SsoConfig
from moderation.settings import Settings
from moderation.submission.pipeline import ModerationPipeline, WordlistPort
from moderation.submission.policy import SubmissionPolicy
from moderation.thresholds import Thresholds
from moderation.toxicity.runtime import shadow_head
from moderation.toxicity.scorer import NoModelScorer, Scorer
from moderation.watchwords.service import WordlistCache
from moderation.watchwords.wordlist import WordlistResult

log = logging.getLogger(__name__)
EXTENSION_KEY = "kommentare.submission"


@dataclass(frozen=True)
class SubmissionRuntime:
    pipeline: ModerationPipeline
    policy: SubmissionPolicy
    #: The watched words (None: switched off with ``KOMMENTARE_WATCHWORDS_ENABLED=false``).
    wordlists: WordlistCache | None = None
    #: How readers' tokens from the newsroom's login are checked (disabled: guests only).
    sso: SsoConfig = field(default_factory=SsoConfig)
    #: E-mail notifications (reply opt-ins are queued in the submission's transaction).
    mail: MailConfig = field(default_factory=lambda: MailConfig.from_settings(Settings()))


class UnavailableWordlist:
    """Stands in when the watched words could not be read: the pipeline holds the comment."""

    version = "unavailable"

    def evaluate(self, text: str) -> WordlistResult:  # noqa: ARG002 (the port's signature)
        raise RuntimeError("the watched words could not be read")


def wordlist_for(session: Session, runtime: SubmissionRuntime) -> WordlistPort | None:
    """The list in force for this submission; a failed read ends the reads (nothing was written yet) and holds."""
    if runtime.wordlists is None:
        return None
    try:
        return runtime.wordlists.current(session)
    except Exception:
        log.exception("reading the watched words failed; holding the comment")
        session.rollback()
        return UnavailableWordlist()


def build_runtime(
    settings: Settings,
    *,
    scorer: Scorer,
    thresholds: Thresholds,
    wordlists: WordlistCache | None = None,
    claims: ClaimMatcher | None = None,
    sso: SsoConfig | None = None,
    mail: MailConfig | None = None,
) -> SubmissionRuntime:
    """The pipeline around ``scorer`` (the app's active scorer, see ``toxicity.runtime``), the policy, the
    watched words (the app's cache, see ``watchwords.runtime``) and the claim matcher (``claims.runtime``)."""
    if isinstance(scorer, NoModelScorer):
        log.warning("no toxicity model configured (KOMMENTARE_TOXICITY_MODEL=none): holding every comment for review")
    ruleset = load_ruleset(Path(settings.ruleset_path) if settings.ruleset_path else None)
    shadow = load_ruleset(Path(settings.shadow_ruleset_path)) if settings.shadow_ruleset_path else None
    pipeline = ModerationPipeline(
        scorer=scorer,
        ruleset=ruleset,
        shadow_ruleset=shadow,
        timeout_seconds=settings.model_timeout_seconds,
        max_batch=settings.toxicity_batch_size,
        token_budget=settings.toxicity_token_budget,
        window_chars=settings.toxicity_window_chars,
        shadow_head=shadow_head(settings),
        claims=claims,
    )
    return SubmissionRuntime(
        pipeline=pipeline,
        policy=SubmissionPolicy.from_settings(settings, thresholds=thresholds),
        wordlists=wordlists if settings.watchwords_enabled else None,
        sso=sso or SsoConfig(),
        mail=mail or MailConfig.from_settings(settings),
    )


def init_app(app: Flask, runtime: SubmissionRuntime) -> None:
    app.extensions[EXTENSION_KEY] = runtime


def current_runtime() -> SubmissionRuntime:
    runtime: SubmissionRuntime = current_app.extensions[EXTENSION_KEY]
    return runtime
