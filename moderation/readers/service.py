"""Who is posting: a reader from the newsroom's token, kept as one row per ``sub``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moderation.readers.models import Reader
from moderation.readers.sso import Claims, SsoConfig, verify
from moderation.types import utcnow

BEARER = "bearer "


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    if not authorization or not authorization.lower().startswith(BEARER):
        return None
    token = authorization[len(BEARER) :].strip()
    return token or None


def reader_for(session: Session, claims: Claims) -> Reader:
    """The reader row for ``claims.sub``, created on first sight, name and e-mail following the newsroom's token.
    Flushed, not committed: the caller's unit of work (the comment it posts) commits both or neither."""
    reader = session.scalar(select(Reader).where(Reader.sub == claims.sub))
    if reader is None:
        try:
            with session.begin_nested():  # two first comments at once: one insert wins, the other reads it
                reader = Reader(sub=claims.sub, name=claims.name, email=claims.email)
                session.add(reader)
        except IntegrityError:
            reader = session.scalars(select(Reader).where(Reader.sub == claims.sub)).one()
    reader.name, reader.email, reader.last_seen_at = claims.name, claims.email, utcnow()
    return reader


def identify(*, session: Session, token: str, config: SsoConfig) -> Reader:
    """The reader behind a newsroom token (``InvalidIdentity`` if it is not one)."""
    return reader_for(session, verify(token, config))


def signed_in_reader(*, session: Session, authorization: str | None, config: SsoConfig) -> Reader | None:
    """The reader an ``Authorization: Bearer`` header names, None without one (401 for a token that is not valid)."""
    token = bearer_token(authorization)
    return identify(session=session, token=token, config=config) if token is not None else None
