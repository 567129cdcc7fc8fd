"""``POST /api/v1/articles/{id}/comments``: the article page's JavaScript posts a comment.

The status code carries the outcome of moderation: 201 published, 202 held for review, 422 rejected (stored for
audit) or, in nudge mode, 422 with the sentence to revise (nothing stored).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, request

from moderation.comments.statements import Statement
from moderation.errors import problem_response, reader_language
from moderation.extensions import current_session, limiter
from moderation.http import Blueprint, ProblemSchema
from moderation.messages import retell
from moderation.state import current_settings
from moderation.submission.appeals import appeal, statement_of_reasons
from moderation.submission.own import Change, delete_comment, edit_comment
from moderation.submission.runtime import current_runtime
from moderation.submission.schemas import (
    AppealSchema,
    EditSchema,
    StatementSchema,
    SubmissionSchema,
    SubmittedCommentSchema,
)
from moderation.submission.service import Outcome, SubmissionInput, SubmissionResult, submit
from moderation.submission.store import StoredComment
from moderation.types import utcnow

bp = Blueprint("submission", __name__, url_prefix="/api/v1", description="Posting comments.")


def _rejected(result: SubmissionResult) -> Response:
    assert result.comment is not None  # a rejected comment is stored
    reasons = result.comment.reasons
    return problem_response(
        422,
        title="Comment rejected",
        slug="comment-rejected",
        detail=retell(reasons[0], reader_language())[0],
        extra={"comment_id": result.comment.id, "reasons": reasons},
    )


def _nudged(result: SubmissionResult) -> Response:
    assert result.nudge is not None
    return problem_response(
        422,
        title="Please revise your comment",
        slug="comment-nudge",
        detail=result.nudge.message(reader_language()),
        extra={"nudge": result.nudge.as_json()},
    )


#: Outcome -> answer: a stored comment with its status code, or a problem document.
RESPONSES: dict[Outcome, int | Callable[[SubmissionResult], Response]] = {
    Outcome.PUBLISHED: 201,
    Outcome.HELD: 202,
    Outcome.REJECTED: _rejected,
    Outcome.NUDGED: _nudged,
}


@bp.route("/articles/<article_id>/comments", methods=["POST"])
@limiter.limit(lambda: current_settings().ratelimit_post_comment, methods=["POST"])
@bp.arguments(SubmissionSchema())
@bp.response(201, SubmittedCommentSchema, description="Published.")
@bp.alt_response(202, schema=SubmittedCommentSchema, description="Stored and held for review; not public yet.")
@bp.alt_response(401, schema=ProblemSchema, description="A reader token that is not valid (expired, forged).")
@bp.alt_response(403, schema=ProblemSchema, description="The reader or guest is banned; nothing stored.")
@bp.alt_response(
    422,
    schema=ProblemSchema,
    description="Rejected by the moderation policy (stored for audit), or, with nudge mode on, a first submission "
    "the model would hold or reject (type ...:comment-nudge, nothing stored): resend with nudge_acknowledged.",
)
def post_comment(submission: SubmissionInput, article_id: str) -> tuple[StoredComment, int] | Response:
    """Guests send a name; readers signed in through the newsroom send its token as ``Authorization: Bearer``."""
    result = submit(
        session=current_session(),
        runtime=current_runtime(),
        article_id=article_id,
        submission=submission,
        authorization=request.headers.get("Authorization"),
    )
    answer = RESPONSES[result.outcome]
    if isinstance(answer, int):
        assert result.comment is not None
        return result.comment, answer
    return answer(result)


@bp.route("/comments/<id:comment_id>", methods=["PATCH"])
@limiter.limit(lambda: current_settings().ratelimit_post_comment, methods=["PATCH"])
@bp.arguments(EditSchema())
@bp.response(200, SubmittedCommentSchema, description="Edited and moderated again; status and reasons say how.")
@bp.alt_response(401, schema=ProblemSchema, description="A reader token that is not valid (expired, forged).")
@bp.alt_response(403, schema=ProblemSchema, description="Not the author's comment, or the edit window has closed.")
@bp.alt_response(409, schema=ProblemSchema, description="Deleted or rejected: it cannot be changed any more.")
@bp.doc(security=[{"readerToken": []}, {"editToken": []}])
def edit(body: str, comment_id: int) -> StoredComment:
    """The author's new text, within ``KOMMENTARE_EDIT_WINDOW_SECONDS``: moderated like a new comment."""
    change = Change(request.headers.get("Authorization"), utcnow())
    return edit_comment(
        session=current_session(), runtime=current_runtime(), comment_id=comment_id, body=body, change=change
    )


@bp.route("/comments/<id:comment_id>", methods=["DELETE"])
@bp.response(204, description="Deleted; a placeholder stays where replies hang below it.")
@bp.alt_response(401, schema=ProblemSchema, description="A reader token that is not valid (expired, forged).")
@bp.alt_response(403, schema=ProblemSchema, description="Not the author's comment, or the edit window has closed.")
@bp.alt_response(409, schema=ProblemSchema, description="Deleted or rejected: it cannot be changed any more.")
@bp.doc(security=[{"readerToken": []}, {"editToken": []}])
def delete(comment_id: int) -> None:
    change = Change(request.headers.get("Authorization"), utcnow())
    delete_comment(session=current_session(), runtime=current_runtime(), comment_id=comment_id, change=change)


@bp.route("/comments/<id:comment_id>/statement", methods=["GET"])
@bp.response(200, StatementSchema)
@bp.alt_response(403, schema=ProblemSchema, description="Not the author.")
@bp.doc(security=[{"editToken": []}, {"readerToken": []}])
def read_statement(comment_id: int) -> Statement:
    """The statement of reasons for the comment's author: what was decided, why, automated or not, how to appeal."""
    return statement_of_reasons(
        session=current_session(),
        runtime=current_runtime(),
        comment_id=comment_id,
        authorization=request.headers.get("Authorization"),
    )


@bp.route("/comments/<id:comment_id>/appeal", methods=["POST"])
@limiter.limit(lambda: current_settings().ratelimit_report, methods=["POST"])
@bp.arguments(AppealSchema())
@bp.response(200, StatementSchema)
@bp.alt_response(403, schema=ProblemSchema, description="Not the author.")
@bp.alt_response(409, schema=ProblemSchema, description="Not rejected, or already appealed.")
@bp.doc(security=[{"editToken": []}, {"readerToken": []}])
def post_appeal(body: dict[str, str | None], comment_id: int) -> Statement:
    """The author appeals a rejection: the comment goes back to the queue for another moderator (once)."""
    return appeal(
        session=current_session(),
        runtime=current_runtime(),
        comment_id=comment_id,
        authorization=request.headers.get("Authorization"),
        note=body["note"],
    )
