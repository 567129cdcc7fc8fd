"""What only the database knows, read when Prometheus scrapes: queue sizes and ages, webhook backlog and lag.

Read at scrape time (a few indexed aggregate queries), not counted in each process, so every worker answers the
same and nothing drifts after a restart.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.comments.service import waiting
from moderation.webhooks.models import Delivery, DeliveryStatus, OutboxEvent


def database_gauges(session: Session, now: datetime) -> str:
    """Prometheus text lines for the queue and the webhook backlog."""
    queue = waiting(session)
    lines = [
        "# HELP kommentare_queue_pending Comments waiting for a moderator.",
        "# TYPE kommentare_queue_pending gauge",
        f"kommentare_queue_pending {queue.pending}",
        "# HELP kommentare_queue_reported Published comments with open reader reports.",
        "# TYPE kommentare_queue_reported gauge",
        f"kommentare_queue_reported {queue.reported}",
        "# HELP kommentare_queue_oldest_pending_seconds Age of the oldest comment waiting for a moderator.",
        "# TYPE kommentare_queue_oldest_pending_seconds gauge",
        f"kommentare_queue_oldest_pending_seconds {_age(queue.oldest, now)}",
        "# HELP kommentare_webhook_backlog Deliveries not yet delivered, by endpoint.",
        "# TYPE kommentare_webhook_backlog gauge",
        "# HELP kommentare_webhook_lag_seconds Age of the oldest undelivered event, by endpoint.",
        "# TYPE kommentare_webhook_lag_seconds gauge",
    ]
    rows = session.execute(
        select(Delivery.endpoint_id, func.count(), func.min(OutboxEvent.created_at))
        .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)
        .where(Delivery.status == DeliveryStatus.PENDING)
        .group_by(Delivery.endpoint_id)
    ).all()
    for endpoint_id, backlog, created in rows:  # one query, however many endpoints
        lines.append(f'kommentare_webhook_backlog{{endpoint="{endpoint_id}"}} {int(backlog)}')
        lines.append(f'kommentare_webhook_lag_seconds{{endpoint="{endpoint_id}"}} {_age(created, now)}')
    return "\n".join(lines) + "\n"


def _age(then: datetime | None, now: datetime) -> float:
    return round(max(0.0, (now - then).total_seconds()), 3) if then is not None else 0.0
