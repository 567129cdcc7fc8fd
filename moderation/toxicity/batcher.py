"""A micro-batcher: one model per process, fed whatever is queued the moment it is free.

Request threads put a text on a queue and wait for its future with a deadline. One scoring thread takes everything
queued (never waiting to fill a batch, which would only add latency), drops requests whose deadline has passed (the
pipeline already held those for a background re-score, so scoring them would only delay live readers), sorts the rest
by token length and cuts them into batches of at most ``max_batch`` texts and ``token_budget`` padded tokens.

Measured on 2 cores (README, ``make bench``): batches beyond 8-16 gain nothing, and a batch's cost follows its padded
size, so mixing a 5-token and a 250-token comment would make the short one pay for the long one.

When the model is idle and has proven fast, a request is scored in its own thread instead: handing it to the
scoring thread and waking the request thread again cost 0.2-0.4 ms of CPU per comment, about as much as the bundled
model's call itself. One lock keeps it to one model call at a time either way, so a request arriving during an
inline call queues for the scoring thread and is batched as before. "Proven fast" means the last calls averaged
under ``INLINE_SECONDS`` and under a tenth of the request's deadline; a slow or still unmeasured model (the first
calls, a model on an overloaded machine, one that just failed) is always called by the scoring thread, so
deadlines hold.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from moderation import metrics
from moderation.toxicity.scorer import EncodingScorer, Scorer

Scores = dict[str, float]

log = logging.getLogger(__name__)


#: Model calls averaging above this (seconds per text) are never made in the request thread.
INLINE_SECONDS = 0.02
#: Calls measured before the first inline one (the first is often the slowest: lazy loading, warm-up).
INLINE_AFTER = 8


class DeadlineExceeded(Exception):
    """The request's deadline passed before the model got to it."""


@dataclass
class _Request:
    text: str
    deadline: float
    future: Future[dict[str, float]] = field(default_factory=Future)


def plan_batches(lengths: Sequence[int], *, max_batch: int, token_budget: int) -> list[list[int]]:
    """Indices grouped shortest first; a batch grows while it has room in count and padded tokens (pure)."""
    batches: list[list[int]] = []
    current: list[int] = []
    for index in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        padded = (len(current) + 1) * lengths[index]  # sorted, so the newest member is the longest
        if current and (len(current) >= max_batch or padded > token_budget):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


class MicroBatcher:
    """Scores texts for many threads through one model; the scoring thread starts on first use, after any fork."""

    def __init__(self, get_scorer: Callable[[], Scorer], *, max_batch: int = 16, token_budget: int = 4096) -> None:
        self._get_scorer = get_scorer
        self.max_batch, self.token_budget = max(1, max_batch), token_budget
        self._queue: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._start_lock = threading.Lock()
        self._model_lock = threading.Lock()  # one model call at a time, inline or batched
        self._timing = _CallTiming()

    def submit(self, text: str, *, timeout: float) -> Future[dict[str, float]]:
        """Queue one text, or score it at once when the model is idle and fast; the future fails with
        ``DeadlineExceeded`` if the model cannot start it in time."""
        request = _Request(text, time.monotonic() + timeout)
        if self._timing.fast_enough(timeout) and self._model_lock.acquire(blocking=False):
            try:
                self._score_inline(request)
            finally:
                self._model_lock.release()
            return request.future
        self._ensure_thread()
        self._queue.put(request)
        return request.future

    def _score_inline(self, request: _Request) -> None:
        """Score one request in the calling thread (the caller holds the model lock)."""
        scorer = self._get_scorer()
        try:
            inputs, _ = _prepare(scorer, [request.text])
        except Exception as exc:
            _fail([request], exc)
            return
        _deliver([request], scorer, inputs, self._timing)

    def _ensure_thread(self) -> None:
        with self._start_lock:
            if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
                return
            self._queue = queue.SimpleQueue()  # a forked child must not share its parent's waiting requests
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="toxicity-batcher", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            requests = [self._queue.get()]
            while True:
                try:
                    requests.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                self._score_all([r for r in requests if r.future.set_running_or_notify_cancel()])
            except BaseException as exc:  # never let the thread die with futures unresolved
                log.exception("toxicity batcher failed")
                _fail([r for r in requests if not r.future.done()], exc)

    def _score_all(self, requests: list[_Request]) -> None:
        live = _drop_expired(requests)
        if not live:
            return
        scorer = self._get_scorer()
        try:
            inputs, lengths = _prepare(scorer, [r.text for r in live])
        except Exception as exc:
            _fail(live, exc)
            return
        for indices in plan_batches(lengths, max_batch=self.max_batch, token_budget=self.token_budget):
            alive = {id(r) for r in _drop_expired([live[i] for i in indices])}
            chosen = [i for i in indices if id(live[i]) in alive]
            if chosen:
                with self._model_lock:
                    _deliver([live[i] for i in chosen], scorer, [inputs[i] for i in chosen], self._timing)


def _prepare(scorer: Scorer, texts: list[str]) -> tuple[list[Any], list[int]]:
    """Token ids and exact lengths when the scorer can tokenise; otherwise texts and a length estimate."""
    if isinstance(scorer, EncodingScorer):
        encoded = scorer.encode(texts)
        return encoded, [len(ids) for ids in encoded]
    return list(texts), [len(text) // 4 + 2 for text in texts]


def _drop_expired(requests: list[_Request]) -> list[_Request]:
    now = time.monotonic()
    expired = [r for r in requests if r.deadline <= now]
    _fail(expired, DeadlineExceeded("the toxicity model could not start on this comment before its deadline"))
    return [r for r in requests if r.deadline > now]


def _deliver(batch: list[_Request], scorer: Scorer, inputs: list[Any], timing: _CallTiming) -> None:
    """One model call for ``batch``; ``inputs`` as ``_prepare`` made them."""
    metrics.MODEL_BATCH_SIZE.observe(len(batch))
    started = time.monotonic()
    try:
        results = scorer.score_encoded(inputs) if isinstance(scorer, EncodingScorer) else scorer.score(inputs)
    except Exception as exc:
        timing.reset()  # a failing model is not called inline until it has proven fast again
        _fail(batch, exc)
        return
    timing.record((time.monotonic() - started) / len(batch))
    for request, result in zip(batch, results, strict=True):
        request.future.set_result(result)


class _CallTiming:
    """A moving average of model seconds per text, and how many calls it has seen since the last failure (``reset``)."""

    def __init__(self) -> None:
        self.average, self.calls = 0.0, 0

    def record(self, seconds: float) -> None:
        self.calls += 1
        self.average = seconds if self.calls == 1 else 0.8 * self.average + 0.2 * seconds

    def reset(self) -> None:
        self.average, self.calls = 0.0, 0

    def fast_enough(self, timeout: float) -> bool:
        return self.calls >= INLINE_AFTER and self.average < min(INLINE_SECONDS, timeout / 10)


def _fail(requests: list[_Request], exc: BaseException) -> None:
    for request in requests:
        request.future.set_exception(exc)
