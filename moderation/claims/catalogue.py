"""The claim catalogue: versioned TOML files of known claims (the shipped one, plus a site's own).

A file has a ``version`` and ``[[claim]]`` tables with ``id``, ``family`` (a narrative family of the rule file),
``text`` and ``reference``; ``action`` is optional (``hold``, the default, or ``flag``). A bad file stops start-up
with the file and the claim named, like a bad rule file.
"""

from __future__ import annotations

import enum
import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CATALOGUE = Path(__file__).resolve().parent / "catalogue" / "default.toml"


class ClaimAction(enum.StrEnum):
    """What a match above the hold threshold asks for (below it, above the flag threshold, it only flags)."""

    HOLD = "hold"
    FLAG = "flag"


class CatalogueError(ValueError):
    """A claim file that cannot be used; the message names the file and the claim."""


@dataclass(frozen=True)
class Claim:
    id: str
    family: str
    text: str
    reference: str
    action: ClaimAction = ClaimAction.HOLD


@dataclass(frozen=True)
class Catalogue:
    claims: tuple[Claim, ...]
    #: ``<file versions joined by +>@<content hash>``: changes whenever any claim does.
    version: str


def load_catalogue(paths: list[Path] | None = None) -> Catalogue:
    """The shipped catalogue followed by ``paths`` (a site's files); claim ids must be unique across all."""
    files = [DEFAULT_CATALOGUE, *(paths or [])]
    claims: list[Claim] = []
    versions, digest = [], hashlib.sha256()
    for path in files:
        try:
            raw = path.read_bytes()
            data = tomllib.loads(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise CatalogueError(f"{path}: {exc}") from exc
        digest.update(raw)
        versions.append(str(data.get("version", path.stem)))
        claims.extend(_claims(path, data.get("claim", [])))
    seen: set[str] = set()
    for claim in claims:
        if claim.id in seen:
            raise CatalogueError(f"claim id {claim.id!r} appears twice")
        seen.add(claim.id)
    return Catalogue(tuple(claims), f"{'+'.join(versions)}@{digest.hexdigest()[:8]}")


def _claims(path: Path, tables: object) -> list[Claim]:
    if not isinstance(tables, list):
        raise CatalogueError(f"{path}: 'claim' must be an array of tables ([[claim]])")
    out = []
    for number, table in enumerate(tables, 1):
        where = f"{path}: claim {number}"
        if not isinstance(table, dict):
            raise CatalogueError(f"{where}: not a table")
        missing = [key for key in ("id", "family", "text", "reference") if not str(table.get(key, "")).strip()]
        if missing:
            raise CatalogueError(f"{where}: missing {', '.join(missing)}")
        try:
            action = ClaimAction(table.get("action", "hold"))
        except ValueError:
            raise CatalogueError(f"{where}: action must be 'hold' or 'flag'") from None
        fields = {key: " ".join(str(table[key]).split()) for key in ("id", "family", "text", "reference")}
        out.append(Claim(**fields, action=action))
    return out
