"""Keyset pagination, the one way every listing pages: an opaque cursor in, a page and the next cursor out.

Offsets drift while comments arrive and cost more the deeper a moderator pages; a keyset (the sort key of the last
row seen) does neither. Every listing asks for one row more than it shows, so ``next_cursor`` is set exactly when
there is a next page and a client never ends on an empty one. A cursor names the listing's order (``tag``) and
carries the last row's key values; one from another order or listing is a field error on ``cursor``, not a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from marshmallow import Schema, fields, validate
from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.orm import QueryableAttribute, Session

from moderation.errors import InvalidInput
from moderation.http import MAX_ID

T = TypeVar("T")
Key = tuple[int, ...]
KeyColumn = ColumnElement[Any] | QueryableAttribute[Any]
AnySelect = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


@dataclass(frozen=True)
class Order:
    """A listing's order: the key columns (the last one unique, usually the id), all ascending or all descending."""

    tag: str
    keys: tuple[KeyColumn, ...]
    descending: bool


def encode_cursor(tag: str, key: Key) -> str:
    raw = json.dumps([tag, *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, order: Order) -> Key | None:
    """The key a cursor carries, checked against the order it must belong to; ``InvalidInput`` if it does not."""
    if not cursor:
        return None
    try:
        tag, *values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        valid = tag == order.tag and len(values) == len(order.keys)
        if not valid or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_ID for v in values):
            raise ValueError
        return tuple(values)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(
            "The cursor is not valid for this listing.",
            errors={"cursor": ["Invalid cursor; use the next_cursor value of a response of the same listing."]},
        ) from None


def after_key(query: AnySelect, order: Order, key: Key | None) -> AnySelect:
    """``query`` ordered by ``order`` and limited to rows strictly after ``key`` (a row-value comparison, spelled
    out so it works on every backend)."""
    query = query.order_by(*(column.desc() if order.descending else column.asc() for column in order.keys))
    if key is None:
        return query
    pairs = list(zip(order.keys, key, strict=True))
    beyond = [(column < value) if order.descending else (column > value) for column, value in pairs]
    equal = [column == value for column, value in pairs]
    clauses = [and_(*equal[:i], beyond[i]) for i in range(len(order.keys))]
    return query.where(or_(*clauses))


def fetch_page(
    session: Session,
    query: AnySelect,
    *,
    order: Order,
    cursor: str | None,
    limit: int,
    key_of: Callable[[Any], Key],
    scalars: bool = True,
) -> Page[Any]:
    """One page of ``query`` after ``cursor``; ``key_of`` reads a row's key values (matching ``order.keys``)."""
    paged = after_key(query, order, decode_cursor(cursor, order)).limit(limit + 1)
    rows: Sequence[Any] = list(session.scalars(paged)) if scalars else session.execute(paged).all()
    items, more = list(rows[:limit]), len(rows) > limit
    return Page(items, encode_cursor(order.tag, key_of(items[-1])) if more else None)


def legacy_id_cursor(tag: str, last_id: int | None) -> str | None:
    """The cursor equivalent to the deprecated ``after``/``before`` id parameters of listings keyed by id alone."""
    return None if last_id is None else encode_cursor(tag, (last_id,))


class PageQuerySchema(Schema):
    """The query parameters every moderator listing pages with."""

    cursor = fields.String(load_default=None, validate=validate.Length(max=200))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


def legacy_id_field() -> fields.Integer:
    """The deprecated ``after``/``before`` id parameter a listing took before cursors (translated to a cursor)."""
    return fields.Integer(
        load_default=None,
        validate=validate.Range(min=0, max=MAX_ID),
        metadata={"description": "Deprecated: pass next_cursor as 'cursor'.", "deprecated": True},
    )
