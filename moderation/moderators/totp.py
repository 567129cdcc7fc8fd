"""Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the optional second factor.

What every authenticator app (FreeOTP, Aegis, Google Authenticator, 1Password) speaks. A code is accepted for
the step before and after the current one (clock drift), and never twice: the last step used is stored, so a
code read over a shoulder cannot be replayed within its minute.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import urllib.parse

STEP_SECONDS = 30
DIGITS = 6
#: Steps either side of now that still count (one: a code typed as it rolls over still works).
DRIFT = 1


def new_secret() -> str:
    """160 random bits in base32, the length RFC 4226 recommends."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def provisioning_uri(*, secret: str, account: str, issuer: str = "Kommentare") -> str:
    """The ``otpauth://`` URI an authenticator app reads (typed in, or shown as a QR code by any generator)."""
    label = urllib.parse.quote(f"{issuer}:{account}")
    query = urllib.parse.urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP_SECONDS})
    return f"otpauth://totp/{label}?{query}"


def code_at(secret: str, step: int) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def step_of(timestamp: float) -> int:
    return int(timestamp // STEP_SECONDS)


def matching_step(*, secret: str, code: str, now: float, last_step: int | None) -> int | None:
    """The step ``code`` belongs to (within the drift window, later than ``last_step``), else None."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = step_of(now)
    for step in range(current - DRIFT, current + DRIFT + 1):
        if (last_step is None or step > last_step) and hmac.compare_digest(code_at(secret, step), code):
            return step
    return None
