"""Scoring windows of long comments (pure), and a long comment whose insult sits past the model's reach."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import pytest

from moderation.filters.rules import load_ruleset
from moderation.sentences import Span, sentence_spans
from moderation.submission.pipeline import ModerationPipeline
from moderation.submission.windows import text_windows
from moderation.verdicts import Action
from tests.fakes import KeywordScorer

FILLER = "Die Lage an der Front bleibt unübersichtlich, berichten Korrespondenten aus der Region. "


@pytest.mark.parametrize("size", [50, 120, 400])
def test_windows_cover_every_word_and_stay_short(size: int) -> None:
    body = FILLER * 12 + "Ein letzter Satz ohne Ende"
    windows = text_windows(body, size)
    assert len(windows) > 1
    assert all(len(window) <= size for window in windows)
    assert set(body.split()) == {word for window in windows for word in window.split()}
    assert windows[-1].endswith("ohne Ende")


def test_an_overlong_sentence_is_cut_at_spaces_with_overlap() -> None:
    body = " ".join(f"wort{i}" for i in range(200))
    windows = text_windows(body, 100)
    assert all(len(window) <= 100 for window in windows)
    assert all(a.split()[-1] in b.split() for a, b in itertools.pairwise(windows))


def test_short_text_and_no_limit_are_one_window() -> None:
    assert text_windows("Kurz.", 400) == ["Kurz."]
    assert text_windows(FILLER * 20, 0) == [FILLER * 20]
    assert sentence_spans("Eins.  Zwei!") == [Span(0, 5), Span(7, 12)]


class FirstCharsScorer(KeywordScorer):
    """A model that reads only the first ``limit`` characters, like a transformer truncating at its positions."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return super().score([text[: self.limit] for text in texts])


@pytest.mark.parametrize(("window_chars", "action"), [(0, Action.PUBLISH), (400, Action.REJECT)])
def test_an_insult_at_the_end_of_a_long_comment_counts(window_chars: int, action: Action) -> None:
    pipeline: Any = ModerationPipeline(
        scorer=FirstCharsScorer(450), ruleset=load_ruleset(), timeout_seconds=5.0, window_chars=window_chars
    )
    body = FILLER * 15 + "Und der Autor ist ein Giftzwerg."
    verdict = pipeline.moderate(body, thresholds={"toxicity": {"hold": 0.5, "reject": 0.95}})
    assert verdict.action is action
