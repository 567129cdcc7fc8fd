"""Readiness: the database answers, the rule set and watched words are loaded, the model can score.

A load balancer sends readers only to workers that would not hold every comment for a missing part: ``/readyz``
answers 503 naming what is missing, ``/healthz`` only says the process runs (restart it when that fails).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
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
    checks = {
        "database": _check("database", session, lambda: session.execute(text("SELECT 1"))),
        "rules": "ok" if runtime.pipeline.ruleset else "missing",
        # Loads the model if this worker has not yet (wsgi.py does at start).
        "model": _check("model", session, runtime.pipeline.load_model),
    }
    if runtime.wordlists is not None:
        wordlists = runtime.wordlists
        checks["watchwords"] = _check("watched words", session, lambda: wordlists.current(session))
    return Readiness(checks)


def _check(name: str, session: Session, probe: Callable[[], object]) -> str:
    """ "ok", or "unavailable" with one warning: a failure is named, never raised; reads are ended either way."""
    try:
        probe()
        result = "ok"
    except Exception as exc:
        log.warning("readiness: %s unavailable: %s", name, type(exc).__name__)
        result = "unavailable"
    session.rollback()
    return result
