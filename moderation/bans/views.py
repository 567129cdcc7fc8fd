"""``/api/v1/moderation``: banning and suspending readers and guests (moderator token required)."""

from __future__ import annotations

from moderation.auth import current_moderator, moderator_required
from moderation.bans.models import Ban
from moderation.bans.schemas import BanInSchema, BanOutSchema
from moderation.bans.service import BanInput, ban_author_of, ban_reader, lift_reader_ban, list_bans
from moderation.extensions import current_session
from moderation.http import Blueprint
from moderation.state import current_settings

bp = Blueprint("bans", __name__, url_prefix="/api/v1/moderation", description="Bans and suspensions.")
READER_PATH = "/readers/<string(maxlength=255):reader>/ban"


@bp.route(READER_PATH, methods=["POST"])
@moderator_required
@bp.arguments(BanInSchema())
@bp.response(201, BanOutSchema)
@bp.doc(security=[{"bearerAuth": []}])
def ban(ban_input: BanInput, reader: str) -> Ban:
    """``reader`` is the reader id or the newsroom's ``sub``. Audited; their posts get 403 until lifted."""
    return ban_reader(session=current_session(), reader=reader, ban_input=ban_input, moderator=current_moderator().name)


@bp.route(READER_PATH, methods=["DELETE"])
@moderator_required
@bp.response(204)
@bp.doc(security=[{"bearerAuth": []}])
def unban(reader: str) -> None:
    lift_reader_ban(session=current_session(), reader=reader, moderator=current_moderator().name)


@bp.route("/comments/<id:comment_id>/ban-author", methods=["POST"])
@moderator_required
@bp.arguments(BanInSchema())
@bp.response(201, BanOutSchema)
@bp.doc(security=[{"bearerAuth": []}])
def ban_author(ban_input: BanInput, comment_id: int) -> Ban:
    """Ban whoever wrote the comment: its reader, or the guest's e-mail address (else name)."""
    return ban_author_of(
        session=current_session(),
        comment_id=comment_id,
        ban_input=ban_input,
        moderator=current_moderator().name,
        secret=current_settings().secret_key,
    )


@bp.route("/bans", methods=["GET"])
@moderator_required
@bp.response(200, BanOutSchema(many=True))
@bp.doc(security=[{"bearerAuth": []}])
def bans() -> list[Ban]:
    """Bans in force, newest first."""
    return list_bans(session=current_session())
