"""The bundled German/English model: real behaviour, size budget, published metrics, plain-detoxify loading."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from moderation.settings import DEFAULT_THRESHOLDS
from moderation.toxicity.registry import BUNDLED_DIR, bundled_files
from moderation.toxicity.scorer import DetoxifyScorer, build_scorer

CIVIL = [
    "Danke für den ausführlichen Bericht über die Lage in Kursk.",
    "Ich sehe das anders, aber die Recherche ist gründlich.",
    "Wann erscheint der nächste Teil der Serie?",
    "Thanks for the thorough reporting, very informative.",
    "I disagree with the conclusion, but the sources are solid.",
]
INSULTS = [
    "Du bist ein dummes Arschloch, halt die Fresse!",
    "Was für ein widerlicher Drecksack, du Idiot.",
    "Der Autor ist ein verlogenes Stück Scheiße.",
    "You are a fucking idiot, shut up.",
    "What a stupid bitch, get lost you moron.",
]


@pytest.fixture(scope="module")
def scorer() -> DetoxifyScorer:
    built = build_scorer(model="bundled", model_dir=Path("unused"))
    assert isinstance(built, DetoxifyScorer)
    return built


@pytest.mark.usefixtures("offline")
def test_clear_insults_score_above_civil_comments_in_german_and_english(scorer: DetoxifyScorer) -> None:
    civil = [s["toxicity"] for s in scorer.score(CIVIL)]
    insults = [s["toxicity"] for s in scorer.score(INSULTS)]
    assert min(insults) > max(civil), (insults, civil)
    hold = DEFAULT_THRESHOLDS["toxicity"]["hold"]
    assert min(insults) >= hold > max(civil[:3])  # the service's default hold threshold separates the German ones


@pytest.mark.usefixtures("offline")
def test_model_id_names_the_bundled_file_and_its_hash(scorer: DetoxifyScorer) -> None:
    scorer.load()
    checkpoint = bundled_files().checkpoint
    assert scorer.model_id.startswith(f"bundled:{checkpoint.name}@")
    assert set(scorer.labels) == {"toxicity", "insult", "obscene", "identity_attack"}


def test_bundled_files_fit_the_size_budget_and_publish_their_metrics() -> None:
    size = sum(path.stat().st_size for path in BUNDLED_DIR.rglob("*") if path.is_file())
    assert size <= 10 * 1024 * 1024
    assert len(list(BUNDLED_DIR.glob("kommentare-small-*.ckpt"))) == 1
    card = json.loads((BUNDLED_DIR / "model-card.json").read_text())
    assert card["checkpoint"] == bundled_files().checkpoint.name
    assert card["metrics"]["germeval_test"]["toxicity_auc"] >= 0.7  # far above an English-only model's 0.52
    assert card["metrics"]["davidson_test"]["toxicity_auc"] >= 0.9
    assert len(card["data_sha256"]) == 3  # GermEval train and test, Davidson


@pytest.mark.usefixtures("offline")
def test_int8_scores_stay_close_to_fp32(scorer: DetoxifyScorer) -> None:
    quantized = build_scorer(model="bundled", model_dir=Path("unused"), quantize="int8")
    texts = CIVIL + INSULTS
    for full, small in zip(scorer.score(texts), quantized.score(texts), strict=True):
        assert small == pytest.approx(full, abs=0.1)
    assert quantized.model_id.endswith("+int8")


def test_plain_detoxify_loads_the_bundled_model_offline_with_the_same_scores(
    scorer: DetoxifyScorer, tmp_path: Path
) -> None:
    """The published way to use a Detoxify checkpoint works on ours, from its directory, without network."""
    files = bundled_files()
    code = (
        "import json, sys; from detoxify import Detoxify; "
        f"d = Detoxify(checkpoint={files.checkpoint.name!r}, huggingface_config_path={files.config_dir.name!r}); "
        "print(json.dumps(d.predict(json.loads(sys.argv[1]))))"
    )
    env = {"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code, json.dumps(INSULTS[:2])],
        cwd=BUNDLED_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    theirs = json.loads(result.stdout.strip().splitlines()[-1])
    ours = scorer.score(INSULTS[:2])
    for label, values in theirs.items():
        assert values == pytest.approx([row[label] for row in ours], abs=1e-5)


@pytest.mark.usefixtures("offline")
def test_a_comment_longer_than_the_model_reads_is_truncated_not_failed(scorer: DetoxifyScorer) -> None:
    """The bundled model has 128 positions; the default limit of 256 tokens used to break every long comment."""
    long = " ".join(CIVIL * 8)
    [ids] = scorer.encode([long])
    assert len(ids) == 128
    assert scorer.score([long])[0]["toxicity"] < DEFAULT_THRESHOLDS["toxicity"]["hold"]
