"""Serving the bundled model through ONNX Runtime: the shipped export matches the shipped checkpoint, scores and
token ids equal torch's, an export from another checkpoint or with drifting probes falls back to torch, and a
worker serving it never imports torch."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from moderation.toxicity.onnx import TOLERANCE, OnnxScorer, export_for, paths
from moderation.toxicity.registry import CHECKPOINT, ModelConfigError, ModelFiles, bundled_files
from moderation.toxicity.scorer import DetoxifyScorer, build_scorer
from tests.toxicity.test_bundled_model import CIVIL, INSULTS

ROOT = Path(__file__).resolve().parents[2]
LONG = "Die Lage im Lazarett ist schwierig, schreiben die Ärzte. " * 40  # far beyond the 256 tokens a comment is cut to
TEXTS = [*CIVIL, *INSULTS, LONG, "", "Ääh… ß, Œ, İstanbul, 東京, 🙂 und <b>HTML</b>", "kurz"]


def copy_of_bundled(tmp_path: Path) -> ModelFiles:
    """The bundled checkpoint, config and export in a folder a test may change."""
    bundled = bundled_files()
    config = Path(shutil.copytree(bundled.config_dir, tmp_path / bundled.config_dir.name))
    for path in (bundled.checkpoint, *paths(bundled)):
        shutil.copy(path, tmp_path / path.name)
    return ModelFiles(tmp_path / bundled.checkpoint.name, config, bundled.base)


def scorers(files: ModelFiles, runtime: str = "auto") -> tuple[object, DetoxifyScorer]:
    folder = files.checkpoint.parent
    common = {"model": CHECKPOINT, "model_dir": folder, "checkpoint": str(files.checkpoint)}
    served = build_scorer(**common, config_dir=str(files.config_dir), runtime=runtime)
    torch = build_scorer(**common, config_dir=str(files.config_dir), runtime="torch")
    assert isinstance(torch, DetoxifyScorer)
    return served, torch


def test_the_shipped_export_matches_the_shipped_checkpoint() -> None:
    export = export_for(bundled_files())
    assert export is not None, "run `flask models export-onnx` after changing the bundled model"
    assert export.sidecar["labels"] == ["toxicity", "insult", "obscene", "identity_attack"]


@pytest.mark.usefixtures("offline")
def test_scores_and_token_ids_equal_torchs(tmp_path: Path) -> None:
    served, torch = scorers(copy_of_bundled(tmp_path))
    assert isinstance(served, OnnxScorer)
    assert served.encode(TEXTS) == torch.encode(TEXTS)
    onnx_scores, torch_scores = served.score(TEXTS), torch.score(TEXTS)
    assert served.runtime == "onnx"
    drift = max(abs(a[label] - b[label]) for a, b in zip(onnx_scores, torch_scores, strict=True) for label in a)
    assert drift <= TOLERANCE
    served.load()
    torch.load()
    assert served.model_id == torch.model_id  # the same weights: the same id in every stored decision


def test_an_export_of_another_checkpoint_is_not_used(tmp_path: Path) -> None:
    files = copy_of_bundled(tmp_path)
    sidecar_path = paths(files)[2]
    sidecar = json.loads(sidecar_path.read_text())
    sidecar_path.write_text(json.dumps({**sidecar, "checkpoint_sha256": "0" * 64}))
    served, _ = scorers(files)
    assert isinstance(served, DetoxifyScorer)
    with pytest.raises(ModelConfigError, match="flask models export-onnx"):
        scorers(files, runtime="onnx")


@pytest.mark.usefixtures("offline")
def test_drifting_probes_fall_back_to_torch(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    files = copy_of_bundled(tmp_path)
    sidecar_path = paths(files)[2]
    sidecar = json.loads(sidecar_path.read_text())
    sidecar["probes"][0]["scores"]["toxicity"] += 0.01
    sidecar_path.write_text(json.dumps(sidecar))
    served, torch = scorers(files)
    assert isinstance(served, OnnxScorer)
    with caplog.at_level(logging.WARNING, logger="moderation.toxicity.onnx"):
        scores = served.score(INSULTS)
    assert served.runtime == "torch" and "probe scores differ" in caplog.text
    assert scores == torch.score(INSULTS)


@pytest.mark.usefixtures("offline")
def test_int8_serves_the_quantised_graph_under_its_own_id_close_to_fp32() -> None:
    """``KOMMENTARE_TOXICITY_QUANTIZE=int8`` with ONNX Runtime: the int8 graph, checked against its own probes."""
    fp32 = build_scorer(model="bundled", model_dir=Path("unused"), runtime="onnx")
    int8 = build_scorer(model="bundled", model_dir=Path("unused"), runtime="onnx", quantize="int8")
    assert isinstance(int8, OnnxScorer) and isinstance(fp32, OnnxScorer)
    full, small = fp32.score(TEXTS), int8.score(TEXTS)
    assert int8.runtime == "onnx"
    assert int8.model_id == f"{fp32.model_id}+onnx-int8"
    assert max(abs(a[label] - b[label]) for a, b in zip(full, small, strict=True) for label in a) <= 0.1
    assert min(row["toxicity"] for row in int8.score(INSULTS)) > max(row["toxicity"] for row in int8.score(CIVIL))
    export = export_for(bundled_files(), "int8")
    assert export is not None and export.sidecar["quantized"] == "int8" and export.sidecar["fp32_drift"] < 0.1


def test_exporting_reproduces_a_graph_that_passes_its_probes(tmp_path: Path) -> None:
    pytest.importorskip("onnx", reason="exporting needs the onnx package (pip install -e '.[dev]')")
    from moderation.toxicity.onnx_export import export_onnx

    files = copy_of_bundled(tmp_path)
    for path in paths(files):
        path.unlink()
    export_onnx(files, name=CHECKPOINT, max_tokens=256)
    assert export_for(files, "int8") is not None  # the int8 graph and its sidecar come with it
    served, torch = scorers(files, runtime="onnx")
    assert isinstance(served, OnnxScorer)
    served.load()
    assert served.runtime == "onnx"
    assert (
        max(abs(a["insult"] - b["insult"]) for a, b in zip(served.score(TEXTS), torch.score(TEXTS), strict=True))
        <= TOLERANCE
    )


def test_a_worker_serving_the_export_never_imports_torch(tmp_path: Path) -> None:
    """The point of it all: the worker's memory is the app's plus ONNX Runtime's, not torch's."""
    script = f"""
import sys
from app import create_app
from moderation.toxicity.runtime import current_scorer
app = create_app({{"database_url": "sqlite:///{tmp_path}/w.db", "environment": "development", "log_format": "text"}})
with app.app_context():
    scorer = current_scorer()
    scorer.load()
    assert scorer.runtime == "onnx", scorer.runtime
    scorer.score(["Du bist ein Idiot."])
leaked = sorted(name for name in ("torch", "transformers", "detoxify") if name in sys.modules)
assert not leaked, leaked
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
