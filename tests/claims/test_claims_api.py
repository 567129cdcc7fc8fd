"""Claims through HTTP and the CLI: a comment that makes a known claim is held with the claim, its similarity and
both versions stored and shown to moderators; a failing encoder holds instead of publishing; switched off, nothing
is checked. The encoder here is the bag-of-words stand-in (the real one: test_bundled_encoder.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from moderation.claims.catalogue import load_catalogue
from moderation.comments.models import Comment, CommentStatus
from moderation.extensions import db
from tests.factories import auth, make_article
from tests.fakes import HashingClaimEncoder, KeywordScorer
from tests.helpers import post_comment

#: A shipped claim, word for word, that no phrase rule catches (so the claim alone decides).
CRIMEA = "Crimea freely chose to rejoin Russia in a legitimate referendum, so there was no annexation."


def test_a_known_claim_is_held_with_the_claim_shown_to_moderators(
    client: FlaskClient, session: Any, token: str
) -> None:
    response = post_comment(client, CRIMEA)
    assert response.status_code == 202
    assert [r.get("rule_id") for r in response.json["reasons"]] == ["claim.crimea-referendum"]
    comment = session.scalars(select(Comment)).one()
    assert comment.status is CommentStatus.PENDING
    [hit] = [h for h in comment.rule_hits if h["rule_id"] == "claim.crimea-referendum"]
    assert (hit["action"], hit["weight"]) == ("hold", 1.0), hit
    assert CRIMEA[: hit["end"]].endswith("annexation.") and hit["start"] == 0
    assert hit["claim"] == {
        "id": "crimea-referendum",
        "text": CRIMEA,
        "family": "narrative.crimea",
        "reference": "EUvsDisinfo narrative: Crimea",
        "encoder": "fake:hashing-claims@3",
        "catalogue": load_catalogue().version,
    }
    assert hit["note"].startswith("nearest known claim (narrative.crimea)")
    queue = client.get("/api/v1/moderation/queue", headers=auth(token)).json
    assert "claim.crimea-referendum" in str(queue)


def test_ordinary_comments_are_published(client: FlaskClient, token: str) -> None:
    assert post_comment(client, "Danke für den gründlichen Bericht aus Pjöngjang und Moskau.").status_code == 201


def test_a_failing_encoder_holds_the_comment(
    client: FlaskClient, session: Any, token: str, fake_claim_encoder: HashingClaimEncoder
) -> None:
    fake_claim_encoder.fail = True
    response = post_comment(client, "Danke für den gründlichen Bericht aus Pjöngjang und Moskau.")
    assert response.status_code == 202
    assert [r["code"] for r in response.json["reasons"]] == ["claims_unavailable"]
    assert session.scalars(select(Comment)).one().status is CommentStatus.PENDING


@pytest.mark.parametrize("settings_overrides", [{"claims_enabled": False}])
def test_claims_can_be_switched_off(client: FlaskClient, token: str, fake_claim_encoder: HashingClaimEncoder) -> None:
    assert post_comment(client, CRIMEA).status_code == 201
    assert fake_claim_encoder.calls == 0


def test_a_sites_own_flag_only_claim_publishes_and_flags(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(
        'version = "site-1"\n[[claim]]\nid = "site-tanks"\nfamily = "site"\n'
        'text = "Die Panzerlieferung war ein geheimer Deal der Regierung."\nreference = "Redaktion"\naction = "flag"\n',
        encoding="utf-8",
    )
    config = {"database_url": database_url, "ratelimit_enabled": False, "claims_files": (str(path),)}
    app = create_app(config, scorer=KeywordScorer(), claim_encoder=HashingClaimEncoder())
    with app.app_context():
        try:
            make_article(db.session)
            response = post_comment(app.test_client(), "Die Panzerlieferung war ein geheimer Deal der Regierung!")
            assert response.status_code == 201
            [hit] = db.session.scalars(select(Comment)).one().rule_hits
            assert (hit["rule_id"], hit["action"]) == ("claim.site-tanks", "flag")
            assert hit["claim"]["catalogue"].startswith("2026-12-07+site-1@")
        finally:
            db.session.remove()  # give its connection back first: dispose() closes only the pool's idle ones
            db.engine.dispose()


def test_the_cli_reports_the_catalogue_and_checks_a_text(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    info = runner.invoke(args=["claims", "info"])
    assert info.exit_code == 0, info.output
    assert f"{len(load_catalogue().claims)} claims" in info.output and "hold at similarity" in info.output
    checked = runner.invoke(args=["claims", "check", CRIMEA])
    assert "hold: claim.crimea-referendum" in checked.output
    csv_path = tmp_path / "cases.csv"
    csv_path.write_text("date,outlet,keywords,title,summary\n01/02/17,A,MH17,T,MH17 was downed by Kyiv.\n", "utf-8")
    out = tmp_path / "imported.toml"
    imported = runner.invoke(args=["claims", "import-euvsdisinfo", str(csv_path), str(out)])
    assert imported.exit_code == 0 and "wrote 1 claims" in imported.output
    assert load_catalogue([out]).claims[-1].text == "MH17 was downed by Kyiv."


def test_a_comment_the_rules_reject_is_not_embedded(
    client: FlaskClient, token: str, fake_claim_encoder: HashingClaimEncoder
) -> None:
    response = post_comment(client, "Halt die Klappe, du Trottel, und lies das noch einmal.")
    assert response.status_code == 422
    assert fake_claim_encoder.calls == 0
