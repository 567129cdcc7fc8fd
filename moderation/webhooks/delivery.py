"""The delivery worker: claim due deliveries, POST them signed, record every attempt, back off on failure.

Several workers (processes or hosts) can run at once. Each endpoint receives its events in the order they were
written: a delivery is claimed only when no earlier pending delivery of its endpoint is leased by another worker
or backing off, a round sends an endpoint's deliveries in id order and stops that endpoint at its first failure,
and a claim locks the endpoint rows it takes (``FOR NO KEY UPDATE SKIP LOCKED`` on PostgreSQL, the host-wide write
lock on SQLite) so two workers never split one endpoint's run. A claim pushes ``next_attempt_at`` forward by a
lease that outlives the round (see ``lease_batch``); a worker that dies mid-round leaves its deliveries to be
retried, still in order, when the lease ends (at-least-once; receivers dedupe on ``webhook-id``).
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, exists, select, update
from sqlalchemy.orm import Session, aliased

from moderation import metrics
from moderation.actors import Actor
from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.settings import Settings
from moderation.types import utcnow
from moderation.webhooks.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    DisabledReason,
    OutboxEvent,
    WebhookEndpoint,
)
from moderation.webhooks.signing import signed_headers
from moderation.webhooks.targets import TargetRefused, check_target
from moderation.webhooks.transport import HttpResult, Sender, http_send
from moderation.writes import serialized_writes

__all__ = ["HttpResult", "Sender", "backoff", "claim_due", "deliver", "lease_batch", "prune", "run_once"]

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
#: Time a delivery may need beyond its HTTP timeout (DNS lookup, target check, signing, the attempt's row).
ATTEMPT_MARGIN_SECONDS = 2.0
MAX_BACKOFF = timedelta(hours=6)


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """10 s, 30 s, 90 s, 4.5 min, ... (x3 per attempt) capped at six hours."""
    return min(timedelta(seconds=base_seconds * 3 ** (attempts - 1)), MAX_BACKOFF)


def lease_batch(batch: int, timeout_seconds: float) -> int:
    """How many deliveries one round may claim so that even all of them timing out ends within the lease: a
    claimed delivery must never be claimed again by another worker while this one still works on it."""
    fits = int(LEASE.total_seconds() // (timeout_seconds + ATTEMPT_MARGIN_SECONDS))
    return max(1, min(batch, fits))


def claim_due(session: Session, *, now: datetime, batch: int) -> list[int]:
    """Lease up to ``batch`` due deliveries, in id order, each one the head of its endpoint's pending run."""
    with serialized_writes(session):
        endpoints = list(
            session.scalars(
                select(WebhookEndpoint.id)
                .where(WebhookEndpoint.active, exists().where(_due(now), Delivery.endpoint_id == WebhookEndpoint.id))
                .with_for_update(skip_locked=True, key_share=True)
            )
        )
        ids = list(
            session.scalars(
                select(Delivery.id)
                .where(_due(now), Delivery.endpoint_id.in_(endpoints), ~_blocked_by_earlier(now))
                .order_by(Delivery.id)
                .limit(batch)
            )
        )
        if ids:
            session.execute(update(Delivery).where(Delivery.id.in_(ids)).values(next_attempt_at=now + LEASE))
        session.commit()
    return ids


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at <= now)


def _blocked_by_earlier(now: datetime) -> ColumnElement[bool]:
    """An earlier pending delivery of the same endpoint that is not due: leased elsewhere, or backing off."""
    earlier = aliased(Delivery)
    return exists().where(
        earlier.endpoint_id == Delivery.endpoint_id,
        earlier.id < Delivery.id,
        earlier.status == DeliveryStatus.PENDING,
        earlier.next_attempt_at > now,
    )


