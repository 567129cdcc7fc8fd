"""MinHash fingerprints of comment texts for finding near-copies (pure, numpy-vectorised).

A comment is reduced to its *canonical text* (the rule engine's normalisation, then URLs and punctuation removed and
whitespace collapsed), cut into overlapping character 5-grams ("shingles"), and each shingle hashed to 64 bits.
Two comments are near-copies when the Jaccard similarity of their shingle sets is at least ``SIMILARITY``:
changing a word or two in a typical comment keeps it above 0.8, while two comments that merely discuss the same
topic share few 5-grams and stay well below.

Comparing a new comment with every stored one is out of the question, so each comment also gets a MinHash
signature (``PERMUTATIONS`` minima under fixed pseudo-random permutations of the 64-bit shingle hashes) cut into
``BANDS`` bands of ``ROWS`` rows; each band is hashed to one signed 64-bit *band key*. With ``p = s**ROWS``, two
comments of Jaccard similarity ``s`` share a given band with probability ``p``, and a candidate must share at least
``MIN_SHARED_BANDS`` (2) of the 16: probability ``1 - (1-p)**16 - 16*p*(1-p)**15``, i.e. 0.9974 at s = 0.8,
0.99998 at s = 0.9, 0.26 at s = 0.5 and 0.007 at s = 0.3. One shared band is not enough because boilerplate
("Danke für den Artikel.") makes many unrelated comments share one band: in the 1M-comment benchmark index a new
comment shares one band with 27 stored ones (median) but two bands with almost none. Shared keys only nominate
candidates; the exact Jaccard similarity of the shingle sets confirms them.

Every constant is derived here from fixed seeds with integer arithmetic, never from Python's ``hash()`` (salted
per process) or a random generator whose stream may change between numpy versions, so band keys written by one
worker or host are found by every other.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from moderation.filters.normalize import normalize

SHINGLE = 5
PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
MIN_SHARED_BANDS = 2
#: Default confirmation threshold (``KOMMENTARE_CAMPAIGN_SIMILARITY``): a few words changed in a comment stay above.
SIMILARITY = 0.8
#: Default minimum canonical length (``KOMMENTARE_CAMPAIGN_MIN_LENGTH``): "Danke!" or "Sehr gut" is never a copy.
MIN_LENGTH = 40

Hashes = npt.NDArray[np.uint64]
_MASK64 = (1 << 64) - 1
_URL = re.compile(r"(?:https?://|www\.)\S+")
_NON_WORD = re.compile(r"[\W_]+")


def _splitmix64(seed: int, count: int) -> list[int]:
    """A fixed, portable stream of 64-bit constants (SplitMix64)."""
    values = []
    for _ in range(count):
        seed = (seed + 0x9E3779B97F4A7C15) & _MASK64
        z = seed
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        values.append(z ^ (z >> 31))
    return values


_C1 = np.uint64(0xFF51AFD7ED558CCD)
_C2 = np.uint64(0xC4CEB9FE1A85EC53)
_PRIME = np.uint64(0x100000001B3)  # polynomial base for rolling shingle hashes (the FNV-1a 64-bit prime)
#: Permutation i maps a shingle hash x to A[i] * x + B[i] (mod 2**64); A is odd, so each is a bijection.
_A = np.array([v | 1 for v in _splitmix64(0x6B6F6D6D656E7461, PERMUTATIONS)], dtype=np.uint64)[:, None]
_B = np.array(_splitmix64(0x63616D706169676E, PERMUTATIONS), dtype=np.uint64)[:, None]
_BAND_SEEDS = np.array(_splitmix64(0x62616E64736B6579, BANDS), dtype=np.uint64)
#: A band key hashes sum(F[r] * row[r]) (mod 2**64), so the order of the rows matters.
_ROW_FACTORS = np.array([v | 1 for v in _splitmix64(0x726F77666163746F, ROWS)], dtype=np.uint64)


def _fmix64(h: Hashes) -> Hashes:
    """MurmurHash3's 64-bit finaliser (a bijection that spreads every input bit over the output), in place."""
    h ^= h >> np.uint64(33)
    h *= _C1
    h ^= h >> np.uint64(33)
    h *= _C2
    h ^= h >> np.uint64(33)
    return h


def canonical_text(text: str) -> str:
    """What copies share once disguises are undone: folded text without URLs, punctuation or extra spaces."""
    folded = _URL.sub(" ", normalize(text).text)
    return " ".join(_NON_WORD.sub(" ", folded).split())


def shingle_hashes(canonical: str) -> Hashes:
    """Sorted unique 64-bit hashes of the character 5-grams (a text shorter than one shingle is one shingle)."""
    codes = np.frombuffer(canonical.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if codes.size == 0:
        return np.zeros(0, dtype=np.uint64)
    count = max(codes.size - SHINGLE + 1, 1)
    rolled = np.zeros(count, dtype=np.uint64)
    for offset in range(min(SHINGLE, codes.size)):
        rolled *= _PRIME
        rolled += codes[offset : offset + count]
    return np.unique(_fmix64(rolled))


def signature(shingles: Hashes) -> Hashes:
    """MinHash signature: per permutation, the smallest permuted shingle hash."""
    if shingles.size == 0:
        raise ValueError("no shingles to sign")
    permuted: Hashes = _A * shingles[None, :]
    permuted += _B
    return permuted.min(axis=1)  # type: ignore[no-any-return]


def band_keys(sig: Hashes) -> list[int]:
    """One signed 64-bit key per band (fits a BIGINT); the band's index is mixed in so bands never collide."""
    mixed: Hashes = sig.reshape(BANDS, ROWS) * _ROW_FACTORS
    keys: Hashes = mixed.sum(axis=1, dtype=np.uint64)
    keys ^= _BAND_SEEDS
    return [int(k) for k in _fmix64(keys).view(np.int64)]


def jaccard(a: Hashes, b: Hashes) -> float:
    """Exact Jaccard similarity of two sorted unique shingle-hash arrays."""
    if a.size == 0 and b.size == 0:
        return 1.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common)


def text_hash(canonical: str) -> int:
    """Signed 64-bit digest of the canonical text: equal digests mean identical copies (no shingles to compare)."""
    return int.from_bytes(hashlib.blake2b(canonical.encode(), digest_size=8).digest(), "big", signed=True)


@dataclass(frozen=True)
class TextPrint:
    """Everything the index stores or compares for one comment text."""

    canonical: str
    shingles: Hashes
    digest: int
    keys: tuple[int, ...]


def fingerprint(text: str, *, min_length: int = MIN_LENGTH) -> TextPrint | None:
    """The text's fingerprint, or None when its canonical form is too short to call anything a copy of it."""
    canonical = canonical_text(text)
    if len(canonical) < max(min_length, SHINGLE):
        return None
    shingles = shingle_hashes(canonical)
    return TextPrint(canonical, shingles, text_hash(canonical), tuple(band_keys(signature(shingles))))


def shingles_of(text: str) -> Hashes:
    """Shingle hashes of a stored comment body, recomputed to confirm a candidate exactly."""
    return shingle_hashes(canonical_text(text))
