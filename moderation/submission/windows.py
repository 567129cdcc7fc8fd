"""Scoring windows of a comment (pure), cut at the sentences of ``moderation.sentences``.

A model reads a bounded number of tokens (the bundled one 128), so a long comment is scored as overlapping windows
and each label takes its highest window score: an insult at the end of a long comment counts as much as one at the
start. Windows are cut at sentence ends, and inside an overlong sentence at spaces; each window repeats the last
piece of the one before it, so nothing said across a cut is lost.
"""

from __future__ import annotations

import re

from moderation.sentences import Span, sentence_spans

_SPACE = re.compile(r"\s+")


def text_windows(body: str, size: int) -> list[str]:
    """Overlapping windows of at most about ``size`` characters that together cover ``body`` (``size`` <= 0: one)."""
    if size <= 0 or len(body) <= size:
        return [body]
    pieces = [piece for span in sentence_spans(body) for piece in _split_long(body, span, size)]
    windows: list[str] = []
    first = 0
    while True:
        last = first
        while last + 1 < len(pieces) and pieces[last + 1].end - pieces[first].start <= size:
            last += 1
        windows.append(body[pieces[first].start : pieces[last].end])
        if last + 1 >= len(pieces):
            return windows
        first = last if last > first else last + 1  # the next window starts with this one's last piece


def _split_long(body: str, span: Span, size: int) -> list[Span]:
    """A sentence longer than ``size`` as word chunks of at most ``size`` characters, a quarter overlapping."""
    if span.end - span.start <= size:
        return [span]
    cuts = [span.start] + [m.end() for m in _SPACE.finditer(body, span.start, span.end)] + [span.end]
    chunks: list[Span] = []
    start_index = 0
    while True:
        end_index = start_index + 1
        while end_index + 1 < len(cuts) and cuts[end_index + 1] - cuts[start_index] <= size:
            end_index += 1
        chunks.append(Span(cuts[start_index], cuts[end_index]))
        if end_index + 1 >= len(cuts):
            return chunks
        back = next((i for i in range(start_index + 1, end_index) if cuts[end_index] - cuts[i] <= size // 4), end_index)
        start_index = back