def deliver(session: Session, delivery_id: int, *, send: Sender, settings: Settings, now: datetime) -> Delivery:
    delivery = session.get_one(Delivery, delivery_id)
    event, endpoint = delivery.event, delivery.endpoint
    if not endpoint.active:  # disabled since the claim: the delivery waits until the endpoint is enabled again
        _release(session, delivery, now)
        return delivery
    body = json.dumps(event.payload, separators=(",", ":"), ensure_ascii=False).encode()
    # Signed at the moment of sending, not when the round began: receivers reject stale timestamps.
    secrets = endpoint.signing_secrets(now)
    headers = signed_headers(secrets=secrets, message_id=event.id, timestamp=int(time.time()), body=body)
    try:  # again now: the name may resolve elsewhere than at registration (DNS rebinding)
        target = check_target(endpoint.url, allowed=settings.webhook_allowed_hosts)
        result = send(target, body, headers, settings.webhook_timeout_seconds)
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
    _count_outcome(session, endpoint, ok=result.ok, limit=settings.webhook_disable_after_failures, now=now)
    metrics.WEBHOOK_ATTEMPTS.labels(endpoint=str(endpoint.id), result="delivered" if result.ok else "failed").inc()
    if result.ok:
        delivery.delivered_at = now
        return _finish(session, delivery, DeliveryStatus.DELIVERED, None)
    if delivery.attempts >= settings.webhook_max_attempts:
        return _finish(session, delivery, DeliveryStatus.FAILED, result.error)
    delivery.next_attempt_at = now + backoff(delivery.attempts, settings.webhook_backoff_seconds)
    return _finish(session, delivery, DeliveryStatus.PENDING, result.error)


def _count_outcome(session: Session, endpoint: WebhookEndpoint, *, ok: bool, limit: int, now: datetime) -> None:
    """Failures in a row, across deliveries; ``limit`` of them disable the endpoint (audited), keeping its backlog."""
    if ok:
        endpoint.consecutive_failures = 0
        return
    endpoint.consecutive_failures += 1
    if limit and endpoint.consecutive_failures >= limit and endpoint.active:
        endpoint.active, endpoint.disabled_reason, endpoint.disabled_at = False, DisabledReason.FAILURES, now
        record_action(
            session,
            actor=Actor.WEBHOOKS,
            action=AuditAction.WEBHOOK_AUTO_DISABLED,
            details={"endpoint_id": endpoint.id, "consecutive_failures": endpoint.consecutive_failures},
        )
        log.warning("webhook endpoint %s disabled after %s failures in a row", endpoint.id, limit)


def prune(session: Session, *, now: datetime, retention: timedelta) -> int:
    """Delete delivered deliveries (their attempts go with them) older than ``retention``, and events no delivery
    refers to any more; returns how many deliveries went. Failed and pending ones stay for replay."""
    cutoff = now - retention
    with serialized_writes(session):
        gone = session.execute(
            delete(Delivery).where(Delivery.status == DeliveryStatus.DELIVERED, Delivery.delivered_at < cutoff)
        )
        session.execute(
            delete(OutboxEvent).where(
                OutboxEvent.created_at < cutoff, ~exists().where(Delivery.event_id == OutboxEvent.id)
            )
        )
        session.commit()
    return int(gone.rowcount)  # type: ignore[attr-defined]


def _finish(session: Session, delivery: Delivery, status: DeliveryStatus, error: str | None) -> Delivery:
    delivery.status = status
    delivery.last_error = error
    session.commit()
    return delivery


def run_once(
    session: Session, *, settings: Settings, send: Sender = http_send, now: datetime | None = None, batch: int = 50
) -> int:
    """Deliver what is due now, each endpoint in order; returns how many deliveries were attempted."""
    now = now or utcnow()
    ids = claim_due(session, now=now, batch=lease_batch(batch, settings.webhook_timeout_seconds))
    stalled: set[int] = set()  # endpoints whose earlier delivery failed in this round
    attempted = 0
    for delivery_id in ids:
        delivery = session.get_one(Delivery, delivery_id)
        if delivery.endpoint_id in stalled:
            _release(session, delivery, now)
            continue
        delivered = deliver(session, delivery_id, send=send, settings=settings, now=now)
        attempted += 1
        if delivered.status == DeliveryStatus.PENDING:
            stalled.add(delivered.endpoint_id)
    return attempted


def _release(session: Session, delivery: Delivery, now: datetime) -> None:
    """Give a claimed delivery back unsent: it waits behind its endpoint's failed one, which blocks it until then."""
    delivery.next_attempt_at = now
    session.commit()
