"""The delivery worker: claim due deliveries, POST them signed, record every attempt, back off on failure.

Several workers (processes or hosts) can run at once: a claim pushes ``next_attempt_at`` forward by a lease
inside a ``FOR UPDATE SKIP LOCKED`` transaction on PostgreSQL, so each due delivery goes to one worker; a worker
that dies mid-send leaves the delivery to be retried when the lease ends (at-least-once; receivers dedupe on
``webhook-id``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from moderation.settings import Settings
from moderation.types import utcnow
from moderation.webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus
from moderation.webhooks.signing import signed_headers
from moderation.webhooks.targets import TargetRefused, check_target

LEASE = timedelta(minutes=2)
#: Time a delivery may need beyond its HTTP timeout (DNS lookup, target check, signing, the attempt's row).
ATTEMPT_MARGIN_SECONDS = 2.0
MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class HttpResult:
    status_code: int | None
    error: str | None
    excerpt: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


Sender = Callable[[str, bytes, dict[str, str], float], HttpResult]


def http_send(url: str, body: bytes, headers: dict[str, str], timeout: float) -> HttpResult:
    started = time.perf_counter()
    try:
        response = requests.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
    except requests.Timeout:
        return HttpResult(None, "timed out", None, _ms_since(started))
    except requests.RequestException:
        # No exception text: it names addresses and ports, which would make the deliveries view a port scanner.
        return HttpResult(None, "could not connect", None, _ms_since(started))
    error = None if response.ok else f"HTTP {response.status_code}"
    return HttpResult(response.status_code, error, response.text[:500], _ms_since(started))


def _ms_since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """10 s, 30 s, 90 s, 4.5 min, ... (x3 per attempt) capped at six hours."""
    return min(timedelta(seconds=base_seconds * 3 ** (attempts - 1)), MAX_BACKOFF)


def lease_batch(batch: int, timeout_seconds: float) -> int:
    """How many deliveries one round may claim so that even all of them timing out ends within the lease: a
    claimed delivery must never be claimed again by another worker while this one still works on it."""
    fits = int(LEASE.total_seconds() // (timeout_seconds + ATTEMPT_MARGIN_SECONDS))
    return max(1, min(batch, fits))


def claim_due(session: Session, *, now: datetime, batch: int) -> list[int]:
    query = (
        select(Delivery.id)
        .where(Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(query))
    if ids:
        session.execute(update(Delivery).where(Delivery.id.in_(ids)).values(next_attempt_at=now + LEASE))
    session.commit()
    return ids


def deliver(session: Session, delivery_id: int, *, send: Sender, settings: Settings, now: datetime) -> Delivery:
    delivery = session.get_one(Delivery, delivery_id)
    event, endpoint = delivery.event, delivery.endpoint
    if not endpoint.active:
        return _finish(session, delivery, DeliveryStatus.FAILED, "endpoint disabled")
    body = json.dumps(event.payload, separators=(",", ":"), ensure_ascii=False).encode()
    # Signed at the moment of sending, not when the round began: receivers reject stale timestamps.
    headers = signed_headers(secret=endpoint.secret, message_id=event.id, timestamp=int(time.time()), body=body)
    try:  # again now: the name may resolve elsewhere than at registration (DNS rebinding)
        check_target(endpoint.url, allowed=settings.webhook_allowed_hosts)
        result = send(endpoint.url, body, headers, settings.webhook_timeout_seconds)
    except TargetRefused as exc:
        result = HttpResult(None, f"refused: {exc}", None, 0)
    session.add(
        DeliveryAttempt(
            delivery_id=delivery.id,
            attempted_at=now,
            status_code=result.status_code,
            error=result.error,
            duration_ms=result.duration_ms,
            response_excerpt=result.excerpt,
        )
    )
    delivery.attempts += 1
    if result.ok:
        delivery.delivered_at = now
        return _finish(session, delivery, DeliveryStatus.DELIVERED, None)
    if delivery.attempts >= settings.webhook_max_attempts:
        return _finish(session, delivery, DeliveryStatus.FAILED, result.error)
    delivery.next_attempt_at = now + backoff(delivery.attempts, settings.webhook_backoff_seconds)
    return _finish(session, delivery, DeliveryStatus.PENDING, result.error)


def _finish(session: Session, delivery: Delivery, status: DeliveryStatus, error: str | None) -> Delivery:
    delivery.status = status
    delivery.last_error = error
    session.commit()
    return delivery


def run_once(
    session: Session, *, settings: Settings, send: Sender = http_send, now: datetime | None = None, batch: int = 50
) -> int:
    """Deliver what is due now; returns how many deliveries were attempted."""
    now = now or utcnow()
    ids = claim_due(session, now=now, batch=lease_batch(batch, settings.webhook_timeout_seconds))
    for delivery_id in ids:
        deliver(session, delivery_id, send=send, settings=settings, now=now)
    return len(ids)
