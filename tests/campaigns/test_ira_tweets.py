"""Real troll texts: Internet Research Agency tweets (Linvill & Warren, "Fearmonger"), replayed as comments.

The dataset is shared research data outside the repository (see ../shared/datasets/README.md); the tests skip
when it is absent.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from moderation.campaigns.minhash import SIMILARITY, TextPrint, fingerprint, jaccard
from tests.campaigns.helpers import post, rule_ids
from tests.factories import make_article

DATASET = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "propaganda" / "ira-tweets" / "fearmonger.txt"
ARTICLES = ("artikel-eins", "artikel-zwei")
pytestmark = pytest.mark.skipif(not DATASET.exists(), reason=f"dataset not found: {DATASET}")


@pytest.fixture(autouse=True)
def articles(session: Any) -> None:
    for article_id in ARTICLES:
        make_article(session, article_id)


def tweets() -> list[str]:
    return [line.strip() for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]


def distinct_tweets(count: int) -> list[str]:
    """The first ``count`` tweets long enough to fingerprint that are no near-copy of one picked before."""
    picked: list[tuple[str, TextPrint]] = []
    for text in tweets():
        printed = fingerprint(text)
        if (
            printed
            and len(printed.canonical) >= 60
            and all(jaccard(printed.shingles, p.shingles) < 0.5 for _, p in picked)
        ):
            picked.append((text, printed))
        if len(picked) == count:
            break
    return [text for text, _ in picked]


VARIANTS = (
    lambda text: text,
    lambda text: "  " + text.upper().replace(" ", "  ") + "!!",
    lambda text: text.lower().replace(".", "").replace(",", "") + " #MAGA",
)


def test_tweets_replayed_by_three_accounts_are_caught_on_the_third(client: FlaskClient) -> None:
    texts = distinct_tweets(40)
    accounts = [f"patriot{i}" for i in range(5)]
    outcomes: list[list[set[str]]] = [[], [], []]
    for round_, variant in enumerate(VARIANTS):
        for index, text in enumerate(texts):
            author = accounts[(index + round_) % len(accounts)]
            response = post(client, author, variant(text), article_id=ARTICLES[(index + round_) % 2])
            outcomes[round_].append({r for r in rule_ids(response) if r and r.startswith("campaign.")})
    assert outcomes[0] == outcomes[1] == [set()] * len(texts)  # distinct tweets never flag each other
    assert all("campaign.copy_paste" in found for found in outcomes[2])


def repeated_tweets(lines: int) -> list[str]:
    """Of the first ``lines`` tweets, those sharing a band key with another one (in file order): the dataset's own
    reposts, without the thousands of one-off tweets that would only slow the replay down."""
    buckets: dict[int, set[int]] = defaultdict(set)
    texts = tweets()[:lines]
    for index, text in enumerate(texts):
        for key in getattr(fingerprint(text), "keys", ()):
            buckets[key].add(index)
    keep = set().union(*(ids for ids in buckets.values() if len(ids) > 1))
    return [text for index, text in enumerate(texts) if index in keep]


@pytest.mark.slow
def test_natural_reposts_in_the_dataset_match_an_exact_oracle(client: FlaskClient) -> None:
    """The dataset's reposts as posted by 8 rotating accounts: campaign.copy_paste fires exactly where an all-pairs
    exact comparison finds near-copies from at least two other accounts earlier (the LSH stage misses none)."""
    posted: list[tuple[str, TextPrint | None]] = []
    expected, caught = [], []
    for index, text in enumerate(repeated_tweets(1000)):
        author = f"troll{index % 8}"
        printed = fingerprint(text)
        others = {
            account
            for account, earlier in posted
            if printed and earlier and account != author and jaccard(printed.shingles, earlier.shingles) >= SIMILARITY
        }
        expected.append(len(others) >= 2)
        response = post(client, author, text, article_id=ARTICLES[index % 2])
        caught.append("campaign.copy_paste" in rule_ids(response))
        posted.append((author, printed))
    assert caught == expected
    assert sum(caught) >= 20  # the replay does contain campaigns (28 with this slice)
