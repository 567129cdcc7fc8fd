"""Transparency figures for a period (the DSA asks platforms to publish them): every moderation decision by
outcome and reason, automated (the pipeline, the re-score job, reader reports) apart from human ones.

Counted from the audit log, which records every decision with its actor, so the report needs no data of its
own and can be made for any past period the log still holds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.actors import MODERATOR_PREFIX
from moderation.audit.models import AuditAction, AuditEntry

#: The decisions counted, and what each is called in the report.
_AUTOMATED = {AuditAction.COMMENT_CREATED: "submitted", AuditAction.COMMENT_RESCORED: "rescored"}
_HUMAN = {
    AuditAction.COMMENT_APPROVED: "approved",
    AuditAction.COMMENT_REJECTED: "rejected",
    AuditAction.CAMPAIGN_APPROVED: "campaign_approved",
    AuditAction.CAMPAIGN_REJECTED: "campaign_rejected",
}
_OTHER = {AuditAction.COMMENT_REPORTED: "reports", AuditAction.COMMENT_HELD: "hidden_by_reports"}


@dataclass
class Transparency:
    since: datetime
    until: datetime
    #: (stage, outcome, first reason code) -> count, decided without a person.
    automated: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    #: (decision, reason given) -> count, decided by a moderator.
    human: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: Reader reports received and comments they hid.
    reports: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "automated": [
                {"stage": stage, "outcome": outcome, "reason": reason, "count": n}
                for (stage, outcome, reason), n in sorted(self.automated.items())
            ],
            "human": [{"decision": d, "reason": r, "count": n} for (d, r), n in sorted(self.human.items())],
            "reports": dict(sorted(self.reports.items())),
            "totals": {"automated": sum(self.automated.values()), "human": sum(self.human.values())},
        }


def transparency(*, session: Session, since: datetime, until: datetime) -> Transparency:
    """The figures for ``since`` <= time < ``until`` (reads only)."""
    report = Transparency(since, until)
    actions = [*_AUTOMATED, *_HUMAN, *_OTHER]
    query = (
        select(AuditEntry.action, AuditEntry.actor, AuditEntry.details)
        .where(AuditEntry.at >= since, AuditEntry.at < until, AuditEntry.action.in_(actions))
        .execution_options(yield_per=1000)
    )
    for action, actor, details in session.execute(query):
        _count(report, AuditAction(action), actor, details or {})
    session.rollback()  # end the reads
    return report


def _count(report: Transparency, action: AuditAction, actor: str, details: dict[str, Any]) -> None:
    if action in _AUTOMATED:
        outcome = str(details.get("status") or details.get("to") or "unknown")
        report.automated[(_AUTOMATED[action], outcome, _first_reason(details))] += 1
    elif action in _HUMAN and actor.startswith(MODERATOR_PREFIX):
        report.human[(_HUMAN[action], str(details.get("reason") or "none"))] += 1
    elif action in _OTHER:
        report.reports[_OTHER[action]] += 1


def _first_reason(details: dict[str, Any]) -> str:
    reasons = details.get("reasons") or []
    first = reasons[0] if reasons and isinstance(reasons[0], dict) else {}
    return str(first.get("code") or "none")
