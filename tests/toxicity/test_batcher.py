"""The micro-batcher: batches by count and padded tokens, never waits to fill a batch, honours deadlines."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from moderation.toxicity.batcher import INLINE_AFTER, INLINE_SECONDS, DeadlineExceeded, MicroBatcher, plan_batches
from moderation.toxicity.loading import ModelUnavailable


@pytest.mark.parametrize(
    ("lengths", "max_batch", "budget", "expected"),
    [
        ([], 16, 100, []),
        ([5], 16, 100, [[0]]),
        ([9, 3, 5], 16, 1000, [[1, 2, 0]]),  # shortest first
        ([4, 4, 4, 4, 4], 2, 1000, [[0, 1], [2, 3], [4]]),  # count cap
        ([10, 10, 10, 50], 16, 60, [[0, 1, 2], [3]]),  # 4 x 50 padded tokens would exceed 60
        ([200], 16, 60, [[0]]),  # one text longer than the budget still gets scored, alone
        ([1, 2, 3], 1, 1000, [[0], [1], [2]]),  # max_batch 1 = one model call per comment
    ],
)
def test_plan_batches(lengths: list[int], max_batch: int, budget: int, expected: list[list[int]]) -> None:
    assert plan_batches(lengths, max_batch=max_batch, token_budget=budget) == expected


class RecordingScorer:
    """Records each model call; the first call can be held open so later requests pile up behind it."""

    model_id = "fake:recording"

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.batches: list[list[str]] = []
        self.gate = gate
        self.entered = threading.Event()

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        return [[0] * len(text.split()) for text in texts]

    def score_encoded(self, batch: Sequence[Sequence[int]]) -> list[dict[str, float]]:
        self.entered.set()
        if self.gate is not None and not self.batches:
            self.gate.wait(timeout=5)
        self.batches.append([str(len(ids)) for ids in batch])
        return [{"toxicity": len(ids) / 100} for ids in batch]

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return self.score_encoded(self.encode(texts))


def test_requests_queued_while_the_model_is_busy_share_the_next_batch() -> None:
    gate = threading.Event()
    scorer = RecordingScorer(gate)
    batcher = MicroBatcher(lambda: scorer, max_batch=4, token_budget=10_000)
    first = batcher.submit("eins", timeout=5)
    assert scorer.entered.wait(timeout=5)
    waiting = [batcher.submit("wort " * n, timeout=5) for n in (6, 2, 5, 3, 1, 4)]
    gate.set()
    assert first.result(timeout=5) == {"toxicity": 0.01}
    assert [f.result(timeout=5)["toxicity"] for f in waiting] == [0.06, 0.02, 0.05, 0.03, 0.01, 0.04]
    assert scorer.batches == [["1"], ["1", "2", "3", "4"], ["5", "6"]]  # sorted by length, at most 4 per call


def test_a_lone_request_is_scored_at_once_without_waiting_for_company() -> None:
    scorer = RecordingScorer()
    batcher = MicroBatcher(lambda: scorer, max_batch=16)
    started = time.monotonic()
    assert batcher.submit("hallo welt", timeout=5).result(timeout=5) == {"toxicity": 0.02}
    assert time.monotonic() - started < 1.0
    assert scorer.batches == [["2"]]


def test_requests_past_their_deadline_are_not_scored() -> None:
    gate = threading.Event()
    scorer = RecordingScorer(gate)
    batcher = MicroBatcher(lambda: scorer)
    first = batcher.submit("eins", timeout=5)
    assert scorer.entered.wait(timeout=5)
    late = batcher.submit("zwei drei", timeout=0.01)
    time.sleep(0.05)
    gate.set()
    first.result(timeout=5)
    with pytest.raises(DeadlineExceeded):
        late.result(timeout=5)
    assert scorer.batches == [["1"]]


def test_a_failing_model_fails_every_request_of_the_batch_and_the_thread_lives_on() -> None:
    class Flaky(RecordingScorer):
        def score_encoded(self, batch: Sequence[Sequence[int]]) -> list[dict[str, float]]:
            if any(len(ids) == 3 for ids in batch):
                raise ModelUnavailable("boom")
            return super().score_encoded(batch)

    batcher = MicroBatcher(lambda: Flaky(), max_batch=1)
    with pytest.raises(ModelUnavailable, match="boom"):
        batcher.submit("a b c", timeout=5).result(timeout=5)
    assert batcher.submit("a b", timeout=5).result(timeout=5) == {"toxicity": 0.02}


def test_scorers_without_a_tokenizer_are_batched_by_text() -> None:
    calls: list[list[str]] = []

    class Plain:
        model_id = "fake:plain"

        def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
            calls.append(list(texts))
            return [{"toxicity": 0.5} for _ in texts]

    batcher = MicroBatcher(lambda: Plain())
    assert batcher.submit("hallo", timeout=5).result(timeout=5) == {"toxicity": 0.5}
    assert calls == [["hallo"]]


def test_many_threads_get_their_own_results() -> None:
    scorer = RecordingScorer()
    batcher = MicroBatcher(lambda: scorer, max_batch=8)
    texts = ["wort " * (i % 17 + 1) for i in range(200)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda t: batcher.submit(t, timeout=10).result(timeout=10), texts))
    assert [r["toxicity"] for r in results] == [(i % 17 + 1) / 100 for i in range(200)]
    assert max(len(b) for b in scorer.batches) <= 8
    assert sum(len(b) for b in scorer.batches) == 200


def _warm(batcher: MicroBatcher, calls: int = INLINE_AFTER) -> None:
    for _ in range(calls):
        batcher.submit("warm up", timeout=5).result(timeout=5)


def test_a_proven_fast_model_is_called_in_the_request_thread_when_idle() -> None:
    scorer = Named()
    batcher = MicroBatcher(lambda: scorer)
    _warm(batcher)
    assert set(scorer.threads) == {"toxicity-batcher"}  # unmeasured: always the scoring thread
    future = batcher.submit("hallo welt", timeout=5)
    assert future.done() and future.result() == {"toxicity": 0.02}  # answered before submit returned
    assert scorer.threads[-1] == threading.current_thread().name


def test_a_slow_model_stays_on_the_scoring_thread_so_deadlines_hold() -> None:
    class Slow(RecordingScorer):
        def score_encoded(self, batch: Sequence[Sequence[int]]) -> list[dict[str, float]]:
            time.sleep(INLINE_SECONDS * 1.5)
            return super().score_encoded(batch)

    batcher = MicroBatcher(lambda: Slow())
    _warm(batcher)
    future = batcher.submit("hallo", timeout=5)
    assert not future.done()  # queued, not scored inline
    assert future.result(timeout=5) == {"toxicity": 0.01}


def test_a_short_deadline_keeps_even_a_fast_model_off_the_request_thread() -> None:
    scorer = RecordingScorer()
    batcher = MicroBatcher(lambda: scorer)
    _warm(batcher)
    assert batcher.submit("hallo", timeout=5).done()
    with pytest.raises(DeadlineExceeded):  # queued (a tenth of a microsecond is below any model call), then too late
        batcher.submit("hallo", timeout=0.000_001).result(timeout=5)


class Named(RecordingScorer):
    """Records which thread made each model call, and fails while ``broken``."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[str] = []
        self.broken = False

    def score_encoded(self, batch: Sequence[Sequence[int]]) -> list[dict[str, float]]:
        self.threads.append(threading.current_thread().name)
        if self.broken:
            raise ModelUnavailable("gone")
        return super().score_encoded(batch)


