"""Runs every submission through normalisation, rules, toxicity scoring and the policy.

This is the orchestration the submission use cases share; it lives above the stages it runs (``filters`` for the
rules and the decision policy, ``toxicity`` for the scorer and its micro-batcher), which know nothing of each other.
A failing stage never publishes: rule or model errors become a *hold* with a reason code (``rules_unavailable``,
``model_unavailable``), and a score that misses its deadline becomes a hold with ``model_timeout``; comments held
for a model reason are re-scored by the background job (``flask models rescore``), so none is lost.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Protocol

from moderation import metrics
from moderation.filters.policy import decide, rule_reasons, toxicity_reasons
from moderation.filters.rules import Ruleset, RulesetHolder, evaluate
from moderation.messages import Message
from moderation.submission.windows import text_windows
from moderation.submission.worst import model_hit
from moderation.toxicity.batcher import DeadlineExceeded, MicroBatcher
from moderation.toxicity.loading import ModelUnavailable
from moderation.toxicity.scorer import Scorer
from moderation.toxicity.sitehead import BASE_LABEL, LABEL, SiteHead
from moderation.verdicts import Action, Reason, ReasonCode, RuleHit, ShadowVerdict, Verdict
from moderation.watchwords.wordlist import WordlistResult

log = logging.getLogger(__name__)
Findings = tuple[tuple[Action, Reason], ...]


class WordlistPort(Protocol):
    """What the pipeline needs of a watched-words list (``watchwords.wordlist.Wordlist``, or a stand-in that
    fails when the list could not be read)."""

    @property
    def version(self) -> str: ...

    def evaluate(self, text: str) -> WordlistResult: ...


class ClaimPort(Protocol):
    """What the pipeline needs of the claim matcher (``claims.service.ClaimMatcher``)."""

    @property
    def version(self) -> str: ...

    def load(self) -> None: ...

    def check(self, text: str) -> tuple[RuleHit, ...]: ...


shadow_log = logging.getLogger("moderation.filters.shadow")  # the name operators filter on; kept

#: How often (seconds) the pipeline checks whether its rule file changed on disk.
RULESET_WATCH_SECONDS = 10.0
#: Longer comments are scored as overlapping windows of about this many characters (see ``windows``).
DEFAULT_WINDOW_CHARS = 400


class ModerationPipeline:
    """Process-wide: one scorer behind one micro-batcher, one rule set (and perhaps one in shadow mode).

    The rule sets sit in ``RulesetHolder``s: an edited rule file is picked up within ``watch_seconds`` if it
    loads cleanly, otherwise the error is logged and the last good rule set stays in force.
    """

    def __init__(
        self,
        *,
        scorer: Scorer,
        ruleset: Ruleset,
        timeout_seconds: float,
        max_batch: int = 16,
        token_budget: int = 4096,
        shadow_ruleset: Ruleset | None = None,
        watch_seconds: float = RULESET_WATCH_SECONDS,
        window_chars: int = DEFAULT_WINDOW_CHARS,
        shadow_head: SiteHead | None = None,
        claims: ClaimPort | None = None,
    ) -> None:
        self.scorer = scorer
        self.claims = claims
        self.shadow_head = shadow_head
        self.window_chars = window_chars
        self.rules = RulesetHolder(ruleset, watch_seconds=watch_seconds)
        self.shadow_rules = RulesetHolder(shadow_ruleset, watch_seconds=watch_seconds) if shadow_ruleset else None
        self.timeout_seconds = timeout_seconds
        self.batcher = MicroBatcher(lambda: self.scorer, max_batch=max_batch, token_budget=token_budget)
        if ruleset.shadow:
            log.warning("rule set %s is in shadow mode: its decisions are recorded, not enforced", ruleset.version_id)

    @property
    def ruleset(self) -> Ruleset:
        return self.rules.current

    @ruleset.setter
    def ruleset(self, ruleset: Ruleset) -> None:
        self.rules.replace(ruleset)

    @property
    def shadow_ruleset(self) -> Ruleset | None:
        return self.shadow_rules.current if self.shadow_rules else None

    @shadow_ruleset.setter
    def shadow_ruleset(self, ruleset: Ruleset | None) -> None:
        self.shadow_rules = RulesetHolder(ruleset, watch_seconds=self.rules.watch_seconds) if ruleset else None

    def load_model(self) -> None:
        """Load the model and the claim encoder now, in this process (used at start-up); raises
        ``ModelUnavailable`` or ``EncoderUnavailable`` with the fix."""
        load = getattr(self.scorer, "load", None)
        if load is not None:
            load()
            log.info("toxicity model %s loaded", self.scorer.model_id)
        if self.claims is not None:
            self.claims.load()

    def moderate(
        self,
        text: str,
        *,
        thresholds: Mapping[str, Mapping[str, float]],
        timeout: float | None = None,
        wordlist: WordlistPort | None = None,
    ) -> Verdict:
        """``timeout`` overrides the per-request deadline (the re-score job is not serving a waiting reader);
        ``wordlist`` is the watched-words list in force (its shadow entries are recorded, never enforced)."""
        started, deadline = time.monotonic(), timeout or self.timeout_seconds
        ruleset = self.ruleset
        hits, findings = self._apply_rules(text, ruleset)
        shadow_hits: tuple[RuleHit, ...] | None = None
        if ruleset.shadow:  # a rule file in shadow mode is recorded, not enforced
            shadow_hits, hits = hits, ()
        words, word_findings = self._apply_wordlist(text, wordlist)
        hits += words
        # Like the model, the claim encoder is not run for a comment a rule or watched word already rejects.
        rejected = _rejects(rule_reasons(hits) + findings + word_findings)
        claims, claim_findings = ((), ()) if rejected else self._apply_claims(text)
        hits += claims
        findings = rule_reasons(hits) + findings + word_findings + claim_findings
        scores: dict[str, float] | None = None
        model_findings: tuple[tuple[Action, Reason], ...] = ()
        if not _rejects(findings):
            scores, model_failure = self._score(text, deadline)
            model_findings = (
                toxicity_reasons(scores, thresholds) if scores is not None else ((Action.HOLD, model_failure),)
            )
            findings += model_findings
        action, reasons = decide(findings)
        worst = model_hit(text, model_findings, self.score_all, deadline - (time.monotonic() - started))
        hits += (worst,) if worst is not None else ()
        return Verdict(
            action=action,
            reasons=reasons,
            hits=hits,
            scores=scores,
            model_id=self.scorer.model_id if scores is not None else None,
            ruleset_version=ruleset.version_id,
            thresholds={label: dict(levels) for label, levels in thresholds.items()},
            shadow=self._shadow(text, ruleset, shadow_hits, model_findings, action),
            wordlist_version=wordlist.version if wordlist is not None else None,
            shadow_model=self._shadow_model(text, action, scores),
        )

    def _shadow_model(self, text: str, enforced: Action, scores: dict[str, float] | None) -> dict[str, Any] | None:
        """The shadow candidate's toxicity score (blended with the base model's, as it would be once active) and
        what its own thresholds would ask for; never raises."""
        head = self.shadow_head
        if head is None:
            return None
        base = None if scores is None else scores.get(BASE_LABEL, scores.get(LABEL))
        try:
            [probability] = head.probabilities([text], None if base is None else [base])
        except Exception:
            log.exception("shadow candidate %s failed; nothing recorded", head.head_id)
            return None
        would = Action.PUBLISH
        if probability >= head.thresholds.get("reject", 2.0):
            would = Action.REJECT
        elif probability >= head.thresholds.get("hold", 2.0):
            would = Action.HOLD
        if would is not enforced:
            names = (head.head_id, would.name.lower(), enforced.name.lower())
            shadow_log.info("shadow candidate %s would %s (enforced: %s)", *names)
        return {"candidate": head.head_id, "toxicity": round(probability, 4), "would": would.name.lower()}

    def _apply_rules(self, text: str, ruleset: Ruleset) -> tuple[tuple[RuleHit, ...], Findings]:
        try:
            return evaluate(text, ruleset), ()
        except Exception:
            log.exception("rule evaluation failed; holding the comment")
            return (), ((Action.HOLD, Reason.told(ReasonCode.RULES_UNAVAILABLE, Message.HELD)),)

    @staticmethod
    def _apply_wordlist(text: str, wordlist: WordlistPort | None) -> tuple[tuple[RuleHit, ...], Findings]:
        """Enforced and shadow hits (shadow ones ask for nothing); a failure holds the comment."""
        if wordlist is None:
            return (), ()
        try:
            result = wordlist.evaluate(text)
        except Exception:
            log.exception("watched words failed; holding the comment")
            return (), ((Action.HOLD, Reason.told(ReasonCode.WATCHWORDS_UNAVAILABLE, Message.HELD)),)
        return result.hits + result.shadow, ()

    def _apply_claims(self, text: str) -> tuple[tuple[RuleHit, ...], Findings]:
        """The nearest known claim as a hold or flag hit; a failing encoder holds the comment."""
        if self.claims is None:
            return (), ()
        try:
            return self.claims.check(text), ()
        except Exception:
            log.exception("claim matching failed; holding the comment")
            return (), ((Action.HOLD, Reason.told(ReasonCode.CLAIMS_UNAVAILABLE, Message.HELD)),)

    def _shadow(
        self,
        text: str,
        enforced: Ruleset,
        hits: tuple[RuleHit, ...] | None,
        model_findings: tuple[tuple[Action, Reason], ...],
        action: Action,
    ) -> ShadowVerdict | None:
        """The shadow rule set's decision with the same toxicity findings; never raises, never enforced."""
        candidate = enforced if hits is not None else self.shadow_ruleset
        if candidate is None:
            return None
        try:
            hits = hits if hits is not None else evaluate(text, candidate)
            shadow_action, reasons = decide(rule_reasons(hits) + model_findings)
        except Exception:
            log.exception("shadow rule set %s failed; nothing recorded", candidate.version_id)
            return None
        if shadow_action is not action:
            rule_ids = ", ".join(sorted({hit.rule_id for hit in hits})) or "-"
            shadow_log.info(
                "shadow %s would %s (enforced: %s): %s",
                candidate.version_id,
                shadow_action.name.lower(),
                action.name.lower(),
                rule_ids,
            )
        return ShadowVerdict(shadow_action, hits, candidate.version_id, reasons)

    def score_all(self, texts: list[str], *, timeout: float | None = None) -> list[dict[str, float]]:
        """Scores of several texts through the micro-batcher, all within one deadline (the nudge's sentences).

        Raises what scoring raised, or ``DeadlineExceeded``/``TimeoutError`` when the deadline passes first.
        """
        deadline = timeout or self.timeout_seconds
        ends_at = time.monotonic() + deadline
        futures = [self.batcher.submit(text, timeout=deadline) for text in texts]
        return [future.result(timeout=max(0.0, ends_at - time.monotonic())) for future in futures]

    def _score(self, comment: str, timeout: float) -> tuple[dict[str, float] | None, Reason]:
        """Label scores of the comment, the highest of its windows per label when it is long."""
        started = time.monotonic()
        try:
            windows = self.score_all(text_windows(comment, self.window_chars), timeout=timeout)
            scores = {label: max(window[label] for window in windows) for label in windows[0]}
            metrics.MODEL_SECONDS.observe(time.monotonic() - started)
            return scores, Reason.told(ReasonCode.MODEL_UNAVAILABLE, Message.HELD)
        except (FutureTimeout, DeadlineExceeded):
            metrics.MODEL_FAILURES.labels(kind="timeout").inc()
            log.warning("toxicity scoring missed its %.2fs deadline; holding the comment for re-scoring", timeout)
            return None, Reason.told(ReasonCode.MODEL_TIMEOUT, Message.HELD)
        except ModelUnavailable as exc:
            log.warning("toxicity model unavailable (%s); holding the comment", exc)
        except Exception:
            log.exception("toxicity scoring failed; holding the comment")
        metrics.MODEL_FAILURES.labels(kind="unavailable").inc()
        return None, Reason.told(ReasonCode.MODEL_UNAVAILABLE, Message.HELD)


def _rejects(findings: Findings) -> bool:
    return any(action is Action.REJECT for action, _ in findings)
