"""Trust rules: what an author's record changes about a decision the pipeline would publish.

New authors first: until ``KOMMENTARE_TRUST_MIN_PUBLISHED`` of their comments are published, what the pipeline
would publish is held with reason ``new_reader`` (Coral's "pre-moderate new commenters"). A signed-in reader's
record is their reader id's; a guest's is that of their account key (the keyed e-mail address, else name, that
campaign screening stores), so a new name with a known address is not new.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.campaigns.accounts import account_key
from moderation.campaigns.models import Fingerprint
from moderation.comments.models import Comment, CommentStatus
from moderation.messages import Message, text
from moderation.submission.identity import Author
from moderation.verdicts import Action, Reason, ReasonCode, Verdict


def published_count(session: Session, *, reader_id: int | None, email: str | None, name: str, secret: str) -> int:
    """Published comments of the reader, else of the guest account (``email`` as campaign screening keys it)."""
    published = select(func.count()).select_from(Comment).where(Comment.status == CommentStatus.PUBLISHED)
    if reader_id is not None:
        return int(session.scalar(published.where(Comment.reader_id == reader_id)) or 0)
    key = account_key(secret=secret, email=email, author_name=name)
    theirs = select(Fingerprint.comment_id).where(Fingerprint.account_key == key)
    return int(session.scalar(published.where(Comment.id.in_(theirs))) or 0)


def author_record(session: Session, author: Author, *, secret: str) -> int:
    reader_id = author.reader.id if author.reader is not None else None
    return published_count(session, reader_id=reader_id, email=author.account, name=author.name, secret=secret)


def with_trust(verdict: Verdict, *, published: int, minimum: int) -> Verdict:
    """Hold a would-be publish (or flag) while the author has fewer than ``minimum`` published comments."""
    if minimum <= 0 or published >= minimum or verdict.action.value > Action.FLAG.value:
        return verdict
    return dataclasses.replace(
        verdict, action=Action.HOLD, reasons=(Reason(ReasonCode.NEW_READER, text(Message.HELD)),)
    )
