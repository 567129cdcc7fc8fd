"""Edit credentials for guests: a signed token naming one comment, returned once with the 201/202 answer.

Guests have no login, so the answer to their post carries ``edit_token``: the comment id signed with the site's
secret key (``itsdangerous``, its own salt, so it cannot pass for a session or anything else signed with the same
key). Sent back as ``Authorization: Bearer kedit_...`` it lets its holder edit or delete that comment while the
edit window is open; readers signed in through the newsroom's token may use that token instead.
"""

from __future__ import annotations

from functools import lru_cache

from itsdangerous import BadSignature, URLSafeSerializer

PREFIX = "kedit_"
_SALT = "kommentare.comment-edit"


@lru_cache(maxsize=8)
def _serializer(secret: str) -> URLSafeSerializer:
    """One per secret (every answer to a post signs a token; a rotated secret gets its own)."""
    return URLSafeSerializer(secret, salt=_SALT)


def edit_token(secret: str, comment_id: int) -> str:
    return PREFIX + _serializer(secret).dumps({"comment": comment_id})


def is_edit_token(token: str) -> bool:
    return token.startswith(PREFIX)


def comment_of(secret: str, token: str) -> int | None:
    """The comment id the token was issued for, or None when it is not one of ours."""
    if not is_edit_token(token):
        return None
    try:
        data = _serializer(secret).loads(token[len(PREFIX) :])
    except BadSignature:
        return None
    comment = data.get("comment") if isinstance(data, dict) else None
    return comment if isinstance(comment, int) and not isinstance(comment, bool) else None
