"""A site head: hashed character n-grams and a logistic regression, trained on the newsroom's own decisions.

Moderators' approvals and rejections are labels in the site's own domain, which no shipped model has seen. A
linear model over character 2-5-grams (of the normalised text, so disguises fold like everywhere else) learns from
a few thousand of them in seconds on one core, scores a comment in about a millisecond, and weighs ~1 MB. It is
trained by ``flask models train --from-decisions`` (``learning.py``) and, once activated, replaces the base model's
``toxicity`` score: "would a moderator of this site reject it". A head trained since the bundled model became a
pre-trained encoder carries a ``Blend``: its logit and the base model's, combined by a three-parameter logistic
regression fitted on decisions neither of them trained on, so the site's lessons add to the base instead of
replacing a strong model with a weaker n-gram one. The base model's own score stays beside it as
``toxicity_base``, and the model id names both, so every stored score says which scorer produced it.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderation.filters.normalize import normalize
from moderation.settings import DEFAULT_THRESHOLDS
from moderation.thresholds import Thresholds

BUCKETS = 1 << 18
NGRAMS = (2, 3, 4, 5)
MAX_CHARS = 2000
LABEL = "toxicity"
BASE_LABEL = "toxicity_base"


def features(text: str) -> tuple[list[int], list[float]]:
    """Hashed n-gram buckets and L2-normalised log counts (pure; stable across processes and machines)."""
    folded = " " + " ".join(normalize(text[:MAX_CHARS]).leet.split()) + " "
    counts: dict[int, int] = {}
    for n in NGRAMS:
        for start in range(len(folded) - n + 1):
            bucket = zlib.crc32(folded[start : start + n].encode()) % BUCKETS
            counts[bucket] = counts.get(bucket, 0) + 1
    if not counts:
        return [0], [0.0]
    values = [1.0 + math.log(count) for count in counts.values()]
    norm = math.sqrt(sum(v * v for v in values))
    return list(counts), [v / norm for v in values]


def logit(probability: float) -> float:
    clipped = min(max(probability, 1e-6), 1 - 1e-6)
    return math.log(clipped / (1 - clipped))


@dataclass(frozen=True)
class Blend:
    """A logistic regression over the base model's and the head's logits, fitted on decisions neither trained on."""

    base: float
    head: float
    bias: float

    def probability(self, base: float, head: float) -> float:
        z = self.base * logit(base) + self.head * logit(head) + self.bias
        return 1 / (1 + math.exp(-max(min(z, 50.0), -50.0)))


def fit_blend(samples: Sequence[tuple[float, float, bool]], *, l2: float = 1e-2, steps: int = 500) -> Blend:
    """Fit ``Blend`` to ``(base score, head score, rejected)`` by Newton's method (three parameters, convex)."""
    import numpy as np

    x = np.array([[logit(b), logit(h), 1.0] for b, h, _ in samples])
    y = np.array([float(rejected) for _, _, rejected in samples])
    w = np.array([1.0, 0.0, 0.0])  # start from "the base model alone"
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -50, 50)))
        gradient = x.T @ (p - y) + l2 * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(3)
        change = np.linalg.solve(hessian, gradient)
        w -= change
        if float(np.abs(change).max()) < 1e-9:
            break
    return Blend(*(round(float(v), 6) for v in w))


@dataclass
class TrainingSet:
    texts: list[str]
    labels: list[float]
    weights: list[float]


def train(data: TrainingSet, *, epochs: int = 8, seed: int = 2026, l2: float = 1e-6) -> Any:
    """A fitted ``torch.nn.EmbeddingBag`` of one output (plus its bias); deterministic for a seed on one machine."""
    import torch

    torch.manual_seed(seed)
    model = torch.nn.EmbeddingBag(BUCKETS + 1, 1, mode="sum")  # the last row is the bias
    torch.nn.init.zeros_(model.weight)
    encoded = [features(text) for text in data.texts]
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for batch in torch.randperm(len(encoded), generator=generator).split(64):  # type: ignore[no-untyped-call]
            rows = [encoded[i] for i in batch.tolist()]
            logits = _logits(model, rows)
            target = torch.tensor([data.labels[i] for i in batch.tolist()])
            weight = torch.tensor([data.weights[i] for i in batch.tolist()])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, target, weight=weight)
            loss = loss + l2 * model.weight.pow(2).sum()
            optimizer.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimizer.step()
    return model


