"""The traced model scores exactly like the eager one, and any doubt about the trace keeps the eager model."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

import moderation.toxicity.tracing as tracing
from moderation.toxicity.scorer import DetoxifyScorer, build_scorer
from moderation.toxicity.tracing import TracedClassifier
from tests.toxicity.test_bundled_model import CIVIL, INSULTS

TEXTS = [*CIVIL, *INSULTS, "Ok.", " ".join(CIVIL * 6)]  # 3 to 256 tokens: every batch below pads


def bundled(*, trace: bool, quantize: str = "none") -> DetoxifyScorer:
    scorer = build_scorer(model="bundled", model_dir=Path("unused"), trace=trace, quantize=quantize)
    assert isinstance(scorer, DetoxifyScorer)
    return scorer


def model_of(scorer: DetoxifyScorer) -> Any:
    scorer.load()
    return scorer._loaded.model  # type: ignore[union-attr]


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("quantize", ["none", "int8"])
def test_traced_scores_equal_eager_scores_for_batches_of_any_size_and_length(quantize: str) -> None:
    eager, traced = bundled(trace=False, quantize=quantize), bundled(trace=True, quantize=quantize)
    assert isinstance(model_of(traced), TracedClassifier)
    for batch in (TEXTS, TEXTS[:1], TEXTS[-2:], TEXTS[3:9]):
        for want, got in zip(eager.score(batch), traced.score(batch), strict=True):
            assert got == pytest.approx(want, abs=1e-6)


@pytest.mark.usefixtures("offline")
def test_a_trace_that_changes_scores_is_not_used(monkeypatch: pytest.MonkeyPatch, caplog: Any) -> None:
    monkeypatch.setattr(tracing, "TOLERANCE", -1.0)  # any difference, even none, is too much
    with caplog.at_level(logging.WARNING, logger=tracing.__name__):
        model = model_of(bundled(trace=True))
    assert not isinstance(model, TracedClassifier)
    assert "kept eager: traced scores differ" in caplog.text


@pytest.mark.usefixtures("offline")
def test_a_model_that_cannot_be_traced_stays_eager(monkeypatch: pytest.MonkeyPatch, caplog: Any) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("unsupported operator")

    monkeypatch.setattr("torch.jit.trace", refuse)
    with caplog.at_level(logging.WARNING, logger=tracing.__name__):
        scorer = bundled(trace=True)
        scores = scorer.score(INSULTS[:1])
    assert not isinstance(model_of(scorer), TracedClassifier)
    assert scores[0]["toxicity"] > 0.5
    assert "tracing failed (RuntimeError: unsupported operator)" in caplog.text
