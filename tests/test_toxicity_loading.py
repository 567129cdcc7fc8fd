"""Detoxify loading, offline, against a tiny random-weight checkpoint in the real release format."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from moderation.toxicity import scorer as toxicity
from moderation.toxicity.loading import ModelUnavailable, position_limit
from moderation.toxicity.registry import PUBLISHED, RELEASES_URL, ModelConfigError, ModelFiles
from moderation.toxicity.scorer import DetoxifyScorer, NoModelScorer, build_scorer
from tests.tiny_detoxify import LABELS, build_tiny_checkpoint

TEXTS = ["hello world", "you are an idiot!!", "Ünïcode ☃ 漢字 123"]


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build_tiny_checkpoint(tmp_path_factory.mktemp("tiny-detoxify"))


def checkpoint_scorer(tiny: tuple[Path, Path], config_dir: Path | None = None) -> DetoxifyScorer:
    checkpoint, default_config_dir = tiny
    scorer = build_scorer(
        model="checkpoint",
        model_dir=checkpoint.parent,
        checkpoint=str(checkpoint),
        config_dir=str(config_dir or default_config_dir),
    )
    assert isinstance(scorer, DetoxifyScorer)
    return scorer


@pytest.mark.usefixtures("offline")
def test_tiny_checkpoint_scores_a_batch_offline(tiny: tuple[Path, Path]) -> None:
    scorer = checkpoint_scorer(tiny)
    first = scorer.score(TEXTS)
    assert len(first) == 3
    for scores in first:
        assert tuple(scores) == LABELS
        assert all(type(value) is float and 0.0 <= value <= 1.0 for value in scores.values())
    assert scorer.score(TEXTS) == first
    assert checkpoint_scorer(tiny).score(TEXTS) == first  # a fresh load of the same file agrees
    assert first[0] != first[1]  # texts are actually fed through, not a constant


@pytest.mark.usefixtures("offline")
def test_batch_scores_match_single_scores_and_long_texts_are_truncated(tiny: tuple[Path, Path]) -> None:
    scorer = checkpoint_scorer(tiny)
    texts = [*TEXTS, "word " * 3000]
    batch = scorer.score(texts)
    for text, scores in zip(texts, batch, strict=True):
        assert scorer.score([text])[0] == pytest.approx(scores, abs=1e-5)
    assert scorer.score([]) == []


@pytest.mark.usefixtures("offline")
def test_model_id_names_the_file_and_its_hash(tiny: tuple[Path, Path]) -> None:
    checkpoint, _ = tiny
    scorer = checkpoint_scorer(tiny)
    scorer.load()
    digest = hashlib.sha256(checkpoint.read_bytes()).hexdigest()[:12]
    assert scorer.model_id == f"detoxify-checkpoint:tiny.ckpt@{digest}"
    assert scorer.labels == LABELS


def test_construction_does_no_io_and_missing_file_fails_on_load(tmp_path: Path) -> None:
    missing = tmp_path / "nope.ckpt"
    scorer = DetoxifyScorer(name="checkpoint", files=ModelFiles(missing, tmp_path, "bert-base-uncased"))
    assert scorer.model_id == "detoxify-checkpoint:nope.ckpt"
    with pytest.raises(ModelUnavailable, match="KOMMENTARE_TOXICITY_CHECKPOINT") as excinfo:
        scorer.load()
    assert str(missing) in str(excinfo.value)
    with pytest.raises(ModelUnavailable, match="does not exist"):
        scorer.score(["hi"])


def test_failed_load_is_remembered_not_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[Path] = []
    real = toxicity.sha256_file

    def counting_sha256(path: Path) -> str:
        attempts.append(path)
        return real(path)

    monkeypatch.setattr(toxicity, "sha256_file", counting_sha256)
    (tmp_path / "x.ckpt").write_bytes(b"not a checkpoint")
    files = ModelFiles(tmp_path / "x.ckpt", tmp_path, "bert-base-uncased")
    scorer = DetoxifyScorer(name="checkpoint", files=files)
    for _ in range(3):
        with pytest.raises(ModelUnavailable, match="not a readable Detoxify checkpoint"):
            scorer.score(["hi"])
    assert len(attempts) == 1


@pytest.mark.parametrize("content", [b"\x00garbage\xff" * 100, b""], ids=["garbage", "empty"])
def test_corrupt_checkpoint_is_model_unavailable(tiny: tuple[Path, Path], tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.ckpt"
    bad.write_bytes(content)
    scorer = checkpoint_scorer((bad, tiny[1]))
    with pytest.raises(ModelUnavailable, match="not a readable Detoxify checkpoint") as excinfo:
        scorer.score(["hi"])
    assert str(bad) in str(excinfo.value)


def test_torch_file_without_detoxify_keys_is_model_unavailable(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    import torch

    other = tmp_path / "plain.ckpt"
    torch.save({"weights": torch.zeros(2)}, other)
    scorer = checkpoint_scorer((other, tiny[1]))
    with pytest.raises(ModelUnavailable, match="not a readable Detoxify checkpoint"):
        scorer.load()


@pytest.mark.usefixtures("offline")
def test_wrong_config_dir_is_model_unavailable_naming_the_fix(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    config_dir = tiny[1]
    empty = checkpoint_scorer(tiny, tmp_path)
    with pytest.raises(ModelUnavailable, match=r"has no config.json.*KOMMENTARE_TOXICITY_CONFIG_DIR"):
        empty.load()
    (tmp_path / "config.json").write_bytes((config_dir / "config.json").read_bytes())  # config but no tokenizer
    no_vocab = checkpoint_scorer(tiny, tmp_path)
    with pytest.raises(ModelUnavailable, match=r"5-token tokenizer for a .*-token model.*bert-base-uncased"):
        no_vocab.load()
    config = json.loads((config_dir / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps({**config, "hidden_size": 64}))  # another model's config
    for name in ("vocab.txt", "tokenizer_config.json"):
        (tmp_path / name).write_bytes((config_dir / name).read_bytes())
    other_model = checkpoint_scorer(tiny, tmp_path)
    with pytest.raises(ModelUnavailable, match=r"does not fit the checkpoint.*KOMMENTARE_TOXICITY_CONFIG_DIR"):
        other_model.load()


@pytest.mark.usefixtures("offline")
def test_concurrent_first_scores_load_once(tiny: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    loads = []
    real = toxicity.load_files

    def slow_counting_load(*args: Any, **kwargs: Any) -> Any:
        loads.append(threading.get_ident())
        time.sleep(0.2)  # widen the race window
        return real(*args, **kwargs)

    monkeypatch.setattr(toxicity, "load_files", slow_counting_load)
    scorer = checkpoint_scorer(tiny)
    barrier = threading.Barrier(8)

    def worker(_: int) -> list[dict[str, float]]:
        barrier.wait()
        return scorer.score(TEXTS)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(worker, range(8)))
    assert len(loads) == 1
    assert all(result == results[0] for result in results)


@pytest.mark.usefixtures("offline")
def test_inference_errors_become_model_unavailable(tiny: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> Any:
        raise RuntimeError("CUDA out of memory")

    monkeypatch.setattr(toxicity, "_predict", broken)
    with pytest.raises(ModelUnavailable, match="failed to score: CUDA out of memory"):
        checkpoint_scorer(tiny).score(["hi"])


@pytest.mark.usefixtures("offline")
def test_published_name_goes_through_detoxify(tiny: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand in for the GitHub download; the rest is detoxify's own loader running under transformers 5."""
    import torch

    checkpoint, config_dir = tiny
    urls = []

    def fake_download(url: str, **kwargs: Any) -> Any:
        urls.append(url)
        loaded = torch.load(checkpoint, weights_only=True)
        loaded["config"]["arch"]["args"]["model_type"] = str(config_dir)  # a local "hub id" for the base config
        return loaded

    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", fake_download)
    scorer = build_scorer(model="original", model_dir=checkpoint.parent / "no-models-here")
    assert scorer.model_id == "detoxify:original"
    for published, local in zip(scorer.score(TEXTS), checkpoint_scorer(tiny).score(TEXTS), strict=True):
        assert published == pytest.approx(local, abs=1e-6)
    assert urls == [PUBLISHED["original"].url]


