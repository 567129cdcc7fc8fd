"""Fingerprints, band keys and links: pure functions, no database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from moderation.campaigns import minhash
from moderation.campaigns.accounts import account_key
from moderation.campaigns.minhash import canonical_text, fingerprint, jaccard
from moderation.campaigns.urls import find_links, normalize_url

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = (
    "Die Regierung in Kiew hat den Krieg provoziert und der Westen liefert immer mehr Waffen, statt endlich "
    "ernsthaft über Frieden zu verhandeln. Wer das kritisiert, wird sofort als Putinversteher beschimpft. "
    "Wann wachen die Menschen in diesem Land endlich auf?"
)


def shared_keys(a: str, b: str) -> int:
    pa, pb = fingerprint(a), fingerprint(b)
    assert pa is not None and pb is not None
    return len(set(pa.keys) & set(pb.keys))


def similarity(a: str, b: str) -> float:
    pa, pb = fingerprint(a), fingerprint(b)
    assert pa is not None and pb is not None
    return jaccard(pa.shingles, pb.shingles)


def test_canonical_text_drops_urls_punctuation_case_and_disguises() -> None:
    text = "Seht  ihr's?!\tDas ist https://example.org/a?b=1 die WAHRHEIT… ＷＡＨＲＨＥＩＴ, www.x.de/y!"
    assert canonical_text(text) == "seht ihr s das ist die wahrheit wahrheit"


@pytest.mark.parametrize(
    "variant",
    [
        TEMPLATE.upper(),
        TEMPLATE.replace(" ", "  ").replace(",", "").replace("?", "!!!"),
        TEMPLATE + " https://t.me/frieden_jetzt",
        TEMPLATE.replace("immer mehr", "ständig neue").replace("sofort", "gleich"),
        TEMPLATE.replace("Kiew", "Kyjiw").replace("Menschen", "Leute").replace("Land", "Staat"),
    ],
)
def test_near_copies_with_a_few_words_changed_are_found(variant: str) -> None:
    assert similarity(TEMPLATE, variant) >= minhash.SIMILARITY
    assert shared_keys(TEMPLATE, variant) >= minhash.MIN_SHARED_BANDS


@pytest.mark.parametrize(
    "other",
    [
        "Die Regierung in Berlin hat beim Bahnausbau versagt; seit Jahren wird geplant und nichts wird gebaut. "
        "Wer soll das alles bezahlen, wenn die Kosten weiter so steigen?",
        "Danke für den gründlichen Bericht über die Verhandlungen in Genf. Ich hätte gern mehr über die Rolle "
        "der Vereinten Nationen gelesen.",
        # same topic and several of the same words, different comment
        "Ich glaube nicht, dass der Westen den Krieg provoziert hat. Waffen für die Ukraine sind Hilfe zur "
        "Selbstverteidigung, und verhandeln kann man erst, wenn Russland seine Truppen abzieht.",
    ],
)
def test_unrelated_texts_are_not_near_copies(other: str) -> None:
    assert similarity(TEMPLATE, other) < 0.3
    assert shared_keys(TEMPLATE, other) == 0


@pytest.mark.parametrize("short", ["Danke!", "Sehr gut geschrieben.", "Stimmt genau, sehe ich auch so!!!", ""])
def test_short_texts_are_never_fingerprinted(short: str) -> None:
    assert fingerprint(short) is None


def test_minimum_length_counts_canonical_characters() -> None:
    padded = "Danke!!! " + " " * 50 + "…!!! ???"
    assert len(padded) > 40 and fingerprint(padded) is None
    assert fingerprint("a" * 39) is None
    assert fingerprint("a" * 40) is not None
    assert fingerprint("a" * 20, min_length=10) is not None


def test_band_keys_fit_a_signed_bigint_and_are_deterministic() -> None:
    printed = fingerprint(TEMPLATE)
    assert printed is not None
    assert len(printed.keys) == minhash.BANDS
    assert all(-(2**63) <= key < 2**63 for key in printed.keys)
    assert len(set(printed.keys)) == minhash.BANDS  # the band index is mixed in
    again = fingerprint(TEMPLATE)
    assert again is not None and again.keys == printed.keys and again.digest == printed.digest


def test_signatures_are_stable_across_processes() -> None:
    """Another worker (another process, another hash seed) must compute the same keys, or the index is useless."""
    script = (
        "import json, sys; from moderation.campaigns.minhash import fingerprint, signature;"
        "p = fingerprint(sys.argv[1]);"
        "print(json.dumps({'keys': list(p.keys), 'digest': p.digest, 'sig': [int(v) for v in signature(p.shingles)]}))"
    )
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", script, TEMPLATE], capture_output=True, text=True, cwd=ROOT, env=env, check=True
        )
        outputs.append(json.loads(result.stdout))
    printed = fingerprint(TEMPLATE)
    assert printed is not None
    here = {
        "keys": list(printed.keys),
        "digest": printed.digest,
        "sig": [int(v) for v in minhash.signature(printed.shingles)],
    }
    assert outputs[0] == outputs[1] == here


def test_minhash_estimates_track_exact_jaccard() -> None:
    rng = np.random.default_rng(7)
    vocabulary = canonical_text(TEMPLATE).split() * 3
    errors = []
    for _ in range(200):
        words = list(rng.choice(vocabulary, 40))
        changed = list(words)
        for index in rng.choice(40, int(rng.integers(0, 20)), replace=False):
            changed[index] = str(rng.choice(vocabulary)) + "x"
        a, b = (minhash.shingle_hashes(" ".join(w)) for w in (words, changed))
        estimate = float(np.mean(minhash.signature(a) == minhash.signature(b)))
        errors.append(estimate - jaccard(a, b))
    assert abs(float(np.mean(errors))) < 0.02
    assert float(np.mean(np.abs(errors))) < 0.08  # one standard deviation at J=0.5 is 0.0625 with 64 permutations


def test_jaccard_is_exact() -> None:
    a = np.array([1, 2, 3, 4], dtype=np.uint64)
    b = np.array([3, 4, 5], dtype=np.uint64)
    assert jaccard(a, b) == pytest.approx(2 / 5)
    assert jaccard(a, a) == 1.0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://WWW.Example.com/a/?utm_source=tw&utm_medium=x&id=3#top", "example.com/a?id=3"),
        ("http://example.com/a?fbclid=abc", "example.com/a"),
        ("www.example.com/a/", "example.com/a"),
        ("https://example.com", "example.com"),
        ("https://example.com/A?B=1&si=xyz", "example.com/A?B=1"),
    ],
)
def test_urls_are_normalised(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected


def test_links_are_found_with_spans_into_the_body() -> None:
    body = "Lest das (https://www.example.com/x/?utm_campaign=1), dann www.example.com/x und https://other.org."
    links = find_links(body)
    assert [link.url for link in links] == ["example.com/x", "other.org"]
    first = links[0]
    assert body[first.start : first.end] == first.match == "https://www.example.com/x/?utm_campaign=1"


def test_account_key_hashes_email_else_name_with_the_secret() -> None:
    key = account_key(secret="s1", email=" Troll@Example.org ", author_name="A")
    assert key == account_key(secret="s1", email="troll@example.org", author_name="Someone else")
    assert key != account_key(secret="s2", email="troll@example.org", author_name="A")
    assert account_key(secret="s1", email=None, author_name="Max  Mustermann") == account_key(
        secret="s1", email="", author_name="max mustermann"
    )
    assert "troll" not in key and len(key) == 64
