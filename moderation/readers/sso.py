"""The newsroom's single sign-on: the article page hands us its logged-in reader as a signed JWT.

HS256 with a shared secret (``KOMMENTARE_SSO_SECRET``) or RS256/ES256 with the newsroom's public key
(``KOMMENTARE_SSO_PUBLIC_KEY_FILE``). Claims: ``sub`` (required, the newsroom's account id), ``name`` (required),
``email`` (optional), ``exp`` (required); ``aud``/``iss`` are checked when configured; clocks may disagree by
``KOMMENTARE_SSO_LEEWAY_SECONDS``. Only the configured algorithms are accepted (never ``none``, and never an
HMAC checked against a public key: the classic algorithm-confusion attack).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jwt

from moderation.errors import Unauthorized

HMAC_ALGORITHMS = ("HS256",)
KEY_ALGORITHMS = ("RS256", "ES256")


class InvalidIdentity(Unauthorized):
    slug = "invalid-reader-token"
    title = "Invalid reader token"


@dataclass(frozen=True)
class SsoConfig:
    secret: str = ""
    public_key: str = ""
    audience: str = ""
    issuer: str = ""
    leeway_seconds: int = 30

    @property
    def enabled(self) -> bool:
        return bool(self.secret or self.public_key)

    @classmethod
    def load(cls, *, secret: str, public_key_file: str, audience: str, issuer: str, leeway: int) -> SsoConfig:
        """Reads the public key file once, at start-up (a missing file stops the service with its path)."""
        key = Path(public_key_file).read_text(encoding="utf-8") if public_key_file else ""
        return cls(secret, key, audience, issuer, leeway)


@dataclass(frozen=True)
class Claims:
    sub: str
    name: str
    email: str | None


def verify(token: str, config: SsoConfig) -> Claims:
    """The reader the token names, or ``InvalidIdentity`` (401) saying why, in words a developer can act on."""
    if not config.enabled:
        raise InvalidIdentity("Reader tokens are not accepted here (no KOMMENTARE_SSO_SECRET or public key).")
    key, algorithms = (config.public_key, KEY_ALGORITHMS) if config.public_key else (config.secret, HMAC_ALGORITHMS)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=list(algorithms),
            audience=config.audience or None,
            issuer=config.issuer or None,
            leeway=config.leeway_seconds,
            options={"require": ["exp", "sub"], "verify_aud": bool(config.audience)},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidIdentity("The reader token has expired.") from exc
    except jwt.PyJWTError as exc:
        raise InvalidIdentity(f"The reader token is not valid: {exc}.") from exc
    return _claims(claims)


def _claims(claims: dict[str, object]) -> Claims:
    sub, name, email = claims.get("sub"), claims.get("name"), claims.get("email")
    if not isinstance(sub, str) or not sub.strip() or len(sub) > 255:
        raise InvalidIdentity("The reader token's 'sub' must be a non-empty string of at most 255 characters.")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise InvalidIdentity("The reader token's 'name' must be a non-empty string of at most 200 characters.")
    if email is not None and (not isinstance(email, str) or len(email) > 254):
        raise InvalidIdentity("The reader token's 'email' must be a string of at most 254 characters.")
    return Claims(sub, name.strip(), email)
