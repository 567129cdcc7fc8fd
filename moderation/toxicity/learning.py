"""Learning from the newsroom's own moderators: train a candidate site head, compare it with the active model on
decisions it never saw, store it with its card; activate and roll back by hand, never by itself.

Every comment a moderator approved (0) or rejected (1) is a label. By comment id (so the split is stable between
runs), one in ``HOLDOUT_EVERY`` is held out for the comparison, another one in ``HOLDOUT_EVERY`` fits how the head's
logit blends with the base model's (``sitehead.Blend``) and then calibrates the candidate's own hold and reject
thresholds (precision >= 0.8 / 0.99, as the shipped card), and the rest train the
head together with the bundled training data (GermEval 2018 train, when ``--data`` has it), the site's rows
weighted up. Thresholds are never fitted on rows the head trained on (it would fit them too well) nor on the
held-out slice the report is computed on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.comments.models import Comment, CommentStatus
from moderation.toxicity.calibrate import Confusion, confusion, fit_reject
from moderation.toxicity.sitehead import LABEL, Blend, SiteHead, TrainingSet, fit_blend, train

HOLDOUT_EVERY = 5
#: A threshold no probability reaches.
NEVER = 2.0
SITE_WEIGHT = 3.0
#: Texts per model call when the base model scores decisions: one padded batch of thousands would need gigabytes.
SCORE_CHUNK = 32
HOLD_PRECISION, REJECT_PRECISION = 0.8, 0.99
GERMEVAL_TRAIN = Path("toxicity/germeval2018/germeval2018.training.txt")
CARD = "model-card.json"
HEAD = "head.pt"


@dataclass(frozen=True)
class Decision:
    comment_id: int
    body: str
    rejected: bool
    base_score: float | None


@dataclass(frozen=True)
class Side:
    """One model on the held-out decisions: AUC and the outcome at its hold threshold."""

    model_id: str
    auc: float | None
    hold: float | None
    at_hold: Confusion

    @property
    def queue(self) -> int:
        """Held-out comments it would send to the queue (approved ones too: moderators' work)."""
        return self.at_hold.tp + self.at_hold.fp

    @property
    def missed(self) -> int:
        """Held-out comments moderators rejected that it would have published."""
        return self.at_hold.fn


@dataclass(frozen=True)
class CandidateReport:
    candidate_id: str
    path: Path
    trained_on: dict[str, int]
    held_out: int
    base: Side
    candidate: Side
    thresholds: dict[str, float]
    blend: Blend | None = None


def decisions(session: Session) -> list[Decision]:
    """Comments a moderator approved or rejected, oldest first, with the score the model judged them by."""
    query = (
        select(Comment.id, Comment.body, Comment.status, Comment.toxicity_scores)
        .where(Comment.moderated_by.is_not(None))
        .where(Comment.status.in_((CommentStatus.PUBLISHED, CommentStatus.REJECTED)))
        .order_by(Comment.id)
    )
    return [
        Decision(row.id, row.body, row.status is CommentStatus.REJECTED, (row.toxicity_scores or {}).get(LABEL))
        for row in session.execute(query)
    ]


def germeval_rows(data_dir: Path | None) -> list[tuple[str, bool]]:
    """GermEval 2018 train as ``(text, offensive)``; empty when the data is not there (the head learns the site
    alone)."""
    path = data_dir / GERMEVAL_TRAIN if data_dir else None
    if path is None or not path.is_file():
        return []
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.count("\t") == 2]
    return [(text, coarse == "OFFENSE") for text, coarse, _ in rows]