def test_published_download_failure_names_the_offline_fix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import torch

    def no_internet(url: str, **kwargs: Any) -> Any:
        raise OSError("Temporary failure in name resolution")

    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", no_internet)
    scorer = build_scorer(model="unbiased", model_dir=tmp_path)
    with pytest.raises(ModelUnavailable, match=r"detoxify:unbiased \(OSError: Temporary.*flask models pull unbiased"):
        scorer.score(["hi"])


def test_no_model_scorer_always_raises() -> None:
    scorer = build_scorer(model="none", model_dir=Path("models"))
    assert isinstance(scorer, NoModelScorer)
    assert scorer.model_id == "none"
    with pytest.raises(ModelUnavailable, match="no toxicity model configured"):
        scorer.score(["hi"])


def test_build_scorer_rejects_bad_settings(tmp_path: Path) -> None:
    with pytest.raises(ModelConfigError, match=r"unknown toxicity model 'bogus'.*none, bundled, original, unbiased"):
        build_scorer(model="bogus", model_dir=tmp_path)
    with pytest.raises(ModelConfigError, match="KOMMENTARE_TOXICITY_CHECKPOINT"):
        build_scorer(model="checkpoint", model_dir=tmp_path, config_dir="/models/bert")
    with pytest.raises(ModelConfigError, match="KOMMENTARE_TOXICITY_MODEL=checkpoint"):
        build_scorer(model="original", model_dir=tmp_path, checkpoint="/models/x.ckpt")
    with pytest.raises(ValueError, match="KOMMENTARE_TOXICITY_QUANTIZE='int4'"):
        build_scorer(model="bundled", model_dir=tmp_path, quantize="int4")
    assert isinstance(build_scorer(model="unbiased-small", model_dir=tmp_path), DetoxifyScorer)


