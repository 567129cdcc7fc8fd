"""The author's side of a decision (EU Digital Services Act, Art. 17 and 20): a statement of reasons, and an
appeal that puts a rejected comment back in the queue for another moderator.

The statement says what was decided and when, the category of the reason in words, which facts (reason codes,
model labels, rule ids) it rests on, whether it was automated (the pipeline alone) or a person's decision, and how
to appeal. Only the author may read it or appeal (the comment's edit token, or their newsroom login). One appeal
per comment, with an optional note; the comment goes back to ``pending`` with reason ``appealed``, and the
moderator who rejected it cannot decide it again (the queue refuses, 403); an automated rejection may be decided
by any moderator.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy.orm import Session

from moderation.audit.models import AuditAction
from moderation.comments.models import Comment, CommentStatus
from moderation.comments.service import announce, audit_comment, get_comment
from moderation.comments.statements import Statement, statement
from moderation.errors import Conflict
from moderation.messages import Message
from moderation.notifications.service import address_of_token, author_address
from moderation.submission.own import NotYourComment, require_author
from moderation.submission.runtime import SubmissionRuntime
from moderation.types import utcnow
from moderation.verdicts import Reason, ReasonCode
from moderation.webhooks.models import EventType


class AlreadyAppealed(Conflict):
    slug = "already-appealed"
    title = "Already appealed"


class NotAppealable(Conflict):
    slug = "not-appealable"
    title = "Nothing to appeal"


def statement_of_reasons(
    *, session: Session, runtime: SubmissionRuntime, comment_id: int, authorization: str | None
) -> Statement:
    comment = get_comment(session, comment_id)
    require_author(session, runtime, comment, authorization)
    session.rollback()  # reads only
    return statement(comment)


def appeal(
    *,
    session: Session,
    runtime: SubmissionRuntime,
    comment_id: int,
    authorization: str | None,
    note: str | None,
) -> Statement:
    """Back to the queue for another moderator; audited and announced (``comment.held``); commits."""
    comment = get_comment(session, comment_id)
    require_author(session, runtime, comment, authorization)
    return _appeal(session, comment, note)


@dataclass(frozen=True)
class MailedStatement:
    statement: Statement
    #: The language of the mail the link came in, for the page.
    language: str


def mailed_statement(*, session: Session, token: str, comment_id: int) -> MailedStatement:
    """The statement for the link in a decision notice: the mail's token stands for the author's address."""
    comment, language = _mailed_comment(session, token, comment_id)
    told = MailedStatement(statement(comment, language), language)
    session.rollback()  # reads only
    return told


def appeal_by_mail(*, session: Session, token: str, comment_id: int, note: str | None) -> MailedStatement:
    """The appeal from the decision notice's link (the reader has neither an edit token nor a login there)."""
    comment, language = _mailed_comment(session, token, comment_id)
    return MailedStatement(_appeal(session, comment, note), language)


def _mailed_comment(session: Session, token: str, comment_id: int) -> tuple[Comment, str]:
    comment = get_comment(session, comment_id)
    address, language = address_of_token(session=session, token=token)
    if address != author_address(session, comment):
        raise NotYourComment(Message.LINK_OF_ANOTHER_COMMENT)
    return comment, language


def _appeal(session: Session, comment: Comment, note: str | None) -> Statement:
    if comment.appealed_at is not None:
        raise AlreadyAppealed(Message.ALREADY_APPEALED)
    if comment.status is not CommentStatus.REJECTED:
        raise NotAppealable(Message.NOT_APPEALABLE)
    now = utcnow()
    comment.appealed_at, comment.appeal_note, comment.appeal_excluded = now, note, comment.moderated_by
    comment.status = CommentStatus.PENDING
    comment.reasons = [
        Reason.told(ReasonCode.APPEALED, Message.APPEALED).as_json(),
        *comment.reasons,
    ]
    audit_comment(
        session,
        comment=comment,
        actor="reader" if comment.reader_id is None else f"reader:{comment.reader_id}",
        action=AuditAction.COMMENT_APPEALED,
        details={"from": "rejected", "to": "pending", "excluded": comment.appeal_excluded},
    )
    announce(session, comment=comment, event_types=(EventType.HELD,))
    session.commit()
    return dataclasses.replace(statement(comment), appeal_possible=False, appeal_how=None)
