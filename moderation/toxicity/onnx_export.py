"""``flask models export-onnx``: the checked model's graph for ONNX Runtime, written beside its checkpoint.

Loaded through the Detoxify path (``loading.load_files``); exported with torch's TorchScript-based exporter
(opset 17, batch and sequence dynamic) from a padded two-row example, so no all-ones-mask shortcut is baked in.
The sidecar keeps both digests, the labels, the pad id, the token limit and the probe texts with the eager torch
scores that every worker checks the graph against at load (``onnx.py``). Needs torch and the ``onnx`` package
(development install); serving the result needs neither.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from moderation.toxicity.loading import load_files, pad_batch, position_limit, sha256_file
from moderation.toxicity.onnx import PROBES, OnnxExport, paths
from moderation.toxicity.registry import ModelFiles
from moderation.toxicity.scorer import DetoxifyScorer

OPSET = 17


def export_onnx(files: ModelFiles, *, name: str, max_tokens: int) -> Path:
    """Write graph, tokenizer and sidecar beside ``files.checkpoint``, and the int8 graph with its own sidecar;
    returns the graph's path."""
    import torch

    loaded = load_files(files, device="cpu")
    model = loaded.model.eval()
    graph, tokenizer_path, sidecar_path = paths(files)
    example = [
        list(row) for row in loaded.tokenizer(["Danke.", "Ein ganz gewöhnlicher Kommentar zum Artikel."])["input_ids"]
    ]
    ids, mask = pad_batch(example, loaded.tokenizer.pad_token_id or 0)
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's notes on tracing a Python control flow it resolves
        torch.onnx.export(
            _logits_only(model),
            (ids, mask),
            str(graph),
            dynamo=False,
            opset_version=OPSET,
            input_names=["input_ids", "attention_mask"],
            output_names=["logits"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "logits": {0: "batch"},
            },
            do_constant_folding=True,
        )
    _quantise(graph, files)
    _store_half(graph)
    loaded.tokenizer.backend_tokenizer.save(str(tokenizer_path))
    token_limit = min(max_tokens, position_limit(model, loaded.tokenizer) or max_tokens)
    probes = _probes(files, name=name, max_tokens=max_tokens)
    sidecar = _sidecar(files, graph, loaded, token_limit, probes)
    sidecar_path.write_text(json.dumps(sidecar, indent=1, ensure_ascii=False) + "\n")
    _int8_sidecar(files, sidecar)
    return graph


def _quantise(graph: Path, files: ModelFiles) -> None:
    """The int8 graph: ONNX Runtime's dynamic quantisation of every MatMul weight, from the fp32 graph (before its
    weights are stored as fp16, which the quantiser would not see through)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quantize_dynamic(str(graph), str(paths(files, "int8")[0]), weight_type=QuantType.QInt8)


def _int8_sidecar(files: ModelFiles, fp32: dict[str, Any]) -> None:
    """The int8 graph's sidecar: its own probe scores (what every load checks it against) and their largest
    difference to the fp32 model's, for the record."""
    from moderation.toxicity.onnx import _open, _run

    graph, _, sidecar_path = paths(files, "int8")
    export = OnnxExport(graph, paths(files)[1], fp32)
    session, _ = _open(export, 1)
    # One batch, as the load check scores them: int8 activation scales are per batch, so the batch is part of it.
    batch = _run(session, [probe["ids"] for probe in fp32["probes"]], fp32)
    probes = [{**probe, "scores": scores} for probe, scores in zip(fp32["probes"], batch, strict=True)]
    drift = max(
        abs(row[label] - probe["scores"][label])
        for row, probe in zip(batch, fp32["probes"], strict=True)
        for label in row
    )
    sidecar = {**fp32, "onnx_sha256": sha256_file(graph), "quantized": "int8", "probes": probes}
    sidecar["fp32_drift"] = drift
    sidecar_path.write_text(json.dumps(sidecar, indent=1, ensure_ascii=False) + "\n")


def _store_half(graph: Path) -> None:
    """Weights whose every value is an fp16 number (a checkpoint stored as fp16) are written as fp16 with a Cast
    to float in front: half the file, and the graph still computes in fp32 on exactly the checkpoint's values.
    Weights that fp16 would change stay fp32, so the probe check's tolerance is never spent here."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(graph))
    casts = []
    for initializer in model.graph.initializer:
        values = numpy_helper.to_array(initializer)
        if values.dtype != np.float32 or values.size < 1024:
            continue
        half = values.astype(np.float16)
        if not np.array_equal(half.astype(np.float32), values):
            continue
        name = initializer.name
        initializer.CopyFrom(numpy_helper.from_array(half, name=f"{name}__fp16"))
        casts.append(helper.make_node("Cast", [f"{name}__fp16"], [name], to=onnx.TensorProto.FLOAT))
    if casts:
        nodes = [*casts, *model.graph.node]
        del model.graph.node[:]
        model.graph.node.extend(nodes)
        onnx.save(model, str(graph))


def _logits_only(model: Any) -> Any:
    """The classifier returning its logits only (sigmoid stays the scorer's, as with torch); torch is imported
    here, not at module import."""
    import torch

    class Logits(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask).logits

    return Logits()


def _probes(files: ModelFiles, *, name: str, max_tokens: int) -> list[dict[str, Any]]:
    """The probe texts' token ids and scores from the eager torch scorer, the reference every load checks."""
    reference = DetoxifyScorer(name=name, files=files, max_tokens=max_tokens, trace=False)
    encoded = reference.encode(PROBES)
    scores = reference.score_encoded(encoded)
    return [{"text": text, "ids": ids, "scores": row} for text, ids, row in zip(PROBES, encoded, scores, strict=True)]


def _sidecar(files: ModelFiles, graph: Path, loaded: Any, token_limit: int, probes: list[Any]) -> dict[str, Any]:
    import torch

    return {
        "checkpoint": files.checkpoint.name,
        "checkpoint_sha256": sha256_file(files.checkpoint),
        "onnx_sha256": sha256_file(graph),
        "opset": OPSET,
        "exported_with": f"torch {torch.__version__}",
        "labels": list(loaded.labels),
        "pad_token_id": loaded.tokenizer.pad_token_id or 0,
        "token_limit": token_limit,
        "probes": probes,
    }
