"""Runs every submission through normalisation, rules, toxicity scoring and the policy.

A failing stage never publishes: rule or model errors and model time-outs become a *hold* with a reason code,
so the comment is stored for a human instead of being dropped or waved through.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from moderation.filters.normalize import normalize
from moderation.filters.policy import HOLD_MESSAGE, decide, rule_reasons, toxicity_reasons
from moderation.filters.rules import Ruleset, check_links, check_narratives
from moderation.filters.toxicity import ModelUnavailable, Scorer
from moderation.filters.verdicts import Action, Reason, RuleHit, Verdict

log = logging.getLogger(__name__)


class ModerationPipeline:
    """Process-wide: one scorer, one rule set, one inference thread (the model is not re-entrant-safe to share)."""

    def __init__(self, *, scorer: Scorer, ruleset: Ruleset, timeout_seconds: float) -> None:
        self.scorer = scorer
        self.ruleset = ruleset
        self.timeout_seconds = timeout_seconds
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="toxicity")

    def warm_up(self) -> None:
        """Load the model on the inference thread now, so the first reader does not wait (or time out) for it."""
        load = getattr(self.scorer, "load", None)
        if load is not None:
            self._executor.submit(self._load_logged, load)

    @staticmethod
    def _load_logged(load: Callable[[], None]) -> None:
        try:
            load()
            log.info("toxicity model loaded")
        except Exception:
            log.exception("toxicity model failed to load; comments will be held for review")

    def moderate(self, text: str, *, thresholds: Mapping[str, Mapping[str, float]]) -> Verdict:
        hits, rule_failure = self._apply_rules(text)
        findings = rule_reasons(hits)
        if rule_failure:
            findings += ((Action.HOLD, rule_failure),)
        scores: dict[str, float] | None = None
        if not any(action is Action.REJECT for action, _ in findings):
            scores, model_failure = self._score(text)
            findings += toxicity_reasons(scores, thresholds) if scores is not None else ((Action.HOLD, model_failure),)
        action, reasons = decide(findings)
        return Verdict(
            action=action,
            reasons=reasons,
            hits=hits,
            scores=scores,
            model_id=self.scorer.model_id if scores is not None else None,
            ruleset_version=self.ruleset.version_id,
            thresholds={label: dict(levels) for label, levels in thresholds.items()},
        )

    def _apply_rules(self, text: str) -> tuple[tuple[RuleHit, ...], Reason | None]:
        try:
            return check_links(text, self.ruleset) + check_narratives(normalize(text), self.ruleset), None
        except Exception:
            log.exception("rule evaluation failed; holding the comment")
            return (), Reason("rules_unavailable", HOLD_MESSAGE)

    def _score(self, text: str) -> tuple[dict[str, float] | None, Reason]:
        unavailable = Reason("model_unavailable", HOLD_MESSAGE)
        future = self._executor.submit(self.scorer.score, [text])
        try:
            return future.result(timeout=self.timeout_seconds)[0], unavailable
        except FutureTimeout:
            log.warning("toxicity scoring exceeded %.2fs; holding the comment", self.timeout_seconds)
        except ModelUnavailable as exc:
            log.warning("toxicity model unavailable (%s); holding the comment", exc)
        except Exception:
            log.exception("toxicity scoring failed; holding the comment")
        return None, unavailable