def _logits(model: Any, rows: Sequence[tuple[list[int], list[float]]]) -> Any:
    import torch

    flat = [bucket for buckets, _ in rows for bucket in [*buckets, BUCKETS]]
    values = [value for _, weights in rows for value in [*weights, 1.0]]
    offsets = torch.tensor([0] + [len(buckets) + 1 for buckets, _ in rows[:-1]]).cumsum(0)
    return model(torch.tensor(flat), offsets, per_sample_weights=torch.tensor(values)).squeeze(1)


class SiteHead:
    """A trained head loaded from ``head.pt`` (weights only), scoring texts to the probability of a rejection."""

    def __init__(
        self, model: Any, *, head_id: str, thresholds: dict[str, float] | None = None, blend: Blend | None = None
    ) -> None:
        self.model = model
        self.head_id = head_id
        #: The head's own hold/reject for ``toxicity`` (from its card; fitted on its training decisions).
        self.thresholds = thresholds or {}
        #: How the head's and the base model's logits combine (from its card); None: the head alone decides.
        self.blend = blend

    @classmethod
    def load(cls, directory: Path) -> SiteHead:
        """A stored candidate (``head.pt`` and ``model-card.json``); ``ValueError`` if either is unreadable."""
        import torch

        try:
            card = json.loads((directory / "model-card.json").read_text(encoding="utf-8"))
            model = torch.nn.EmbeddingBag(BUCKETS + 1, 1, mode="sum")
            model.load_state_dict(torch.load(directory / "head.pt", weights_only=True))
        except (OSError, ValueError, RuntimeError) as exc:
            raise ValueError(f"cannot load site head {directory}: {exc}") from exc
        model.eval()
        thresholds = card.get("default_thresholds", {}).get(LABEL, {})
        blend = Blend(**card["blend"]) if card.get("blend") else None
        return cls(model, head_id=str(card["candidate"]), thresholds=thresholds, blend=blend)

    def save(self, path: Path) -> None:
        import torch

        torch.save(self.model.state_dict(), path)

    def probabilities(self, texts: Sequence[str], base: Sequence[float] | None = None) -> list[float]:
        """Rejection probabilities: the head's own, or blended with the base model's ``base`` scores when the head
        has a blend (a head stacked on a strong base must not replace it with a weaker n-gram guess)."""
        import torch

        if not texts:
            return []
        with torch.inference_mode():
            own: list[float] = torch.sigmoid(_logits(self.model, [features(t) for t in texts])).tolist()
        if self.blend is None or base is None:
            return own
        return [self.blend.probability(b, h) for b, h in zip(base, own, strict=True)]


class SiteAdaptedScorer:
    """The base scorer with its ``toxicity`` replaced by the site head's (the base's kept as ``toxicity_base``)."""

    def __init__(self, base: Any, head: SiteHead) -> None:
        self.base = base
        self.head = head

    @property
    def model_id(self) -> str:
        return f"{self.base.model_id}+site:{self.head.head_id}"

    @property
    def default_thresholds(self) -> Thresholds:
        """The base model's defaults with ``toxicity`` judged by the head's own thresholds (none: it only informs)."""
        base: Thresholds = getattr(self.base, "default_thresholds", None) or dict(DEFAULT_THRESHOLDS)
        merged = {label: dict(levels) for label, levels in base.items() if label != LABEL}
        if self.head.thresholds:
            merged[LABEL] = dict(self.head.thresholds)
        return merged

    def load(self) -> None:
        load = getattr(self.base, "load", None)
        if load is not None:
            load()

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        scores = self.base.score(texts)
        base = [row.get(LABEL, 0.0) for row in scores]
        for row, own, probability in zip(scores, base, self.head.probabilities(texts, base), strict=True):
            row[BASE_LABEL] = own
            row[LABEL] = probability
        return list(scores)
