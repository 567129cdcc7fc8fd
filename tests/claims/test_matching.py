"""Claim matching without an app: the catalogue's validation, centring, thresholds fitted on a background, the
nearest claim as a hit with its span, and the EUvsDisinfo import."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from moderation.claims.catalogue import DEFAULT_CATALOGUE, CatalogueError, Claim, ClaimAction, load_catalogue
from moderation.claims.importing import euvsdisinfo_claims, to_toml
from moderation.claims.matching import ClaimThresholds, centre, claim_hit, fit_thresholds, nearest, spans
from moderation.claims.service import ClaimMatcher, MatcherSettings
from moderation.verdicts import Action, RuleHit
from tests.fakes import HashingClaimEncoder

CLAIM = Claim("biolabs", "narrative.biolabs", "The US runs biolabs in Ukraine.", "EUvsDisinfo")
CLAIMLESS = RuleHit("watchword.de.depp", Action.HOLD, 0, 4, "Depp")
FLAG_ONLY = Claim("eu-collapse", "narrative.eu-collapse", "The EU collapses.", "EUvsDisinfo", ClaimAction.FLAG)


def test_the_shipped_catalogue_loads_with_unique_ids_and_rule_file_families() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.claims) >= 40
    assert len({c.id for c in catalogue.claims}) == len(catalogue.claims)
    rules = (Path(DEFAULT_CATALOGUE).parents[2] / "filters" / "rulesets" / "default.toml").read_text("utf-8")
    assert all(f'id = "{c.family}"' in rules for c in catalogue.claims)
    assert catalogue.version.startswith("2026-12-07@")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[claim]]\nid = "a"\nfamily = "f"\ntext = ""\nreference = "r"\n', "missing text"),
        ('[[claim]]\nid = "a"\nfamily = "f"\ntext = "t"\nreference = "r"\naction = "reject"\n', "'hold' or 'flag'"),
        ('[[claim]]\nid = "biolabs"\nfamily = "f"\ntext = "t"\nreference = "r"\n', "appears twice"),
        ("claim = 3\n", "array of tables"),
        ("[[claim]\n", "claims.toml"),
    ],
)
def test_a_bad_claim_file_is_refused_with_the_reason(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "claims.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_catalogue([path])


def test_a_site_file_adds_claims_and_changes_the_version(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(to_toml([CLAIM.__class__("own-1", "site", "A site claim.", "desk")], version="site-1"), "utf-8")
    catalogue = load_catalogue([path])
    assert catalogue.claims[-1].id == "own-1"
    assert catalogue.version.startswith("2026-12-07+site-1@")
    assert catalogue.version != load_catalogue().version


def test_centring_removes_the_shared_direction() -> None:
    shared = np.array([1.0, 0.0, 0.0])
    a, b = np.array([1.0, 0.1, 0.0]), np.array([1.0, 0.0, 0.1])
    assert float(a @ b) / (np.linalg.norm(a) * np.linalg.norm(b)) > 0.98
    centred = centre(np.stack([a, b]), shared)
    assert np.allclose(np.linalg.norm(centred, axis=1), 1.0)
    assert abs(float(centred[0] @ centred[1])) < 1e-6


def test_thresholds_are_quantiles_of_the_backgrounds_nearest_claim() -> None:
    claims = np.eye(2)
    background = np.array([[np.cos(t), np.sin(t)] for t in np.linspace(0.2, 0.6, 101)])
    limits = fit_thresholds(background, claims, hold=1.0, flag=0.5)
    assert limits.hold == pytest.approx(np.cos(0.2))
    assert limits.flag == pytest.approx(np.cos(0.4), abs=1e-3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One sentence only", [(0, 17)]),
        ("First. Second.", [(0, 14)]),
        ("A" * 300 + ". " + "B" * 300 + ".", [(0, 301), (302, 603)]),  # the space between is in neither piece
        ("x. " * 3, [(0, 8)]),
    ],
)
def test_long_comments_are_checked_in_pieces_of_whole_sentences(text: str, expected: list[tuple[int, int]]) -> None:
    assert spans(text, 400, 4) == expected


def test_pieces_beyond_the_limit_join_the_last_one() -> None:
    text = " ".join(["W" * 390 + "."] * 6)
    pieces = spans(text, 400, 2)
    assert len(pieces) == 2 and pieces[-1][1] == len(text)


@pytest.mark.parametrize(
    ("similarity", "claim", "action"),
    [(0.9, CLAIM, Action.HOLD), (0.6, CLAIM, Action.FLAG), (0.4, CLAIM, None), (0.9, FLAG_ONLY, Action.FLAG)],
)
def test_the_nearest_claim_holds_above_hold_and_flags_above_flag(
    similarity: float, claim: Claim, action: Action | None
) -> None:
    index = np.array([[1.0, 0.0]])
    vector = np.array([[similarity, np.sqrt(1 - similarity**2)]])
    match = nearest(vector, [(3, 20)], index, (claim,), ClaimThresholds(hold=0.8, flag=0.5))
    assert (match.action if match else None) is action


def test_a_hit_names_the_claim_the_similarity_and_both_versions() -> None:
    text = "Nun ja.  Die USA betreiben Biolabore in der Ukraine."
    index = np.array([[1.0, 0.0]])
    match = nearest(
        np.array([[0.0, 1.0], [0.95, 0.31]]), [(0, 7), (7, len(text))], index, (CLAIM,), ClaimThresholds(0.9, 0.5)
    )
    assert match is not None
    hit = claim_hit(text, match, encoder_id="enc@1", catalogue_version="cat@2")
    assert (hit.rule_id, hit.action, hit.weight) == ("claim.biolabs", Action.HOLD, 0.95)
    assert text[hit.start : hit.end] == hit.match == "Die USA betreiben Biolabore in der Ukraine."
    assert hit.claim == {
        "id": "biolabs",
        "text": "The US runs biolabs in Ukraine.",
        "family": "narrative.biolabs",
        "reference": "EUvsDisinfo",
        "encoder": "enc@1",
        "catalogue": "cat@2",
    }
    assert (
        hit.note
        == "nearest known claim (narrative.biolabs): \u201cThe US runs biolabs in Ukraine.\u201d, similarity 0.950"
    )
    assert hit.as_json()["claim"] == hit.claim and "claim" not in CLAIMLESS.as_json()


def matcher(tmp_path: Path, encoder: HashingClaimEncoder, **settings: float) -> ClaimMatcher:
    return ClaimMatcher(
        encoder=encoder, catalogue=load_catalogue(), settings=MatcherSettings(**settings), cache_dir=tmp_path
    )


def test_a_verbatim_claim_is_held_and_unrelated_text_is_not(tmp_path: Path) -> None:
    claims = matcher(tmp_path, HashingClaimEncoder())
    [hit] = claims.check("The United States runs secret biological weapons laboratories in Ukraine.")
    assert (hit.rule_id, hit.action) == ("claim.biolabs", Action.HOLD)
    assert claims.check("Die Bahn hatte heute wieder einmal Verspätung in Hamburg.") == ()


def test_short_comments_are_not_embedded(tmp_path: Path) -> None:
    encoder = HashingClaimEncoder()
    claims = matcher(tmp_path, encoder)
    assert claims.check("Biolabs in Ukraine!") == ()
    assert encoder.calls == 0


def test_the_catalogues_vectors_are_cached_per_encoder_and_version(tmp_path: Path) -> None:
    encoder = HashingClaimEncoder()
    matcher(tmp_path, encoder).load()
    assert encoder.calls == len(load_catalogue().claims)
    [cache] = tmp_path.iterdir()
    assert "fake:hashing-claims" in cache.name
    again = HashingClaimEncoder()
    matcher(tmp_path, again).load()
    assert again.calls == 0


def test_a_failing_encoder_raises_to_the_pipeline(tmp_path: Path) -> None:
    encoder = HashingClaimEncoder()
    encoder.fail = True
    with pytest.raises(RuntimeError, match="simulated"):
        matcher(tmp_path, encoder).check("The United States runs secret biological weapons laboratories.")


def test_euvsdisinfo_rows_become_claims_with_stable_ids(tmp_path: Path) -> None:
    csv_path = tmp_path / "cases.csv"
    csv_path.write_text(
        "date,outlet,keywords,title,summary\n"
        '01/02/17,Outlet A,"Ukraine, Nazi",T1,Ukraine is   run by Nazis.\n'
        "01/03/17,Outlet B,,T2,Ukraine is run by Nazis.\n"
        "01/04/17,Outlet C,MH17,T3,\n",
        encoding="utf-8",
    )
    [claim] = euvsdisinfo_claims(csv_path)
    assert claim.text == "Ukraine is run by Nazis."
    assert claim.family == "euvsdisinfo:ukraine"
    assert claim.action is ClaimAction.FLAG  # imported case summaries flag; a moderator promotes single ones
    assert claim.id == euvsdisinfo_claims(csv_path)[0].id and claim.id.startswith("euvsdisinfo-")
    out = tmp_path / "claims.toml"
    out.write_text(to_toml([claim], version="e1"), encoding="utf-8")
    assert load_catalogue([out]).claims[-1] == claim
    assert euvsdisinfo_claims(csv_path, action=ClaimAction.HOLD)[0].action is ClaimAction.HOLD


def test_a_flag_only_claim_nearer_than_a_holding_one_does_not_hide_it() -> None:
    index = np.array([[1.0, 0.0], [0.0, 1.0]])
    vector = np.array([[0.75, 0.8]])  # 0.75 to the holding claim, 0.8 to the flag-only one
    match = nearest(vector, [(0, 5)], index[::-1], (FLAG_ONLY, CLAIM), ClaimThresholds(hold=0.7, flag=0.5))
    assert match is not None and (match.claim, match.action) == (CLAIM, Action.HOLD)
    assert match.similarity == pytest.approx(0.75)
    lower = nearest(vector, [(0, 5)], index[::-1], (FLAG_ONLY, CLAIM), ClaimThresholds(hold=0.78, flag=0.5))
    assert lower is not None and (lower.claim, lower.action) == (FLAG_ONLY, Action.FLAG)
