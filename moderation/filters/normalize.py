"""Text normalisation for matching, keeping a map back to the reader's original offsets.

Rules match on a folded form (NFKC, format characters removed, casefolded) so fullwidth letters, zero-width
splits and case games do not evade them, but moderators must see the span in the text the reader wrote.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Normalized:
    original: str
    text: str
    #: ``starts[i]``/``ends[i]``: the original-text span of the cluster that produced ``text[i]``.
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    format_chars_removed: int

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the normalised text back to the original text."""
        return self.starts[start], self.ends[end - 1]


def _clusters(text: str) -> list[tuple[int, str]]:
    """Split into (offset, base character + following combining marks), so NFKC can compose each cluster."""
    clusters: list[tuple[int, str]] = []
    for index, char in enumerate(text):
        if clusters and unicodedata.combining(char):
            start, chunk = clusters[-1]
            clusters[-1] = (start, chunk + char)
        else:
            clusters.append((index, char))
    return clusters


def normalize(text: str) -> Normalized:
    """NFKC + casefold per cluster, dropping format characters (zero-width, bidi controls) and counting them."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    removed = 0
    for start, cluster in _clusters(text):
        if unicodedata.category(cluster[0]) == "Cf":
            removed += 1
            continue
        folded = unicodedata.normalize("NFKC", cluster).casefold()
        out.append(folded)
        starts.extend([start] * len(folded))
        ends.extend([start + len(cluster)] * len(folded))
    return Normalized(text, "".join(out), tuple(starts), tuple(ends), removed)