def train_candidate(
    *,
    session: Session,
    base: Any,
    base_hold: float | None,
    data_dir: Path | None,
    candidates_dir: Path,
    min_decisions: int = 50,
) -> CandidateReport:
    """Train, evaluate against ``base`` (held at ``base_hold``, the toxicity hold the service runs with) on the
    held-out decisions, and store the candidate; activates nothing."""
    site = decisions(session)
    if len(site) < min_decisions:
        raise ValueError(f"{len(site)} moderator decisions; at least {min_decisions} are needed to learn from")
    held = [d for d in site if d.comment_id % HOLDOUT_EVERY == 0]
    calibration = [d for d in site if d.comment_id % HOLDOUT_EVERY == 1]
    learn = [d for d in site if d.comment_id % HOLDOUT_EVERY > 1]
    bundled = germeval_rows(data_dir)
    head = SiteHead(train(_training_set(bundled, learn)), head_id="pending")
    fitted = _calibrate(head, base, calibration)
    held_base = _base_scores(base, held)
    base_side = _side(base.model_id, held_base, held, base_hold)
    candidate_id = _candidate_id(site, bundled)
    head.head_id = candidate_id
    candidate_scores = head.probabilities([d.body for d in held], held_base)
    candidate_side = _side(f"site:{candidate_id}", candidate_scores, held, fitted.get("hold"))
    path = candidates_dir / candidate_id
    path.mkdir(parents=True, exist_ok=True)
    head.save(path / HEAD)
    report = CandidateReport(
        candidate_id,
        path,
        {"site_decisions": len(learn), "calibration_decisions": len(calibration), "germeval_train": len(bundled)},
        len(held),
        base_side,
        candidate_side,
        fitted,
        head.blend,
    )
    (path / CARD).write_text(json.dumps(_card(report), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


def _calibrate(head: SiteHead, base: Any, calibration: Sequence[Decision]) -> dict[str, float]:
    """Fit the head's blend with the base model, then its thresholds, on decisions the head never trained on."""
    base_scores = _base_scores(base, calibration)
    texts = [d.body for d in calibration]
    own = head.probabilities(texts)
    head.blend = fit_blend([(b, h, d.rejected) for b, h, d in zip(base_scores, own, calibration, strict=True)])
    blended = head.probabilities(texts, base_scores)
    return _thresholds([(probability, d.rejected) for probability, d in zip(blended, calibration, strict=True)])


def _training_set(bundled: Sequence[tuple[str, bool]], site: Sequence[Decision]) -> TrainingSet:
    texts = [text for text, _ in bundled] + [d.body for d in site]
    labels = [float(offensive) for _, offensive in bundled] + [float(d.rejected) for d in site]
    weights = [1.0] * len(bundled) + [SITE_WEIGHT if bundled else 1.0] * len(site)
    return TrainingSet(texts, labels, weights)


def _thresholds(samples: Sequence[tuple[float, bool]]) -> dict[str, float]:
    levels = {
        "hold": fit_reject(samples, target_precision=HOLD_PRECISION),
        "reject": fit_reject(samples, target_precision=REJECT_PRECISION),
    }
    return {level: round(value, 4) for level, value in levels.items() if value is not None}


def _base_scores(base: Any, held: Sequence[Decision]) -> list[float]:
    """The base model's score of each held-out comment (as stored when it judged it, else scored now)."""
    missing = [d.body for d in held if d.base_score is None]
    chunks = (base.score(missing[start : start + SCORE_CHUNK]) for start in range(0, len(missing), SCORE_CHUNK))
    fresh = iter([row.get(LABEL, 0.0) for chunk in chunks for row in chunk])
    return [d.base_score if d.base_score is not None else next(fresh) for d in held]


def _side(model_id: str, scores: Sequence[float], held: Sequence[Decision], hold: float | None) -> Side:
    samples = [(score, d.rejected) for score, d in zip(scores, held, strict=True)]
    # Without a hold threshold the model alone holds nothing: every comment moderators rejected is a miss.
    return Side(model_id, _auc(samples), hold, confusion(samples, hold if hold is not None else NEVER))


def _auc(samples: Sequence[tuple[float, bool]]) -> float | None:
    """ROC-AUC by ranks (ties count half)."""
    positives = [s for s, rejected in samples if rejected]
    negatives = [s for s, rejected in samples if not rejected]
    if not positives or not negatives:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return round(wins / (len(positives) * len(negatives)), 4)


def _candidate_id(site: Sequence[Decision], bundled: Sequence[tuple[str, bool]]) -> str:
    digest = hashlib.sha256(repr(([(d.comment_id, d.rejected) for d in site], len(bundled))).encode()).hexdigest()
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{digest[:8]}"


def _card(report: CandidateReport) -> dict[str, Any]:
    return {
        "candidate": report.candidate_id,
        "kind": "site head: hashed character 2-5-grams, logistic regression, blended with the base model's logit "
        "(moderation/toxicity/sitehead.py)",
        "trained_at": datetime.now(UTC).isoformat(),
        "trained_on": report.trained_on,
        "held_out_decisions": report.held_out,
        "default_thresholds": {LABEL: report.thresholds} if report.thresholds else {},
        "blend": asdict(report.blend) if report.blend else None,
        "default_thresholds_selection": (
            f"lowest score with precision >= {HOLD_PRECISION} (hold) / >= {REJECT_PRECISION} (reject) on the "
            "calibration decisions (1 in 5 by comment id, not trained on)"
        ),
        "comparison": {"base": _side_json(report.base), "candidate": _side_json(report.candidate)},
    }


def _side_json(side: Side) -> dict[str, Any]:
    return {"model_id": side.model_id, "auc": side.auc, "hold": side.hold, "at_hold": asdict(side.at_hold)}
