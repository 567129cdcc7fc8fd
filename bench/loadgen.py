"""The load generator, run as its own process so its CPU use is visible and separate from the server's.

``closed``: C clients, each a keep-alive ``http.client`` connection posting the next comment as soon as the last
one is answered, for a warm-up then a measured window. ``open``: requests leave on a fixed schedule (rate R)
whatever the answers, and latency counts from the *scheduled* send time, so a server that falls behind shows its
queueing (no coordinated omission). Prints one JSON object: latencies summarised, answers by status, how many
were held with ``model_timeout``, and this process's own CPU seconds (``getrusage``), for the reader to judge.
"""

from __future__ import annotations

import argparse
import http.client
import json
import queue
import random
import resource
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

HEADERS = {"Content-Type": "application/json"}
#: Comments spread over a few articles, created one by one before the clock starts (see ``prime``).
ARTICLES = tuple(f"bench-{i}" for i in range(4))
RETRYABLE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, http.client.CannotSendRequest)


@dataclass
class Results:
    """Answers that finished inside the measured window, shared by all client threads."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    model_timeouts: int = 0
    errors: int = 0
    dispatch_lag: float = 0.0
    expected: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, latency: float, status: int, body: bytes) -> None:
        timed_out = b'"model_timeout"' in body  # cheaper than parsing JSON, which would load this process
        with self.lock:
            self.latencies.append(latency)
            self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
            self.model_timeouts += timed_out

    def error(self) -> None:
        with self.lock:
            self.errors += 1


#: The systems the load generator can post to: ``kommentare``, or ``isso`` (the baseline, ``bench/isso.py``).
TARGETS = ("kommentare", "isso")
TARGET = "kommentare"


def target_path(article: str) -> str:
    """Where a comment to ``article`` is posted on the target."""
    return f"/new?uri=%2F{article}" if TARGET == "isso" else f"/api/v1/articles/{article}/comments"


class Client:
    """One keep-alive connection; a connection the server closed while idle is reopened and the post resent."""

    def __init__(self, port: int, article: str) -> None:
        self.port, self.path = port, target_path(article)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        # Isso answers a POST only from its configured host (its CSRF check); Kommentare ignores both.
        self.headers = {**HEADERS, "Origin": f"http://127.0.0.1:{port}", "Referer": f"http://127.0.0.1:{port}/"}

    def post(self, payload: bytes) -> tuple[int, bytes]:
        for attempt in (1, 2):
            try:
                self.connection.request("POST", self.path, payload, self.headers)
                response = self.connection.getresponse()
                return response.status, response.read()
            except RETRYABLE:
                self.connection.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def prime(port: int) -> None:
    """Post once to each article, one at a time, so auto-creation never races.

    Concurrent first posts to an unknown article make the service answer 500 (both insert the article row; the
    loser hits the primary key) -- a service bug reported separately, kept out of the throughput numbers here.
    """
    for article in ARTICLES:
        Client(port, article).post(payloads(1, 0)[0])


def payloads(count: int, seed: int, new_share: float = corpus.NEW_SHARE) -> list[bytes]:
    """Distinct request bodies, encoded before the clock starts so the measurement pays no JSON cost for them."""
    rng = random.Random(seed)
    bodies = [(corpus.author(rng, new_share), corpus.comment(rng, seed * 1_000_000 + i)) for i in range(count)]
    if TARGET == "isso":  # the same authors and texts in Isso's shape (a title spares it fetching the page)
        return [json.dumps({"author": a, "text": t, "title": "Bench"}).encode() for a, t in bodies]
    return [json.dumps({"author_name": a, "body": t}).encode() for a, t in bodies]


def closed_loop(port: int, clients: int, warmup: float, duration: float, seed: int, new_share: float) -> Results:
    """C clients back to back; an answer counts if it arrived inside the measured window (whenever it was sent).

    Each client has bodies for 60 posts a second, far above what 2 cores can moderate per client.
    """
    results = Results()
    bodies = [payloads(int((warmup + duration) * 60), seed * 100 + index, new_share) for index in range(clients)]
    start = time.monotonic()
    window = (start + warmup, start + warmup + duration)

    def client_loop(index: int) -> None:
        client = Client(port, ARTICLES[index % len(ARTICLES)])
        for payload in bodies[index]:
            sent = time.monotonic()
            if sent >= window[1]:
                return
            try:
                status, body = client.post(payload)
            except (OSError, http.client.HTTPException):
                results.error()
                continue
            done = time.monotonic()
            if window[0] <= done <= window[1]:
                results.record(done - sent, status, body)

    _run_threads([threading.Thread(target=client_loop, args=(i,)) for i in range(clients)])
    return results


def open_loop(
    port: int, rate: float, duration: float, senders: int, seed: int, grace: float, new_share: float
) -> Results:
    """``rate`` requests per second for ``duration`` seconds from ``senders`` connections, timed from the schedule.

    Answers still missing ``grace`` seconds after the last send count as unfinished (latency: infinite), so an
    overloaded server cannot stretch the run by minutes.
    """
    results, work = Results(), queue.SimpleQueue[tuple[float, bytes] | None]()
    bodies = payloads(int(rate * duration), seed, new_share)
    results.expected = len(bodies)

    def sender(index: int) -> None:
        client = Client(port, ARTICLES[index % len(ARTICLES)])
        while (item := work.get()) is not None:
            try:
                status, body = client.post(item[1])
            except (OSError, http.client.HTTPException):
                results.error()
                continue
            results.record(time.monotonic() - item[0], status, body)

    threads = [threading.Thread(target=sender, args=(i,), daemon=True) for i in range(senders)]
    _run_threads(threads, join=False)
    start = time.monotonic() + 0.1
    for i, payload in enumerate(bodies):
        scheduled = start + i / rate
        time.sleep(max(0.0, scheduled - time.monotonic()))
        results.dispatch_lag = max(results.dispatch_lag, time.monotonic() - scheduled)  # is this process keeping up?
        work.put((scheduled, payload))
    for _ in threads:
        work.put(None)
    give_up = time.monotonic() + grace
    for thread in threads:
        thread.join(max(0.0, give_up - time.monotonic()))  # daemon threads still waiting die with the process
    return results


def _run_threads(threads: list[threading.Thread], *, join: bool = True) -> None:
    for thread in threads:
        thread.start()
    for thread in threads if join else ():
        thread.join()


def summary(results: Results, seconds: float, wall: float) -> dict[str, object]:
    """Throughput over the measured window, latency percentiles in ms, and this process's CPU use.

    ``scored_per_second`` counts moderated answers (201/202/422) whose score arrived in time: a ``model_timeout``
    hold is fast precisely because the model never scored it, so it must not count as throughput.
    """
    with results.lock:  # open loop: abandoned senders may still be running
        ordered = sorted(results.latencies)
        unfinished = max(0, results.expected - len(ordered) - results.errors)
        ordered += [float("inf")] * unfinished
    usage = resource.getrusage(resource.RUSAGE_SELF)

    def percentile(p: float) -> float | None:
        return _ms(ordered[min(len(ordered) - 1, int(p * len(ordered)))]) if ordered else None

    moderated = sum(n for code, n in results.statuses.items() if code in ("201", "202", "422"))
    answered = len(ordered) - unfinished
    return {
        "answered": answered,
        "unfinished": unfinished,
        "scored_per_second": round((moderated - results.model_timeouts) / seconds, 2),
        "answered_per_second": round(answered / seconds, 2),
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "max_ms": _ms(ordered[-1]) if ordered else None,
        "statuses": results.statuses,
        "model_timeouts": results.model_timeouts,
        "errors": results.errors,
        "dispatch_lag_max_ms": round(results.dispatch_lag * 1000, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "wall_seconds": round(wall, 2),
    }


def _ms(seconds: float) -> float | None:
    """Milliseconds for JSON; ``None`` stands for an answer that never came."""
    return round(seconds * 1000, 1) if seconds != float("inf") else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=("closed", "open"))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--clients", type=int, default=16, help="closed: concurrent clients; open: connections")
    parser.add_argument("--rate", type=float, default=50.0, help="open loop: requests per second")
    parser.add_argument("--warmup", type=float, default=3.0, help="closed loop: seconds before measuring")
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--grace", type=float, default=10.0, help="open loop: seconds to wait after the last send")
    parser.add_argument("--new-share", type=float, default=corpus.NEW_SHARE, help="share of first-time commenters")
    parser.add_argument("--target", choices=TARGETS, default="kommentare", help="the system under load")
    args = parser.parse_args()
    global TARGET  # one process, one target, set before any thread starts
    TARGET = args.target
    prime(args.port)
    began = time.monotonic()
    if args.mode == "closed":
        results = closed_loop(args.port, args.clients, args.warmup, args.duration, args.seed, args.new_share)
    else:
        results = open_loop(args.port, args.rate, args.duration, args.clients, args.seed, args.grace, args.new_share)
    print(json.dumps(summary(results, args.duration, time.monotonic() - began)))


if __name__ == "__main__":
    main()
