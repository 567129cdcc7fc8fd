"""Which candidate site head is active: ``candidates/active.json`` in the model directory, changed only by hand.

The pointer sits beside the candidates' files because those are files too: every host loads its model from its own
model directory, so activating on a host is copying the candidate there and running ``flask models activate`` (or
sharing the directory). Workers load the active head when they start (``kill -HUP`` the gunicorn master to switch
a running service). Every switch is audited; ``rollback`` goes back one step, to the base model at the end.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.toxicity.sitehead import SiteHead

CANDIDATES = "candidates"
POINTER = "active.json"


@dataclass(frozen=True)
class Activation:
    active: str | None = None
    history: list[str | None] = field(default_factory=list)


def candidates_dir(model_dir: Path) -> Path:
    return model_dir / CANDIDATES


def read_activation(model_dir: Path) -> Activation:
    path = candidates_dir(model_dir) / POINTER
    if not path.is_file():
        return Activation()
    data = json.loads(path.read_text(encoding="utf-8"))
    return Activation(data.get("active"), list(data.get("history", [])))


def active_head(model_dir: Path) -> SiteHead | None:
    """The active candidate's head, loaded; None when the base model runs alone."""
    active = read_activation(model_dir).active
    return SiteHead.load(candidates_dir(model_dir) / active) if active else None


def activate(*, session: Session, model_dir: Path, candidate: str | None, actor: str) -> Activation:
    """Make ``candidate`` (None: the base model alone) the active one; checks it loads, audits, commits."""
    if candidate is not None:
        SiteHead.load(candidates_dir(model_dir) / candidate)  # refuses a missing or broken candidate
    current = read_activation(model_dir)
    new = Activation(candidate, [*current.history, current.active])
    _write(model_dir, new)
    _audit(session, actor, AuditAction.MODEL_ACTIVATED, current.active, candidate)
    return new


def rollback(*, session: Session, model_dir: Path, actor: str) -> Activation:
    """Back to what was active before the last switch; ``ValueError`` when there is nothing to go back to."""
    current = read_activation(model_dir)
    if not current.history:
        raise ValueError("nothing to roll back: no earlier activation")
    new = Activation(current.history[-1], current.history[:-1])
    _write(model_dir, new)
    _audit(session, actor, AuditAction.MODEL_ROLLED_BACK, current.active, new.active)
    return new


def _write(model_dir: Path, activation: Activation) -> None:
    """Written whole to a temporary file and renamed: a worker starting meanwhile reads the old or the new one."""
    path = candidates_dir(model_dir) / POINTER
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"active": activation.active, "history": activation.history}), encoding="utf-8")
    temporary.replace(path)


def _audit(session: Session, actor: str, action: AuditAction, before: str | None, after: str | None) -> None:
    record_action(session, actor=actor, action=action, details={"from": before or "base", "to": after or "base"})
    session.commit()
