"""Webhook endpoint management."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session, selectinload

from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.errors import InvalidInput, NotFound
from moderation.types import utcnow
from moderation.webhooks.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    DisabledReason,
    OutboxEvent,
    WebhookEndpoint,
)
from moderation.webhooks.signing import new_secret, secret_key
from moderation.webhooks.targets import TargetRefused, check_target


class EndpointNotFound(NotFound):
    slug = "webhook-not-found"
    title = "Webhook endpoint not found"


@dataclass(frozen=True)
class EndpointInput:
    url: str
    event_types: list[str]
    secret: str | None
    description: str | None


def create_endpoint(
    *, session: Session, endpoint_input: EndpointInput, actor: str, allowed_hosts: tuple[str, ...] = ()
) -> WebhookEndpoint:
    """Register a receiver; refused unless it is a public http(s) URL or allowed (see ``targets``)."""
    try:
        check_target(endpoint_input.url, allowed=allowed_hosts)
    except TargetRefused as exc:
        raise InvalidInput("This URL cannot receive webhooks.", errors={"url": [str(exc)]}) from exc
    _check_secret(endpoint_input.secret)
    url = endpoint_input.url
    endpoint = WebhookEndpoint(
        url=url,
        event_types=sorted(set(endpoint_input.event_types)),
        secret=endpoint_input.secret or new_secret(),
        description=endpoint_input.description,
    )
    session.add(endpoint)
    session.flush()
    record_action(
        session,
        actor=actor,
        action=AuditAction.WEBHOOK_CREATED,
        details={"endpoint_id": endpoint.id, "url": url, "event_types": endpoint.event_types},
    )
    session.commit()
    return endpoint


def _check_secret(secret: str | None) -> None:
    if secret is not None:
        try:
            secret_key(secret)
        except ValueError as exc:
            raise InvalidInput("Invalid webhook secret.", errors={"secret": [str(exc)]}) from exc


def list_endpoints(*, session: Session) -> list[WebhookEndpoint]:
    return list(session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def get_endpoint(session: Session, endpoint_id: int) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise EndpointNotFound(f"No webhook endpoint with id {endpoint_id}.")
    return endpoint


def disable_endpoint(*, session: Session, endpoint_id: int, actor: str) -> None:
    """Endpoints are disabled, not deleted, so their delivery history stays inspectable; what is pending waits."""
    endpoint = get_endpoint(session, endpoint_id)
    endpoint.active, endpoint.disabled_reason, endpoint.disabled_at = False, DisabledReason.ADMIN, utcnow()
    record_action(session, actor=actor, action=AuditAction.WEBHOOK_DISABLED, details={"endpoint_id": endpoint_id})
    session.commit()


def enable_endpoint(*, session: Session, endpoint_id: int, actor: str) -> WebhookEndpoint:
    """Turn an endpoint back on (after an admin or its failures turned it off); its backlog is sent in order."""
    endpoint = get_endpoint(session, endpoint_id)
    was = endpoint.disabled_reason.value if endpoint.disabled_reason else None
    endpoint.active, endpoint.disabled_reason, endpoint.disabled_at = True, None, None
    endpoint.consecutive_failures = 0
    session.execute(
        update(Delivery)
        .where(Delivery.endpoint_id == endpoint_id, Delivery.status == DeliveryStatus.PENDING)
        .values(next_attempt_at=utcnow())
    )
    record_action(
        session, actor=actor, action=AuditAction.WEBHOOK_ENABLED, details={"endpoint_id": endpoint_id, "was": was}
    )
    session.commit()
    return endpoint


def rotate_secret(
    *, session: Session, endpoint_id: int, secret: str | None, overlap: timedelta, actor: str
) -> WebhookEndpoint:
    """A new signing secret (``secret`` or a generated one); the old one signs beside it for ``overlap``, so
    receivers can switch without missing a message. Audited without either secret."""
    _check_secret(secret)
    endpoint = get_endpoint(session, endpoint_id)
    now = utcnow()
    endpoint.previous_secret, endpoint.previous_secret_until = (
        (endpoint.secret, now + overlap) if overlap else (None, None)
    )
    endpoint.secret = secret or new_secret()
    until = endpoint.previous_secret_until.isoformat() if endpoint.previous_secret_until else None
    record_action(
        session,
        actor=actor,
        action=AuditAction.WEBHOOK_SECRET_ROTATED,
        details={"endpoint_id": endpoint_id, "previous_valid_until": until},
    )
    session.commit()
    return endpoint


@dataclass(frozen=True)
class Redelivery:
    """Which of an endpoint's deliveries to send again: these ids, every failed one, or every one whose event was
    written at or after ``since`` (exactly one of the three)."""

    delivery_ids: list[int] | None = None
    failed: bool = False
    since: datetime | None = None


def redeliver(*, session: Session, endpoint_id: int, redelivery: Redelivery, actor: str) -> int:
    """Queue deliveries again, unchanged: the same event, so the same ``webhook-id`` (receivers dedupe on it),
    in their original order. Returns how many; audited."""
    get_endpoint(session, endpoint_id)
    chosen = _chosen(endpoint_id, redelivery)
    result = session.execute(
        update(Delivery)
        .where(chosen)
        .values(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=utcnow(), delivered_at=None, last_error=None)
        .execution_options(synchronize_session=False)
    )
    count = int(result.rowcount)  # type: ignore[attr-defined]
    since = redelivery.since.isoformat() if redelivery.since else None
    details = {"endpoint_id": endpoint_id, "requeued": count, "failed": redelivery.failed, "since": since}
    record_action(session, actor=actor, action=AuditAction.WEBHOOK_REDELIVERED, details=details)
    session.commit()
    return count


def _chosen(endpoint_id: int, redelivery: Redelivery) -> ColumnElement[bool]:
    own = Delivery.endpoint_id == endpoint_id
    if redelivery.delivery_ids is not None:
        return own & Delivery.id.in_(redelivery.delivery_ids)
    if redelivery.failed:
        return own & (Delivery.status == DeliveryStatus.FAILED)
    assert redelivery.since is not None
    return own & Delivery.event_id.in_(select(OutboxEvent.id).where(OutboxEvent.created_at >= redelivery.since))


def list_deliveries(
    *, session: Session, endpoint_id: int, limit: int, status: DeliveryStatus | None = None
) -> list[Delivery]:
    get_endpoint(session, endpoint_id)
    query = (
        select(Delivery)
        .where(Delivery.endpoint_id == endpoint_id, *([Delivery.status == status] if status else []))
        .options(selectinload(Delivery.event))
        .order_by(Delivery.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def attempts_for(session: Session, delivery_ids: list[int]) -> dict[int, list[DeliveryAttempt]]:
    grouped: dict[int, list[DeliveryAttempt]] = {}
    query = select(DeliveryAttempt).where(DeliveryAttempt.delivery_id.in_(delivery_ids)).order_by(DeliveryAttempt.id)
    for attempt in session.scalars(query):
        grouped.setdefault(attempt.delivery_id, []).append(attempt)
    return grouped
