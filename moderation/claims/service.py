"""The process-wide claim matcher: the encoder, the catalogue's centred vectors and its fitted thresholds.

Built once per app, loaded on first use (the catalogue's vectors are cached on disk per encoder and catalogue
version, so a worker with a large site catalogue does not embed it again at every start). ``check`` raises when
the encoder fails; the submission pipeline then holds the comment with ``claims_unavailable``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from moderation.claims.catalogue import Catalogue
from moderation.claims.matching import ClaimThresholds, centre, claim_hit, fit_thresholds, nearest, spans
from moderation.verdicts import RuleHit

log = logging.getLogger(__name__)


class EncoderPort(Protocol):
    """What the matcher needs of an encoder (``encoder.ClaimEncoder``, or a fast stand-in in unit tests)."""

    @property
    def encoder_id(self) -> str: ...

    def background(self) -> np.ndarray: ...

    def embed_raw(self, text: str) -> np.ndarray: ...


@dataclass(frozen=True)
class MatcherSettings:
    #: Quantiles of the benign background's nearest-claim similarity (1.0: more similar than any background text;
    #: 0.999: than all but one in a thousand). The service's defaults are ``Settings.claims_*_quantile``.
    hold_quantile: float = 1.0
    flag_quantile: float = 0.999
    #: Shorter comments are not checked: a handful of words does not state a claim, and their vectors are noisy.
    min_words: int = 5
    #: Long comments are checked in pieces of about this many characters, at most ``max_pieces`` of them.
    piece_chars: int = 400
    max_pieces: int = 4


@dataclass(frozen=True)
class _Index:
    mean: np.ndarray
    vectors: np.ndarray
    thresholds: ClaimThresholds


class ClaimMatcher:
    def __init__(
        self, *, encoder: EncoderPort, catalogue: Catalogue, settings: MatcherSettings, cache_dir: Path | None
    ) -> None:
        self.encoder = encoder
        self.catalogue = catalogue
        self.settings = settings
        self.cache_dir = cache_dir
        self._index: _Index | None = None
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        return self.catalogue.version

    @property
    def thresholds(self) -> ClaimThresholds:
        return self._loaded().thresholds

    def load(self) -> None:
        self._loaded()

    def check(self, text: str) -> tuple[RuleHit, ...]:
        """The nearest claim as a hold or flag hit, or nothing; raises when the encoder fails."""
        pieces = self.embed(text)
        return self.judge(text, *pieces) if pieces is not None else ()

    def embed(self, text: str) -> tuple[list[tuple[int, int]], np.ndarray] | None:
        """The pieces of ``text`` and their raw vectors; None for a comment too short to check."""
        if len(text.split()) < self.settings.min_words or not self.catalogue.claims:
            return None
        where = spans(text, self.settings.piece_chars, self.settings.max_pieces)
        return where, np.stack([self.encoder.embed_raw(text[start:end]) for start, end in where])

    def judge(self, text: str, where: list[tuple[int, int]], raw: np.ndarray) -> tuple[RuleHit, ...]:
        """The hit for vectors from ``embed`` (the evaluation embeds once and judges against several catalogues)."""
        index = self._loaded()
        match = nearest(centre(raw, index.mean), where, index.vectors, self.catalogue.claims, index.thresholds)
        if match is None:
            return ()
        return (claim_hit(text, match, encoder_id=self.encoder.encoder_id, catalogue_version=self.version),)

    def _loaded(self) -> _Index:
        with self._lock:
            if self._index is None:
                self._index = self._build()
                names = (len(self.catalogue.claims), self.version, self._index.thresholds)
                log.info("claim catalogue: %d claims, version %s, thresholds %s", *names)
            return self._index

    def _build(self) -> _Index:
        background = self.encoder.background()
        mean = background.mean(axis=0)
        vectors = centre(self._claim_vectors(), mean)
        limits = fit_thresholds(
            centre(background, mean),
            vectors,
            hold=self.settings.hold_quantile,
            flag=self.settings.flag_quantile,
        )
        return _Index(mean, vectors, limits)

    def _claim_vectors(self) -> np.ndarray:
        """The catalogue's raw vectors, from the cache when it holds this encoder's and catalogue's."""
        cache = None
        if self.cache_dir is not None:
            cache = self.cache_dir / f"{self.encoder.encoder_id}-{self.version}.npy".replace("@", "_")
            cached = _read_cache(cache, len(self.catalogue.claims))
            if cached is not None:
                return cached
        vectors = np.stack([self.encoder.embed_raw(claim.text) for claim in self.catalogue.claims])
        if cache is not None:
            _write_cache(cache, vectors)
        return vectors


def _read_cache(path: Path, rows: int) -> np.ndarray | None:
    if not path.exists():
        return None
    try:
        cached: np.ndarray = np.load(path)
    except (OSError, ValueError):
        log.warning("claim vector cache %s unreadable; embedding the catalogue again", path)
        return None
    if cached.shape[0] != rows:
        log.warning("claim vector cache %s does not fit the catalogue; embedding it again", path)
        return None
    return cached


def _write_cache(path: Path, vectors: np.ndarray) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    except OSError:
        log.warning("claim vector cache %s not writable", path)
