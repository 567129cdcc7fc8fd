"""``PUT /api/v1/comments/{id}/vote``: a reader votes a published comment up or down, or withdraws the vote."""

from __future__ import annotations

from flask import request

from moderation.extensions import current_session, limiter
from moderation.http import Blueprint, ProblemSchema
from moderation.readers.runtime import current_sso
from moderation.state import current_settings
from moderation.votes.schemas import TallySchema, VoteSchema
from moderation.votes.service import Tally, cast_vote

bp = Blueprint("votes", __name__, url_prefix="/api/v1", description="Readers voting on published comments.")


@bp.route("/comments/<id:comment_id>/vote", methods=["PUT"])
@limiter.limit(lambda: current_settings().ratelimit_vote, methods=["PUT"])
@bp.arguments(VoteSchema())
@bp.response(200, TallySchema, description="The new counts; voting again replaces the voter's vote.")
@bp.alt_response(401, schema=ProblemSchema, description="A reader token that is not valid (expired, forged).")
@bp.doc(security=[{}, {"readerToken": []}])
def put_vote(value: int, comment_id: int) -> Tally:
    """One vote per signed-in reader, or per guest address; 404 unless the comment is published."""
    return cast_vote(
        session=current_session(),
        comment_id=comment_id,
        value=value,
        authorization=request.headers.get("Authorization"),
        client=request.remote_addr or "unknown",
        secret=current_settings().secret_key,
        sso=current_sso(),
    )
