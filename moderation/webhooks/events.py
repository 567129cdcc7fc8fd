"""Writing events to the outbox, in the caller's transaction, with one delivery per subscribed endpoint; an event
no active endpoint subscribes to is not written at all."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from moderation.types import utcnow
from moderation.webhooks.models import Delivery, DisabledReason, EventType, OutboxEvent, WebhookEndpoint


def emit(
    session: Session,
    *,
    event_types: Sequence[EventType],
    data: dict[str, Any],
    endpoints: Sequence[Subscription] | None = None,
) -> None:
    """Insert the events (each carrying ``data``) and their deliveries in the caller's transaction; they commit (or
    roll back) with the change itself. The feature that owns the subject builds ``data`` (the comment side decides
    what receivers learn about a comment). ``endpoints`` (from ``subscriptions``) may be read before the write
    begins, to keep it short."""
    now = utcnow()
    events = [
        {
            "id": "msg_" + uuid.uuid4().hex,
            "type": event_type.value,
            "created_at": now,
            "payload": {"type": event_type.value, "timestamp": now.isoformat(), "data": data},
        }
        for event_type in event_types
    ]
    subscribed = subscriptions(session) if endpoints is None else endpoints
    deliveries = [
        {"event_id": event["id"], "endpoint_id": endpoint.id, "next_attempt_at": now}
        for event in events
        for endpoint in subscribed
        if event["type"] in endpoint.event_types
    ]
    if not deliveries:  # nobody subscribes: no rows at all (they would only ever be deleted again)
        return
    wanted = {delivery["event_id"] for delivery in deliveries}
    session.flush()  # plain rows after what the session holds: none of the ORM's per-object bookkeeping
    connection = session.connection()
    connection.execute(insert(OutboxEvent), [event for event in events if event["id"] in wanted])
    connection.execute(insert(Delivery), deliveries)


class Subscription(NamedTuple):
    id: int
    event_types: list[str]


def subscriptions(session: Session) -> list[Subscription]:
    """The endpoints that collect events and the types each wants: the active ones, and those disabled only for
    failing (their backlog grows until an admin enables them again, so the integration misses nothing)."""
    return [Subscription(row.id, row.event_types) for row in session.connection().execute(_COLLECTING)]


#: Every write that may emit asks this; built once and run on the connection (no flush, no ORM compile step).
_COLLECTING = select(WebhookEndpoint.id, WebhookEndpoint.event_types).where(
    WebhookEndpoint.active | (WebhookEndpoint.disabled_reason == DisabledReason.FAILURES)
)
