"""``GET /api/v1/moderation/privacy/export``: everything stored about a reader, for an access request."""

from __future__ import annotations

from typing import Any

from moderation.auth import admin_required, current_actor
from moderation.extensions import current_session
from moderation.http import Blueprint, ProblemSchema
from moderation.privacy.erasure import Erased, erase_data
from moderation.privacy.holds import HoldInput, holds_in_force, lift_hold, place_hold
from moderation.privacy.models import LegalHold
from moderation.privacy.schemas import ErasedSchema, ExportSchema, HoldInSchema, HoldOutSchema, SubjectSchema
from moderation.privacy.service import Subject, export_data
from moderation.state import current_settings

bp = Blueprint("privacy", __name__, url_prefix="/api/v1/moderation/privacy", description="Readers' data rights.")


@bp.route("/export", methods=["GET"])
@admin_required
@bp.arguments(SubjectSchema(), location="query")
@bp.response(200, ExportSchema)
@bp.doc(security=[{"bearerAuth": []}])
def export(subject: Subject) -> dict[str, Any]:
    """A reader's comments (with decisions and earlier versions), votes and reports, by ``reader`` (id or sub) or
    a guest's ``email``. Audited without its content; admins only."""
    return export_data(session=current_session(), subject=subject, actor=current_actor())


@bp.route("/erase", methods=["POST"])
@admin_required
@bp.arguments(SubjectSchema())
@bp.response(200, ErasedSchema)
@bp.alt_response(409, schema=ProblemSchema, description="Under a legal hold.")
@bp.doc(security=[{"bearerAuth": []}])
def erase(subject: Subject) -> Erased:
    """Erase a reader (``reader``: id or sub) or a guest (``email``): comments anonymised (threads keep their
    shape), their text, names, addresses and account keys removed from every table. Audited with counts; 409
    under a legal hold."""
    return erase_data(
        session=current_session(), subject=subject, secret=current_settings().secret_key, actor=current_actor()
    )


@bp.route("/holds", methods=["POST"])
@admin_required
@bp.arguments(HoldInSchema())
@bp.response(201, HoldOutSchema)
@bp.doc(security=[{"bearerAuth": []}])
def create_hold(hold_input: HoldInput) -> LegalHold:
    """Keep an article's or a reader's data whatever erasure requests and retention say, until lifted. Audited."""
    return place_hold(
        session=current_session(), hold_input=hold_input, secret=current_settings().secret_key, actor=current_actor()
    )


@bp.route("/holds", methods=["GET"])
@admin_required
@bp.response(200, HoldOutSchema(many=True))
@bp.doc(security=[{"bearerAuth": []}])
def list_holds() -> list[LegalHold]:
    return holds_in_force(session=current_session())


@bp.route("/holds/<id:hold_id>", methods=["DELETE"])
@admin_required
@bp.response(204)
@bp.doc(security=[{"bearerAuth": []}])
def delete_hold(hold_id: int) -> None:
    lift_hold(session=current_session(), hold_id=hold_id, actor=current_actor())
