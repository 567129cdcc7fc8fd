"""``/api/v1/moderation/webhooks``: register, list and disable endpoints; inspect deliveries."""

from __future__ import annotations

from moderation.auth import admin_required, current_actor
from moderation.extensions import current_session
from moderation.http import Blueprint
from moderation.state import current_settings
from moderation.webhooks.models import Delivery, WebhookEndpoint
from moderation.webhooks.schemas import DeliverySchema, EndpointCreatedSchema, EndpointInSchema, EndpointOutSchema
from moderation.webhooks.service import (
    EndpointInput,
    create_endpoint,
    disable_endpoint,
    list_deliveries,
    list_endpoints,
)

bp = Blueprint("webhooks", __name__, url_prefix="/api/v1/moderation/webhooks", description="Webhook endpoints.")


@bp.route("", methods=["POST"])
@admin_required
@bp.arguments(EndpointInSchema)
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


@bp.route("/<id:endpoint_id>/deliveries", methods=["GET"])
@admin_required
@bp.response(200, DeliverySchema(many=True))
@bp.doc(security=[{"bearerAuth": []}])
def deliveries(endpoint_id: int) -> list[Delivery]:
    return list_deliveries(session=current_session(), endpoint_id=endpoint_id, limit=100)
