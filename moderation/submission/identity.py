"""Who a submission comes from: a reader named by the newsroom's token, or a guest with a typed name.

A signed-in reader's name and e-mail address come from the token (what they type is ignored) and their account
for campaign screening is their newsroom id; a guest must give a name, which is checked against the reserved
ones. Both get an edit token with the answer.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from moderation.bans.service import subjects_for
from moderation.errors import InvalidInput
from moderation.readers.models import Reader
from moderation.readers.service import bearer_token, identify
from moderation.submission.credentials import edit_token, is_edit_token
from moderation.submission.policy import SubmissionPolicy
from moderation.submission.runtime import SubmissionRuntime
from moderation.submission.store import StoredComment, check_author


@dataclass(frozen=True)
class Author:
    name: str
    email: str | None
    reader: Reader | None = None

    def ban_subjects(self, secret: str) -> list[str]:
        """What a ban on this author names (``bans.service``)."""
        return subjects_for(reader_id=self.reader_id, email=self.email, author_name=self.name, secret=secret)

    @property
    def reader_id(self) -> int | None:
        return self.reader.id if self.reader is not None else None

    @property
    def account(self) -> str | None:
        """What campaign screening keys the account on: the newsroom id, else the guest's e-mail address."""
        return f"sso:{self.reader.sub}" if self.reader is not None else self.email


def author_of(
    session: Session, runtime: SubmissionRuntime, *, name: str | None, email: str | None, authorization: str | None
) -> Author:
    """The author of a submission with the typed ``name``/``email``; 401 for a token that is not the newsroom's."""
    token = bearer_token(authorization)
    if token is not None and not is_edit_token(token):
        reader = identify(session=session, token=token, config=runtime.sso)
        return Author(reader.name, reader.email, reader)
    if not name:
        raise InvalidInput("Please give a name.", errors={"author_name": ["Missing data for required field."]})
    check_author(session, name, runtime.policy.reserved_author_names)
    return Author(name, email)


def with_edit_token(stored: StoredComment, policy: SubmissionPolicy) -> StoredComment:
    until = stored.created_at + timedelta(seconds=policy.edit_window_seconds)
    return dataclasses.replace(stored, edit_token=edit_token(policy.secret_key, stored.id), editable_until=until)
