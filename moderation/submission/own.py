"""Readers' own comments: editing and deleting within the edit window, by the author only.

An edit is a new text and goes through the whole pipeline like a new comment (rules, watched words, the model,
the thresholds of its story): an edit that turns toxic is held or rejected and the answer says so. The previous
text, status and reasons are kept as a version for moderators, and the edit is audited and announced
(``comment.edited``, plus the new status's event when it changed). A delete keeps the text only in that version
history; the public tree shows "[gelöscht]" in its place when replies hang below it. Campaign screening does
not run again on an edit (the copy index keeps the first text): see the README.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from moderation.actors import Actor
from moderation.audit.models import AuditAction
from moderation.bans.service import refuse_if_banned, subjects_of
from moderation.comments.models import Comment, CommentStatus, CommentVersion
from moderation.comments.service import EVENT_FOR_STATUS, announce, apply_verdict, audit_comment, get_comment
from moderation.errors import Conflict, Forbidden
from moderation.messages import Message
from moderation.readers.service import bearer_token, identify
from moderation.submission.credentials import comment_of, is_edit_token
from moderation.submission.modes import with_article_mode
from moderation.submission.runtime import SubmissionRuntime, wordlist_for
from moderation.submission.store import StoredComment
from moderation.thresholds import merge
from moderation.webhooks.events import Subscription, subscriptions
from moderation.webhooks.models import EventType
from moderation.writes import serialized_writes

EDITABLE = (CommentStatus.PUBLISHED, CommentStatus.PENDING)


class NotYourComment(Forbidden):
    slug = "not-your-comment"
    title = "Not your comment"


class EditWindowClosed(Forbidden):
    slug = "edit-window-closed"
    title = "Edit window closed"


class NotEditable(Conflict):
    slug = "comment-not-editable"
    title = "Comment cannot be changed"


@dataclass(frozen=True)
class Change:
    """Who asks (the ``Authorization`` header as sent) and when."""

    authorization: str | None
    now: datetime


def edit_comment(
    *, session: Session, runtime: SubmissionRuntime, comment_id: int, body: str, change: Change
) -> StoredComment:
    """Re-moderate the new text and store it with its new decision; the old one becomes a version."""
    comment = _own(session, runtime, comment_id, change)
    thresholds = merge(runtime.policy.thresholds, comment.article.thresholds)
    verdict = runtime.pipeline.moderate(body, thresholds=thresholds, wordlist=wordlist_for(session, runtime))
    verdict = with_article_mode(
        verdict, comment.article, guest=comment.reader_id is None, guests_default=runtime.policy.guests
    )
    endpoints = subscriptions(session)
    with serialized_writes(session):
        before = _keep_version(session, comment, change.now)
        comment.body, comment.edited_at = body, change.now
        apply_verdict(comment, verdict)
        details = {"from": before.value, "to": comment.status.value, "reasons": comment.reasons}
        _record(session, comment, AuditAction.COMMENT_EDITED, EventType.EDITED, before, details, endpoints)
        stored = StoredComment.of(comment)
        session.commit()
    return stored


def delete_comment(*, session: Session, runtime: SubmissionRuntime, comment_id: int, change: Change) -> None:
    comment = _own(session, runtime, comment_id, change)
    endpoints = subscriptions(session)
    with serialized_writes(session):
        before = _keep_version(session, comment, change.now)
        comment.body, comment.status, comment.edited_at = "", CommentStatus.DELETED, change.now
        comment.flagged, comment.claimed_by, comment.claimed_until = False, None, None
        comment.needs_rescore = False
        _record(
            session, comment, AuditAction.COMMENT_DELETED, EventType.DELETED, before, {"from": before.value}, endpoints
        )
        session.commit()


def _own(session: Session, runtime: SubmissionRuntime, comment_id: int, change: Change) -> Comment:
    """The comment, if the caller wrote it and may still change it; else the refusal, in the reader's words."""
    comment = get_comment(session, comment_id)
    require_author(session, runtime, comment, change.authorization)
    if comment.status not in EDITABLE:
        raise NotEditable(Message.NOT_EDITABLE)
    refuse_if_banned(session, subjects_of(comment, secret=runtime.policy.secret_key), change.now)
    window = timedelta(seconds=runtime.policy.edit_window_seconds)
    if change.now > comment.created_at + window:
        minutes = max(1, runtime.policy.edit_window_seconds // 60)
        raise EditWindowClosed(Message.EDIT_WINDOW_CLOSED, params={"minutes": str(minutes)})
    return comment


def require_author(session: Session, runtime: SubmissionRuntime, comment: Comment, authorization: str | None) -> None:
    """``NotYourComment`` (403) unless the caller holds the comment's edit token or is its signed-in
    author (the edit token itself never expires; the edit window is checked by the caller where it applies)."""
    token = bearer_token(authorization)
    if token is None:
        raise NotYourComment(Message.NOT_YOUR_COMMENT)
    if is_edit_token(token):
        mine = comment_of(runtime.policy.secret_key, token) == comment.id
    else:
        mine = (
            comment.reader_id is not None
            and identify(session=session, token=token, config=runtime.sso).id == comment.reader_id
        )
    if not mine:
        raise NotYourComment(Message.NOT_YOUR_COMMENT)


def _keep_version(session: Session, comment: Comment, now: datetime) -> CommentStatus:
    session.add(
        CommentVersion(
            comment_id=comment.id,
            body=comment.body,
            status=comment.status,
            reasons=comment.reasons,
            rule_hits=comment.rule_hits,
            replaced_at=now,
        )
    )
    return comment.status


def _record(
    session: Session,
    comment: Comment,
    action: AuditAction,
    event: EventType,
    before: CommentStatus,
    details: Mapping[str, object],
    endpoints: Sequence[Subscription],
) -> None:
    actor = Actor.READER if comment.reader_id is None else f"reader:{comment.reader_id}"
    audit_comment(session, comment=comment, actor=actor, action=action, details=dict(details))
    status_changed = comment.status is not before and comment.status in EVENT_FOR_STATUS
    changed = (EVENT_FOR_STATUS[comment.status],) if status_changed else ()
    announce(session, comment=comment, event_types=(event, *changed), endpoints=endpoints)
