"""Who posted: there is no login, so an "account" is a keyed hash of the e-mail address, else of the author name.

Only the hash is stored in the campaign index. It is keyed with the app's secret key (HMAC-SHA256), so a leaked
index cannot be reversed by hashing a list of known addresses; e-mail addresses stay in ``comments`` only, where
moderators already see them.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata


def account_key(*, secret: str, email: str | None, author_name: str) -> str:
    """64 hex characters; case and spacing variants of one address or name are one account."""
    if email and email.strip():
        subject = "email:" + email.strip().casefold()
    else:
        subject = "name:" + " ".join(unicodedata.normalize("NFKC", author_name).casefold().split())
    return hmac.new(secret.encode(), subject.encode(), hashlib.sha256).hexdigest()
