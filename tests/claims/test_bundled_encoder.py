"""The bundled claim encoder for real: German comments that make a known claim (written in English in the
catalogue) are held or flagged with the right claim; civil, sharp comments about the same topics are not held."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest

from moderation.claims.catalogue import load_catalogue
from moderation.claims.encoder import BUNDLED, ClaimEncoder, EncoderUnavailable
from moderation.claims.service import ClaimMatcher, MatcherSettings
from moderation.verdicts import Action

#: German comments that state a catalogue claim in other words, with the claim they make.
GERMAN_CLAIMS = [
    ("Das Massaker von Butscha wurde von der Ukraine mit Schauspielern inszeniert.", "bucha-staged"),
    ("Die USA betreiben in der Ukraine geheime Labore für Biowaffen, das weiß doch jeder.", "biolabs"),
    ("Die Sanktionen gegen Russland wirken nicht und ruinieren nur unsere eigene Wirtschaft.", "sanctions-hurt-europe"),
    ("Die Nato hat diesen Krieg provoziert, der Westen ist schuld daran.", "nato-provoked-war"),
    (
        "Die Krim hat sich in einem freien Referendum für Russland entschieden, das war keine Annexion.",
        "crimea-referendum",
    ),
    ("Es gibt gar keine nordkoreanischen Soldaten in Russland, das sind alles Fakes.", "north-korea-no-troops"),
    ("MH17 wurde von einem ukrainischen Kampfjet abgeschossen, nicht von einer russischen Buk.", "mh17-ukraine"),
    (
        "Die Regierung in Kiew ist ein illegitimes Regime, das durch einen Putsch an die Macht kam.",
        "kyiv-regime-illegitimate",
    ),
]

#: Civil comments, some sharp, on the same subjects: none may be held.
GERMAN_CIVIL = [
    "Gute Recherche, aber die Überschrift ist etwas reißerisch.",
    "Die Sanktionen scheinen nicht zu wirken, man sollte ihre Wirkung ehrlich prüfen.",
    "Ich frage mich, wie die Verletzten in Nordkorea überhaupt medizinisch versorgt werden.",
    "Die Bundesregierung hat in der Energiepolitik viele Fehler gemacht, das muss man klar sagen.",
    "Wer hat eigentlich die Zahlen zu den verwundeten Soldaten überprüft? Die Quelle fehlt im Artikel.",
    "Die Nato sollte mehr für die Verteidigung der baltischen Staaten tun.",
    "Russland führt einen Angriffskrieg gegen die Ukraine, das muss man deutlich benennen.",
    "Der Artikel ist einseitig, ich hätte mir auch eine Stimme aus Moskau gewünscht.",
]


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> ClaimMatcher:
    return ClaimMatcher(
        encoder=ClaimEncoder(),
        catalogue=load_catalogue(),
        settings=MatcherSettings(),
        cache_dir=tmp_path_factory.mktemp("claims"),
    )


def test_german_comments_are_matched_to_the_english_claim_they_make(matcher: ClaimMatcher) -> None:
    outcomes = {text: matcher.check(text) for text, _ in GERMAN_CLAIMS}
    wrong = [
        (t, h[0].rule_id if h else None)
        for (t, claim), h in zip(GERMAN_CLAIMS, outcomes.values(), strict=True)
        if not h or h[0].rule_id != f"claim.{claim}"
    ]
    assert wrong == []
    held = [text for text, hits in outcomes.items() if hits[0].action is Action.HOLD]
    assert len(held) >= 7, outcomes


@pytest.mark.parametrize("text", GERMAN_CIVIL)
def test_civil_comments_on_the_same_subjects_are_not_held(matcher: ClaimMatcher, text: str) -> None:
    assert all(hit.action is not Action.HOLD for hit in matcher.check(text))


def test_thresholds_sit_where_no_benign_background_text_is_held(matcher: ClaimMatcher) -> None:
    limits = matcher.thresholds
    assert 0.3 < limits.flag < limits.hold < 0.8


def test_a_text_embeds_the_same_whatever_was_embedded_before() -> None:
    encoder = ClaimEncoder()
    first = encoder.embed_raw("Die Krim gehört zur Ukraine.")
    encoder.embed_raw("Ein ganz anderer, viel längerer Text über etwas völlig anderes als die Krim und die Ukraine.")
    assert np.array_equal(first, encoder.embed_raw("Die Krim gehört zur Ukraine."))
    assert first.shape == (384,) and abs(float(np.linalg.norm(first)) - 1.0) < 1e-3


def test_the_encoder_names_its_graph_and_ships_a_background() -> None:
    encoder = ClaimEncoder()
    sha = encoder.card()["graph_sha256"]
    assert encoder.encoder_id == f"e5-small-claims@{sha[:8]}"
    assert encoder.background().shape[1] == 384
    assert (BUNDLED / "encoder.int8.onnx").stat().st_size < 40 * 1024 * 1024


def test_missing_files_say_where(tmp_path: Path) -> None:
    with pytest.raises(EncoderUnavailable, match=str(tmp_path)):
        ClaimEncoder(tmp_path).embed_raw("irgendein Text")


DATA = Path(os.environ.get("KOMMENTARE_DATASETS", Path(__file__).resolve().parents[3] / "shared" / "datasets"))
SFU = DATA / "propaganda" / "sfu-comments" / "SFU_constructiveness_toxicity.csv"
EUVSDISINFO = DATA / "propaganda" / "euvsdisinfo-cases" / "full_dataset_formatted.csv"


@pytest.mark.skipif(not (SFU.exists() and EUVSDISINFO.exists()), reason=f"labelled data not found under {DATA}")
def test_on_real_data_no_benign_news_comment_is_held_and_known_claims_are(matcher: ClaimMatcher) -> None:
    """SFU's news comments (none of them in the background the thresholds are fitted on) stay within the 0.1 %
    budget, while a sample of real EUvsDisinfo case summaries is held far more often than the rules manage (5 %)."""
    with SFU.open(encoding="utf-8", newline="") as handle:
        benign = list(dict.fromkeys(row["comment"] for row in csv.DictReader(handle)))[:400]
    with EUVSDISINFO.open(encoding="utf-8", newline="") as handle:
        claims = list(dict.fromkeys(row["summary"] for row in csv.DictReader(handle) if row["summary"].strip()))[:200]
    held = [text for text in benign if any(hit.action is Action.HOLD for hit in matcher.check(text))]
    assert held == []
    caught = sum(any(hit.action is Action.HOLD for hit in matcher.check(text)) for text in claims)
    assert caught / len(claims) >= 0.12
