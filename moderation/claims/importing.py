"""Claim files from the EUvsDisinfo case database (a copy the newsroom obtained under its terms).

Each case's ``summary`` (the claim as the outlet made it, in English) becomes a claim; its id is a hash of the
text, so importing an updated export again keeps the ids of the cases it already had. Imported claims only *flag*
by default: with 1,618 of them, 0.4 % of benign news comments (SFU) came nearer to one than any benign background
text, four times the budget for holds; a moderator promotes single claims to ``action = "hold"`` in the file.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from moderation.claims.catalogue import Claim, ClaimAction


def euvsdisinfo_claims(
    path: Path, *, action: ClaimAction = ClaimAction.FLAG, keep: Callable[[str], bool] = lambda _text: True
) -> list[Claim]:
    """One claim per distinct summary (``keep`` selects texts: the evaluation keeps one half)."""
    claims: dict[str, Claim] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = " ".join(row.get("summary", "").split())
            if not text or text in claims or not keep(text):
                continue
            keywords = [k.strip() for k in row.get("keywords", "").split(",") if k.strip()]
            family = "euvsdisinfo:" + (keywords[0].lower().replace(" ", "-") if keywords else "case")
            reference = f"EUvsDisinfo case of {row.get('date', '?')}, {row.get('outlet', '?')}: {row.get('title', '')}"
            ident = "euvsdisinfo-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
            claims[text] = Claim(ident, family, text, " ".join(reference.split()), action)
    return list(claims.values())


def to_toml(claims: Iterable[Claim], *, version: str) -> str:
    """A claim file (JSON strings are valid TOML basic strings)."""
    lines = [f"version = {json.dumps(version)}", ""]
    for claim in claims:
        lines += ["[[claim]]"]
        keys = ("id", "family", "text", "reference")
        lines += [f"{key} = {json.dumps(getattr(claim, key), ensure_ascii=False)}" for key in keys]
        lines += [f"action = {json.dumps(str(claim.action))}", ""]
    return "\n".join(lines)