def test_an_inline_failure_fails_the_request_and_sends_the_next_ones_to_the_scoring_thread() -> None:
    scorer = Named()
    batcher = MicroBatcher(lambda: scorer)
    _warm(batcher)
    scorer.broken = True
    failed = batcher.submit("eins", timeout=5)
    assert failed.done() and scorer.threads[-1] == threading.current_thread().name
    with pytest.raises(ModelUnavailable, match="gone"):
        failed.result()
    scorer.broken = False
    for _ in range(INLINE_AFTER):  # measured again from scratch
        batcher.submit("zwei", timeout=5).result(timeout=5)
        assert scorer.threads[-1] == "toxicity-batcher"
    batcher.submit("drei", timeout=5).result(timeout=5)
    assert scorer.threads[-1] == threading.current_thread().name


def test_requests_arriving_during_an_inline_call_are_batched_by_the_scoring_thread() -> None:
    gate, inside = threading.Event(), threading.Event()
    calls: list[int] = []

    class Holds(RecordingScorer):
        hold = False

        def score_encoded(self, batch: Sequence[Sequence[int]]) -> list[dict[str, float]]:
            if self.hold and not calls:
                inside.set()
                gate.wait(timeout=5)
            if self.hold:
                calls.append(len(batch))
            return super().score_encoded(batch)

    scorer = Holds()
    batcher = MicroBatcher(lambda: scorer, max_batch=8)
    _warm(batcher)
    scorer.hold = True
    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(lambda: batcher.submit("eins", timeout=5).result(timeout=5))
        assert inside.wait(timeout=5)  # the inline call holds the model
        queued = [batcher.submit("wort " * n, timeout=5) for n in (1, 2, 3)]
        assert not any(f.done() for f in queued)
        gate.set()
        assert first.result(timeout=5) == {"toxicity": 0.01}
    assert [f.result(timeout=5)["toxicity"] for f in queued] == [0.01, 0.02, 0.03]
    assert calls == [1, 3]  # one inline call, then the three queued ones in one batch
