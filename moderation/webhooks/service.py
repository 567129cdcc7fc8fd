"""Webhook endpoint management."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from moderation.audit.models import AuditAction
from moderation.audit.service import record_action
from moderation.errors import InvalidInput, NotFound
from moderation.webhooks.models import Delivery, DeliveryAttempt, WebhookEndpoint
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
    if endpoint_input.secret is not None:
        try:
            secret_key(endpoint_input.secret)
        except ValueError as exc:
            raise InvalidInput("Invalid webhook secret.", errors={"secret": [str(exc)]}) from exc
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


def list_endpoints(*, session: Session) -> list[WebhookEndpoint]:
    return list(session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def get_endpoint(session: Session, endpoint_id: int) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise EndpointNotFound(f"No webhook endpoint with id {endpoint_id}.")
    return endpoint


def disable_endpoint(*, session: Session, endpoint_id: int, actor: str) -> None:
    """Endpoints are disabled, not deleted, so their delivery history stays inspectable."""
    endpoint = get_endpoint(session, endpoint_id)
    endpoint.active = False
    record_action(session, actor=actor, action=AuditAction.WEBHOOK_DISABLED, details={"endpoint_id": endpoint_id})
    session.commit()


def list_deliveries(*, session: Session, endpoint_id: int, limit: int) -> list[Delivery]:
    get_endpoint(session, endpoint_id)
    query = (
        select(Delivery)
        .where(Delivery.endpoint_id == endpoint_id)
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