def test_score_rejects_a_bare_string() -> None:
    with pytest.raises(TypeError):
        DetoxifyScorer(name="original", files=None).score("hello")


def test_published_table_matches_detoxify() -> None:
    from detoxify.detoxify import DOWNLOAD_URL, MODEL_URLS

    assert {name: model.url for name, model in PUBLISHED.items()} == MODEL_URLS
    assert RELEASES_URL == DOWNLOAD_URL


def test_import_is_cheap() -> None:
    """The app imports this module at startup; torch and friends must wait for the first score."""
    code = (
        "import sys, moderation.toxicity.scorer, moderation.toxicity.cli; "
        "print(sorted({'torch', 'transformers', 'detoxify'} & {*sys.modules}))"
    )
    root = Path(__file__).parents[1]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("model_type", "positions", "declared", "limit"),
    [
        ("bert", 128, 128, 128),
        ("bert", 512, 1_000_000_000_000_000_019_884_624_838_656, 512),  # transformers' "no limit" sentinel
        ("roberta", 514, 1_000_000_000_000_000_019_884_624_838_656, 512),  # two positions lost to padding
        ("xlm-roberta", 514, 512, 512),
        ("bert", None, 300, 300),
    ],
)
def test_position_limit_is_what_the_model_can_read(
    model_type: str, positions: int | None, declared: int, limit: int
) -> None:
    model = SimpleNamespace(config=SimpleNamespace(model_type=model_type, max_position_embeddings=positions))
    assert position_limit(model, SimpleNamespace(model_max_length=declared)) == limit
