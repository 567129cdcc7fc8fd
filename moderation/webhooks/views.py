"""``/api/v1/moderation/webhooks``: register, list and disable endpoints; inspect deliveries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from moderation.auth import admin_required, current_actor
from moderation.extensions import current_session
from moderation.http import Blueprint
from moderation.state import current_settings
from moderation.webhooks.models import Delivery, WebhookEndpoint
from moderation.webhooks.schemas import (
    DeliveryQuerySchema,
    DeliverySchema,
    EndpointCreatedSchema,
    EndpointInSchema,
    EndpointOutSchema,
    RedeliveredSchema,
    RedeliverInSchema,
    RotateInSchema,
)
from moderation.webhooks.service import (
    EndpointInput,
    Redelivery,
    create_endpoint,
    disable_endpoint,
    enable_endpoint,
    list_deliveries,
    list_endpoints,
    redeliver,
    rotate_secret,
)

bp = Blueprint("webhooks", __name__, url_prefix="/api/v1/moderation/webhooks", description="Webhook endpoints.")


@bp.route("", methods=["POST"])
@admin_required
@bp.arguments(EndpointInSchema())
@bp.response(201, EndpointCreatedSchema)
@bp.doc(security=[{"bearerAuth": []}])
def create(endpoint_input: EndpointInput) -> WebhookEndpoint:
    return create_endpoint(
        session=current_session(),
        endpoint_input=endpoint_input,
        actor=current_actor(),
        allowed_hosts=current_settings().webhook_allowed_hosts,
    )


@bp.route("", methods=["GET"])
@admin_required
@bp.response(200, EndpointOutSchema(many=True))
@bp.doc(security=[{"bearerAuth": []}])
def index() -> list[WebhookEndpoint]:
    return list_endpoints(session=current_session())


@bp.route("/<id:endpoint_id>", methods=["DELETE"])
@admin_required
@bp.response(204)
@bp.doc(security=[{"bearerAuth": []}])
def disable(endpoint_id: int) -> None:
    disable_endpoint(session=current_session(), endpoint_id=endpoint_id, actor=current_actor())


@bp.route("/<id:endpoint_id>/enable", methods=["POST"])
@admin_required
@bp.response(200, EndpointOutSchema)
@bp.doc(security=[{"bearerAuth": []}])
def enable(endpoint_id: int) -> WebhookEndpoint:
    """Enable an endpoint an admin or its failures disabled; what waited is delivered in order. Audited."""
    return enable_endpoint(session=current_session(), endpoint_id=endpoint_id, actor=current_actor())


@bp.route("/<id:endpoint_id>/rotate-secret", methods=["POST"])
@admin_required
@bp.arguments(RotateInSchema())
@bp.response(200, EndpointCreatedSchema)
@bp.doc(security=[{"bearerAuth": []}])
def rotate(rotation: dict[str, Any], endpoint_id: int) -> WebhookEndpoint:
    """A new secret, shown once; the old one signs beside it for ``overlap_hours`` (two signatures). Audited."""
    return rotate_secret(
        session=current_session(),
        endpoint_id=endpoint_id,
        secret=rotation["secret"],
        overlap=timedelta(hours=rotation["overlap_hours"]),
        actor=current_actor(),
    )


@bp.route("/<id:endpoint_id>/redeliver", methods=["POST"])
@admin_required
@bp.arguments(RedeliverInSchema())
@bp.response(200, RedeliveredSchema)
@bp.doc(security=[{"bearerAuth": []}])
def redeliver_deliveries(redelivery: Redelivery, endpoint_id: int) -> dict[str, int]:
    """Send deliveries again with their original ``webhook-id``: chosen ones, every failed one, or all since a
    time. Audited."""
    count = redeliver(session=current_session(), endpoint_id=endpoint_id, redelivery=redelivery, actor=current_actor())
    return {"requeued": count}


@bp.route("/<id:endpoint_id>/deliveries", methods=["GET"])
@admin_required
@bp.arguments(DeliveryQuerySchema(), location="query")
@bp.response(200, DeliverySchema(many=True))
@bp.doc(security=[{"bearerAuth": []}])
def deliveries(query: dict[str, Any], endpoint_id: int) -> list[Delivery]:
    """The newest 100 deliveries; ``status=failed`` lists what gave up (to redeliver)."""
    return list_deliveries(session=current_session(), endpoint_id=endpoint_id, limit=100, status=query["status"])
