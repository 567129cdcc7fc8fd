"""Readiness: the database answers, the rule set and watched words are loaded, the model can score.

A load balancer sends readers only to workers that would not hold every comment for a missing part: ``/readyz``
answers 503 naming what is missing, ``/healthz`` only says the process runs (restart it when that fails).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from moderation.submission.runtime import SubmissionRuntime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(value == "ok" for value in self.checks.values())


def readiness(*, session: Session, runtime: SubmissionRuntime) -> Readiness:
    checks = {"database": _database(session), "rules": "ok" if runtime.pipeline.ruleset else "missing"}
    checks["model"] = _model(runtime)
    if runtime.wordlists is not None:
        checks["watchwords"] = _watchwords(session, runtime)
    return Readiness(checks)


def _database(session: Session) -> str:
    try:
        session.execute(text("SELECT 1"))
        session.rollback()
    except Exception as exc:
        log.warning("readiness: database unavailable: %s", type(exc).__name__)
        session.rollback()
        return "unavailable"
    return "ok"


def _model(runtime: SubmissionRuntime) -> str:
    """Loads the model if this worker has not yet (``wsgi.py`` does at start): a failure is named, not raised."""
    try:
        runtime.pipeline.load_model()
    except Exception as exc:
        log.warning("readiness: model unavailable: %s", exc)
        return "unavailable"
    return "ok"


def _watchwords(session: Session, runtime: SubmissionRuntime) -> str:
    try:
        assert runtime.wordlists is not None
        runtime.wordlists.current(session)
        session.rollback()
    except Exception as exc:
        log.warning("readiness: watched words unavailable: %s", type(exc).__name__)
        session.rollback()
        return "unavailable"
    return "ok"
