"""``/api/v1/moderation/audit``: the audit log, newest first (moderator token required)."""

from __future__ import annotations

from moderation.audit.models import AuditEntry
from moderation.audit.schemas import AuditPageSchema, AuditQuerySchema
from moderation.audit.service import AuditQuery, list_entries
from moderation.auth import moderator_required
from moderation.extensions import current_session
from moderation.http import Blueprint
from moderation.pagination import Page

bp = Blueprint("audit", __name__, url_prefix="/api/v1/moderation", description="The audit log of every decision.")


@bp.route("/audit", methods=["GET"])
@moderator_required
@bp.arguments(AuditQuerySchema(), location="query")
@bp.response(200, AuditPageSchema)
@bp.doc(security=[{"bearerAuth": []}])
def audit(query: AuditQuery) -> Page[AuditEntry]:
    return list_entries(session=current_session(), query=query)
