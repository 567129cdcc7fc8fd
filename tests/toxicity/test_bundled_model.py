"""The bundled German/English model: real behaviour, size budget, published metrics, plain-detoxify loading."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from moderation.filters.rules import load_ruleset
from moderation.settings import DEFAULT_THRESHOLDS, Settings
from moderation.submission.pipeline import ModerationPipeline
from moderation.toxicity.registry import BUNDLED_DIR, bundled_files
from moderation.toxicity.runtime import base_thresholds
from moderation.toxicity.scorer import DetoxifyScorer, build_scorer
from moderation.verdicts import Action
from moderation.watchwords.wordlist import Wordlist, load_shipped

CIVIL = [
    "Danke für den ausführlichen Bericht über die Lage in Kursk.",
    "Ich sehe das anders, aber die Recherche ist gründlich.",
    "Wann erscheint der nächste Teil der Serie?",
    "Thanks for the thorough reporting, very informative.",
    "I disagree with the conclusion, but the sources are solid.",
]
#: Everyday German insults a newsroom's reader writes (issue 10): the model alone must hold every one at its card's
#: hold threshold, watched words aside.
EVERYDAY_INSULTS = [
    "Du bist ein dummer Idiot, halt die Fresse.",
    "Halt die Klappe, du Trottel.",
    "Du bist ein Vollidiot.",
    "Was für ein Schwachkopf hat diesen Mist geschrieben?",
    "Verpiss dich, du Penner.",
    "Der Autor ist ein Vollpfosten.",
    "Ihr seid doch alle hirnlose Schafe.",
    "Du dumme Kuh hast keine Ahnung.",
]
#: Civil but sharp criticism of government, media or the article: published by the model alone.
SHARP_BUT_CIVIL = [
    "Gute Recherche, aber die Überschrift ist etwas reißerisch.",
    "Die Sanktionen scheinen nicht zu wirken.",
    "Die Bundesregierung hat in dieser Frage komplett versagt.",
    "Dieser Artikel ist einseitig und schlecht recherchiert.",
    "Ich halte die Berichterstattung der Medien über den Krieg für unausgewogen.",
    "Die Außenministerin sollte zurücktreten, ihre Politik ist gescheitert.",
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
def test_the_model_alone_holds_everyday_german_insults_and_publishes_sharp_criticism(scorer: DetoxifyScorer) -> None:
    """At its card's hold threshold; one short insult of the list it scores below it is the watched words' job."""
    thresholds = scorer.default_thresholds
    assert thresholds is not None
    hold = thresholds["toxicity"]["hold"]
    insults = dict(zip(EVERYDAY_INSULTS, (row["toxicity"] for row in scorer.score(EVERYDAY_INSULTS)), strict=True))
    civil = dict(zip(SHARP_BUT_CIVIL, (row["toxicity"] for row in scorer.score(SHARP_BUT_CIVIL)), strict=True))
    missed = [text for text, score in insults.items() if score < hold]
    assert len(missed) <= 1, insults
    assert max(civil.values()) < hold, civil


@pytest.mark.usefixtures("offline")
def test_the_default_pipeline_holds_or_rejects_every_everyday_insult_and_publishes_sharp_criticism(
    scorer: DetoxifyScorer,
) -> None:
    """What a newsroom gets with default settings: rules, the shipped watched words and the bundled model."""
    pipeline = ModerationPipeline(scorer=scorer, ruleset=load_ruleset(), timeout_seconds=30.0)
    shipped = load_shipped()
    wordlist = Wordlist.compile(shipped.entries, shipped.version, shipped.allow)
    thresholds = base_thresholds(Settings.from_env({}), scorer)
    actions = {
        text: pipeline.moderate(text, thresholds=thresholds, wordlist=wordlist).action for text in EVERYDAY_INSULTS
    }
    assert set(actions.values()) <= {Action.HOLD, Action.REJECT}, actions
    civil = {text: pipeline.moderate(text, thresholds=thresholds, wordlist=wordlist).action for text in SHARP_BUT_CIVIL}
    assert set(civil.values()) == {Action.PUBLISH}, civil


@pytest.mark.usefixtures("offline")
def test_model_id_names_the_bundled_file_and_its_hash(scorer: DetoxifyScorer) -> None:
    scorer.load()
    checkpoint = bundled_files().checkpoint
    assert scorer.model_id.startswith(f"bundled:{checkpoint.name}@")
    assert set(scorer.labels) == {"toxicity", "insult", "obscene", "identity_attack"}


def test_bundled_files_fit_the_size_budget_and_publish_their_metrics() -> None:
    """fp16 checkpoint, fp16-stored ONNX graph and int8 graph of a 30 M-parameter model (README "The bundled model")."""
    size = sum(path.stat().st_size for path in BUNDLED_DIR.rglob("*") if path.is_file())
    assert size <= 160 * 1024 * 1024
    assert len(list(BUNDLED_DIR.glob("kommentare-e5-*.ckpt"))) == 1
    card = json.loads((BUNDLED_DIR / "model-card.json").read_text())
    assert card["checkpoint"] == bundled_files().checkpoint.name
    assert card["metrics"]["germeval_test"]["toxicity_auc"] >= 0.82  # the from-scratch model it replaced: 0.732
    assert card["metrics"]["davidson_test"]["toxicity_auc"] >= 0.95
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
    """A window is cut at ``KOMMENTARE_TOXICITY_MAX_TOKENS`` (256) or the model's positions, whichever is less."""
    long = " ".join(CIVIL * 8)
    [ids] = scorer.encode([long])
    assert len(ids) == 256
    assert scorer.score([long])[0]["toxicity"] < DEFAULT_THRESHOLDS["toxicity"]["hold"]
