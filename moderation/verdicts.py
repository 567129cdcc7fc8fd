"""Frozen value objects every moderation stage returns: what fired, where, and what it means for the comment.

They live in the core because every stage (rules, toxicity, campaigns, reader reports) and every consumer (the
submission use cases, the comment store, the moderators' queue) speaks them; no feature owns them.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any

from moderation.messages import Message, told


class ReasonCode(enum.StrEnum):
    """Why a comment has its status; stored in ``comments.reasons[].code`` and shown to moderators."""

    TOXICITY = "toxicity"
    RULE = "rule"
    CAMPAIGN = "campaign"
    READER_REPORTS = "reader_reports"
    #: The story is pre-moderated: what would be published waits for a moderator.
    PREMODERATED = "premoderated"
    #: The author has fewer approved comments than the site trusts to appear unreviewed.
    NEW_READER = "new_reader"
    #: Too many of the author's recent comments were rejected.
    REJECTION_RATE = "rejection_rate"
    #: The story pre-moderates guests (``guests: premoderated``).
    GUEST_PREMODERATED = "guest_premoderated"
    #: The story is in surge mode and the author is not established.
    SURGE = "surge"
    #: The author appealed a rejection: a moderator (not the one who rejected it) decides again.
    APPEALED = "appealed"
    #: A trusted reader's comment that a low-confidence model score alone would have held: published, flagged.
    TRUSTED_READER = "trusted_reader"
    #: Taken over with its status from an archive (Disqus, WordPress, another Kommentare); not judged here.
    IMPORTED = "imported"
    #: A stage failed: the comment is held for a human instead of going out unchecked.
    RULES_UNAVAILABLE = "rules_unavailable"
    WATCHWORDS_UNAVAILABLE = "watchwords_unavailable"
    CLAIMS_UNAVAILABLE = "claims_unavailable"
    MODEL_UNAVAILABLE = "model_unavailable"
    MODEL_TIMEOUT = "model_timeout"
    CAMPAIGN_UNAVAILABLE = "campaign_unavailable"


#: Reason codes that mean "no score yet" rather than a judgement about the comment.
RESCORE_CODES = frozenset({ReasonCode.MODEL_UNAVAILABLE, ReasonCode.MODEL_TIMEOUT})


class Action(enum.Enum):
    """What a filter asks for; the strongest action across all filters wins."""

    PUBLISH = 0
    FLAG = 1
    HOLD = 2
    REJECT = 3


@dataclass(frozen=True)
class RuleHit:
    """One rule match; ``start``/``end`` are offsets into the comment body exactly as the reader sent it."""

    rule_id: str
    action: Action
    start: int
    end: int
    match: str
    weight: float = 1.0
    note: str = ""
    #: Narrative hits: the rule's weight before a context damper lowered it to ``weight``.
    raw_weight: float | None = None
    #: Narrative hits: which damper applied ("quoted", "debunk:<term>", both joined by "+"), if any.
    damper: str | None = None
    #: Claim hits: the nearest claim (``id``, ``text``, ``family``, ``reference``) and the ``encoder`` and
    #: ``catalogue`` versions that matched it; ``weight`` is the similarity.
    claim: dict[str, str] | None = None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["action"] = self.action.name.lower()
        for optional in ("raw_weight", "damper", "claim"):
            if data[optional] is None:
                del data[optional]
        return data


@dataclass(frozen=True)
class Reason:
    """A machine code plus a reader-facing message; ``label`` or ``rule_id`` names what fired. ``message_key`` and
    ``message_params`` say which catalogue message ``message`` is, so the moderators' pages can show it in their own
    language (``messages.retell``); build reasons with ``Reason.told``."""

    code: ReasonCode
    message: str
    label: str | None = None
    rule_id: str | None = None
    score: float | None = None
    message_key: Message | None = None
    message_params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def told(
        cls,
        code: ReasonCode,
        key: Message,
        *,
        label: str | None = None,
        rule_id: str | None = None,
        score: float | None = None,
        **params: str,
    ) -> Reason:
        """The reason with the catalogue's message ``key`` in the default language (German), and the key kept."""
        message = told(key, label=label, **params)
        return cls(code, message, label, rule_id, score, key, tuple(sorted(params.items())))

    def saying(self, key: Message) -> Reason:
        """The same reason (code, label, rule, score) telling the reader another catalogue message."""
        return Reason.told(self.code, key, label=self.label, rule_id=self.rule_id, score=self.score)

    def as_json(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if v is not None and k != "message_params"}
        data["code"] = str(self.code)  # the plain value, for JSON columns and responses
        if self.message_key is not None:
            data["message_key"] = str(self.message_key)
        if self.message_params:
            data["message_params"] = dict(self.message_params)
        return data


@dataclass(frozen=True)
class ShadowVerdict:
    """What a rule set running in shadow mode would have decided; recorded for comparison, never enforced."""

    action: Action
    hits: tuple[RuleHit, ...]
    ruleset_version: str
    reasons: tuple[Reason, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "action": self.action.name.lower(),
            "ruleset_version": self.ruleset_version,
            "reasons": [r.as_json() for r in self.reasons],
            "hits": [h.as_json() for h in self.hits],
        }


@dataclass(frozen=True)
class Verdict:
    """The pipeline's decision with everything needed to explain it later."""

    action: Action
    reasons: tuple[Reason, ...]
    hits: tuple[RuleHit, ...]
    scores: dict[str, float] | None
    model_id: str | None
    ruleset_version: str | None
    thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    #: The decision of the shadow rule set, if one runs (see ``ShadowVerdict``).
    shadow: ShadowVerdict | None = None
    #: The watched-words list the comment was judged with.
    wordlist_version: str | None = None
    #: A candidate model in shadow mode: its score and what it would have asked for, never enforced.
    shadow_model: dict[str, Any] | None = None

    @property
    def needs_rescore(self) -> bool:
        """Held only because the model failed or was late: the background job scores it again."""
        return self.scores is None and any(r.code in RESCORE_CODES for r in self.reasons)
