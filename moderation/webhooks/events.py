"""Writing events to the outbox, in the caller's transaction, with one delivery per subscribed endpoint."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.comments.models import Comment
from moderation.types import utcnow
from moderation.webhooks.models import Delivery, EventType, OutboxEvent, WebhookEndpoint


def comment_payload(comment: Comment) -> dict[str, Any]:
    """What receivers learn about a comment: no e-mail address ever leaves through a webhook."""
    return {
        "id": comment.id,
        "article_id": comment.article_id,
        "parent_id": comment.parent_id,
        "author_name": comment.author_name,
        "body": comment.body,
        "status": comment.status.value,
        "reasons": comment.reasons,
        "created_at": comment.created_at.isoformat(),
    }


def emit(
    session: Session,
    *,
    event_types: Sequence[EventType],
    comment: Comment,
    extra: dict[str, Any] | None = None,
) -> None:
    """Add the events and their deliveries to the session; they commit (or roll back) with the change itself."""
    now = utcnow()
    endpoints = list(session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))))
    data = {"comment": comment_payload(comment), **(extra or {})}
    for event_type in event_types:
        event = OutboxEvent(
            id="msg_" + uuid.uuid4().hex,
            type=event_type.value,
            created_at=now,
            payload={"type": event_type.value, "timestamp": now.isoformat(), "data": data},
        )
        session.add(event)
        for endpoint in endpoints:
            if event_type.value in endpoint.event_types:
                session.add(Delivery(event=event, endpoint=endpoint, next_attempt_at=now))
