"""Comment rows from archive records: the decision taken over from another system, restored from a Kommentare
archive, or (``--screen``) made again by the pipeline."""

from __future__ import annotations

from dataclasses import asdict

from moderation.archives.placing import Placed
from moderation.archives.records import CommentRecord, Decision
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import apply_verdict, reason_codes, reply_position
from moderation.language import guess_language
from moderation.messages import Message
from moderation.verdicts import Reason, ReasonCode, Verdict

#: The systems as the reason message names them.
SOURCE_NAMES = {"disqus": "Disqus", "wordpress": "WordPress", "kommentare": "Kommentare"}


def new_row(record: CommentRecord, *, parent: Placed | None, reader_id: int | None) -> Comment:
    """The row for ``record``, below ``parent`` (None: top level)."""
    comment = Comment(
        article_id=record.article_id,
        **reply_position(parent),
        author_name=record.author_name,
        email=record.email,
        body=record.body,
        status=record.status,
        created_at=record.created_at,
        import_source=record.ref.source,
        import_key=record.ref.key,
        reader_id=reader_id,
    )
    if record.decision is not None:
        _restore(comment, record.decision)
    else:
        _take_over(comment)
    return comment


def _restore(comment: Comment, decision: Decision) -> None:
    for name, value in asdict(decision).items():
        setattr(comment, name, value)
    comment.reason_codes = reason_codes(comment.reasons)


def _take_over(comment: Comment) -> None:
    """The other system's status, explained as such: no model or rule judged it here."""
    source = SOURCE_NAMES[str(comment.import_source)]
    reason = Reason.told(ReasonCode.IMPORTED, Message.IMPORTED, source=source)
    comment.reasons = [reason.as_json()]
    comment.rule_hits = []
    comment.reason_codes = reason_codes(comment.reasons)
    comment.language = guess_language(comment.body).value


def screen_row(comment: Comment, verdict: Verdict) -> bool:
    """Apply the pipeline's verdict to a published import; True if it is now held.

    What the pipeline would reject is held instead: an archive's comment was public already, so a person decides
    before it disappears. The ``imported`` reason stays beside the pipeline's.
    """
    imported = list(comment.reasons)
    apply_verdict(comment, verdict)
    if comment.status is CommentStatus.REJECTED:
        comment.status = CommentStatus.PENDING
    comment.reasons = [*comment.reasons, *imported]
    comment.reason_codes = reason_codes(comment.reasons)
    return comment.status is CommentStatus.PENDING
