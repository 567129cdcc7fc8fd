"""Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over ``id.timestamp.body``.

During a secret rotation a message carries one signature per secret, space-separated (``v1,<a> v1,<b>``), as the
specification allows, so a receiver verifying with either the old or the new secret accepts it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Sequence

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key is the base64-decoded part after ``whsec_``; raises ValueError for anything else."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"must start with '{SECRET_PREFIX}'")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error as exc:
        raise ValueError("must be base64 after the prefix") from exc
    if not 24 <= len(key) <= 64:
        raise ValueError("key must decode to 24-64 bytes")
    return key


def sign(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(*, secrets: Sequence[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    signatures = " ".join(sign(secret=s, message_id=message_id, timestamp=timestamp, body=body) for s in secrets)
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signatures,
    }
