"""``GET /api/v1/moderation/privacy/export``: everything stored about a reader, for an access request."""

from __future__ import annotations

from typing import Any

from moderation.auth import admin_required, current_actor
from moderation.extensions import current_session
from moderation.http import Blueprint
from moderation.privacy.erasure import Erased, erase_data
from moderation.privacy.schemas import ErasedSchema, ExportSchema, SubjectSchema
from moderation.privacy.service import Subject, export_data
from moderation.state import current_settings

bp = Blueprint("privacy", __name__, url_prefix="/api/v1/moderation/privacy", description="Readers' data rights.")


@bp.route("/export", methods=["GET"])
@admin_required
@bp.arguments(SubjectSchema, location="query")
@bp.response(200, ExportSchema)
@bp.doc(security=[{"bearerAuth": []}])
def export(subject: Subject) -> dict[str, Any]:
    """A reader's comments (with decisions and earlier versions), votes and reports, by ``reader`` (id or sub) or
    a guest's ``email``. Audited without its content; admins only."""
    return export_data(session=current_session(), subject=subject, actor=current_actor())


@bp.route("/erase", methods=["POST"])
@admin_required
@bp.arguments(SubjectSchema)
@bp.response(200, ErasedSchema)
@bp.doc(security=[{"bearerAuth": []}])
def erase(subject: Subject) -> Erased:
    """Erase a reader (``reader``: id or sub) or a guest (``email``): comments anonymised (threads keep their
    shape), their text, names, addresses and account keys removed from every table. Audited with counts."""
    return erase_data(
        session=current_session(), subject=subject, secret=current_settings().secret_key, actor=current_actor()
    )
