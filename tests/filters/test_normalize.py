"""Text normalisation for rule matching: each pass on its own, offsets back to the original, disguise signals."""

from __future__ import annotations

import random
import unicodedata

import pytest

from moderation.filters import confusables
from moderation.filters.normalize import Normalized, normalize, skeleton
from moderation.filters.rules import check_narratives, load_ruleset

ZWSP, ZWNJ, ZWJ, WJ, BOM, SHY, RLO, CGJ, VS16 = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202e\u034f\ufe0f"


def span_of(result: Normalized, folded: str, field: str = "text") -> str:
    """The original text behind the first occurrence of ``folded`` in the normalised ``field``."""
    start = getattr(result, field).index(folded)
    begin, end = result.original_span(start, start + len(folded))
    return result.original[begin:end]


# -- pass 1: NFKC per cluster, casefold, invisible characters removed and counted --------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ÄRGER", "ärger"),
        ("Straße", "strasse"),
        ("ｆｕｌｌ", "full"),
        ("ＮＡＴＯ", "nato"),
        ("ｒｔ", "rt"),
        ("𝐦𝐚𝐭𝐡", "math"),
        ("𝐍𝐀𝐓𝐎", "nato"),
        ("𝐑𝐓", "rt"),
        ("𝕽𝖊𝖌𝖎𝖒𝖊", "regime"),
        ("ⓝⓐⓣⓞ", "nato"),
        ("ᴋɪᴇᴡᴇʀ ʀᴇɢɪᴍᴇ", "kiewer regime"),
        ("ﬁnal", "final"),
        ("e\u0301t\u00e9", "\u00e9t\u00e9"),
        ("zero\u200bwidth", "zerowidth"),
        ("bidi\u202econtrol", "bidicontrol"),
        (f"a{ZWNJ}b{ZWJ}c{WJ}d{BOM}e{SHY}f", "abcdef"),
        ("\u2066iso\u2069late\u2067d\u2068", "isolated"),
        (f"N{VS16}A{CGJ}T\U000e0100O", "nato"),
    ],
)
def test_pass_one_folds(text: str, folded: str) -> None:
    assert normalize(text).text == folded


@pytest.mark.parametrize(
    ("text", "removed"),
    [
        ("plain text", 0),
        ("Pro\u200bpa\u200bganda", 2),
        (f"{BOM}{RLO}x{SHY}y", 3),
        (f"N{VS16}A{CGJ}TO", 2),
        ("a\u200b\u0301b", 1),  # a mark on an invisible base goes with it
    ],
)
def test_format_characters_are_counted(text: str, removed: int) -> None:
    assert normalize(text).format_chars_removed == removed


def test_spans_map_back_to_original_offsets() -> None:
    result = normalize("ab\u200bc Straße")
    start = result.text.index("strasse")
    assert result.original_span(start, start + len("strasse")) == (5, 11)
    assert result.format_chars_removed == 1


def test_combining_sequence_span_covers_the_mark() -> None:
    assert normalize("cafe\u0301!").original_span(0, 4) == (0, 5)


def test_expanding_fold_maps_every_output_character_to_its_source() -> None:
    result = normalize("ßx")
    assert result.text == "ssx"
    assert (result.starts, result.ends) == ((0, 0, 1), (1, 1, 2))


# -- pass 2: per-word mixed-script folding -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded", "mixed"),
    [
        ("Kiеwеr Rеgimе", "kiewer regime", ["Kiеwеr", "Rеgimе"]),  # Cyrillic е in Latin words
        ("Das Кіеwеr Regime", "das kiewer regime", ["Кіеwеr"]),  # 4 of 6 Cyrillic, but only Latin reads whole
        ("Ρrоpаgаndа", "propaganda", ["Ρrоpаgаndа"]),  # Greek Ρ and Cyrillic о/а in one Latin word
        ("ΗITLER und ηazi", "hitler und nazi", ["ΗITLER", "ηazi"]),  # a Greek capital Η is H, a small η is n
        ("пoтин", "потин", ["пoтин"]),  # Latin o in a Russian word folds to Cyrillic
        ("ΑΘΗΝa", "αθηνα", ["ΑΘΗΝa"]),  # Latin a in a Greek word
    ],
)
def test_mixed_script_words_fold_to_their_script(text: str, folded: str, mixed: list[str]) -> None:
    result = normalize(text)
    assert result.text == folded
    assert [text[start:end] for start, end in result.mixed_script_words] == mixed
    assert result.disguised


@pytest.mark.parametrize("text", ["НАТО", "Путин", "киевского режима", "αβγ", "Αθήνα", "Größe Straße Übermut ẞ"])
def test_single_script_words_are_untouched(text: str) -> None:
    result = normalize(text)
    assert result.text == text.casefold()
    assert result.mixed_script_words == ()


def test_word_folding_does_not_use_skeleton_rules() -> None:
    result = normalize("regime Regime REGIME modern")
    assert result.text == result.leet == "regime regime regime modern"


# -- pass 3: leetspeak ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "leet"),
    [
        ("N4z1s", "nazis"),
        ("r3g1m3", "regime"),
        ("Pr0p4g4nd4", "propaganda"),
        ("n@z1$", "nazis"),
        ("h!tler", "hitler"),
        ("ver|ogen", "verlogen"),
        ("5ch31ß3", "scheisse"),
        ("9r0ß", "gross"),
        ("€U-81oc", "eu-bioc"),
        ("n_4_z_1", "n_a_z_i"),
        ("п0тин", "потин"),  # the leet o is Latin, then folded into the Cyrillic word
    ],
)
def test_leetspeak_folds_in_words(text: str, leet: str) -> None:
    result = normalize(text)
    assert result.leet == leet
    assert result.text == text.casefold()  # the leet pass never changes ``text``


@pytest.mark.parametrize(
    "text",
    ["2022", "1:0", "3,5", "10.000 €", "5€", "0815", "Hallo!", "Wirklich?!", "COVID-19", "+49 30 1234", "a | b"],
)
def test_numbers_and_punctuation_are_untouched_by_leet(text: str) -> None:
    result = normalize(text)
    assert result.leet == result.text


# -- offsets of disguised words ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded", "field", "original"),
    [
        ("Die Pro\u200bpaganda wirkt", "propaganda", "text", "Pro\u200bpaganda"),
        ("Das Kiеwеr Rеgimе fällt", "kiewer regime", "text", "Kiеwеr Rеgimе"),
        ("Die ＮＡＴＯ lügt", "nato", "text", "ＮＡＴＯ"),
        ("Die 𝐍𝐀𝐓𝐎 lügt", "nato", "text", "𝐍𝐀𝐓𝐎"),
        ("Die N4z1s im r3g1m3", "nazis", "leet", "N4z1s"),
        ("Die N4z1s im r3g1m3", "regime", "leet", "r3g1m3"),
        ("Propa\u00adganda!", "propaganda", "text", "Propa\u00adganda"),
        (f"Pro{RLO}paganda", "propaganda", "text", f"Pro{RLO}paganda"),
        ("Größe Straße", "strasse", "text", "Straße"),
        ("Ki\u200bеwеr Rе\u2060gimе", "kiewer regime", "text", "Ki\u200bеwеr Rе\u2060gimе"),
    ],
)
def test_offsets_map_disguised_words_back(text: str, folded: str, field: str, original: str) -> None:
    assert span_of(normalize(text), folded, field) == original


# -- disguise signals ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "split"),
    [
        ("Pro\u200bpaganda", ["Pro\u200bpaganda"]),
        ("Propa\u00adganda", ["Propa\u00adganda"]),
        (f"N{ZWJ}A{ZWJ}T{ZWJ}O sagt", [f"N{ZWJ}A{ZWJ}T{ZWJ}O"]),  # several splits, one word
        ("Ki\u200bewer Re\u200bgime", ["Ki\u200bewer", "Re\u200bgime"]),
        (f"N{VS16}ATO", [f"N{VS16}ATO"]),
        ("Nr.\u200b5 und 2\u200b022", ["2\u200b022"]),
    ],
)
def test_invisible_split_inside_a_word_is_recorded(text: str, split: list[str]) -> None:
    result = normalize(text)
    assert [text[start:end] for start, end in result.split_words] == split
    assert result.disguised


@pytest.mark.parametrize(
    "text",
    [
        "Größe, Straße, Äpfel, Übermut, Maß und Fuß",
        "Путин и НАТО: это киевского режима дело",
        "Die Feinstaubwerte lagen bei 5µg/m³.",
        f"{BOM}Hallo\u200b Welt{ZWSP}",  # invisible characters at word edges, not inside
        f"Toll 👨{ZWJ}👩{ZWJ}👧 ❤{VS16}",
        f"می{ZWNJ}خواهم",  # Persian writes ZWNJ inside words
        "Das Regime in Pjöngjang, 1:0 für Köln, 3,5 Mio. €",
    ],
)
def test_ordinary_text_is_not_disguised(text: str) -> None:
    result = normalize(text)
    assert not result.disguised
    assert result.mixed_script_words == result.split_words == ()


def test_normalized_built_without_new_fields_stays_consistent() -> None:
    result = Normalized("Ab", "ab", (0, 1), (1, 2), 0)
    assert result.leet == "ab"
    assert not result.disguised


def test_rules_match_the_folded_text_and_report_the_original_span() -> None:
    text = "Das Kiеwеr Rеgimе ist schuld."
    [hit] = check_narratives(normalize(text), load_ruleset())
    assert hit.rule_id == "narrative.kyiv-regime"
    assert hit.match == "Kiеwеr Rеgimе"


# -- skeleton ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("spiegel.de", "ѕрiеgеl.de"),
        ("spiegel.de", "spiege1.de"),
        ("spiegel.de", "SPIEGEL.DE"),
        ("microsoft.com", "rnicrosoft.com"),
        ("wikipedia.org", "vvikipedia.org"),
        ("paypal.com", "pаypаl.com"),
        ("rt.com", "ｒｔ.ｃｏｍ"),
        ("rt.com", "r\u200bt.com"),
        ("google.com", "g00gle.com"),
        ("nato.int", "ΝΑΤΟ.int"),
    ],
)
def test_skeletons_of_look_alikes_are_equal(left: str, right: str) -> None:
    assert skeleton(left) == skeleton(right)


@pytest.mark.parametrize(
    ("left", "right"), [("spiegel.de", "spiegel.com"), ("rt.com", "rtl.com"), ("zeit.de", "zelt.de")]
)
def test_skeletons_of_different_names_differ(left: str, right: str) -> None:
    assert skeleton(left) != skeleton(right)


def test_skeleton_of_spiegel() -> None:
    assert skeleton("spiegel.de") == skeleton("ѕрiеgеl.de") == skeleton("spiege1.de") == "spiegel.de"


# -- tables and invariants -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "table", [*confusables.TO_SCRIPT.values(), confusables.LEET, confusables.SMALL_CAPITALS], ids=str
)
def test_word_tables_map_one_character_to_one(table: dict[str, str]) -> None:
    assert all(len(key) == 1 and len(value) == 1 for key, value in table.items())


def _reference_fold(text: str) -> tuple[str, tuple[int, ...], tuple[int, ...], int]:
    """Pass 1 the slow, obvious way (one cluster at a time), to check the fast paths against."""
    clusters: list[tuple[int, str]] = []
    for index, char in enumerate(text):
        if clusters and unicodedata.combining(char):
            clusters[-1] = (clusters[-1][0], clusters[-1][1] + char)
        else:
            clusters.append((index, char))
    out, starts, ends, removed = [], [], [], 0
    for start, cluster in clusters:
        if confusables.is_invisible(cluster[0]):
            removed += 1
            continue
        folded = unicodedata.normalize("NFKC", cluster).casefold().translate(str.maketrans(confusables.SMALL_CAPITALS))
        out.append(folded)
        starts += [start] * len(folded)
        ends += [start + len(cluster)] * len(folded)
    return "".join(out), tuple(starts), tuple(ends), removed


ALPHABETS = {
    "mixed": list("abcxyzKNT0123456789 .,!?@$€|-_'äöüÄßẞéçаеорсхуіКНТМВПутинαβεηικνορτυΑΗΝΥΩ")
    + list("ＮＡｒｔ１𝐍𝐀𝟎ﬁﬃ½㎏ℂⓐ…–“»ᴋɪᴇᴡʀ中文한ｶﾞ😀❤👨µ³\u0130ǰ\u0301\u0308\u0337\u20d2\ud800")
    + [ZWSP, ZWNJ, ZWJ, WJ, BOM, SHY, RLO, CGJ, VS16, "\u2066", "\u2069", "\U000e0100", "\u3164"],
    "fast": [chr(code) for code in range(0x20, 0x250)] + list("–—„“”‚‘’…€😀👍🇩🇪αβγабв𝐀𝐁ＡＢ"),
}


@pytest.mark.parametrize(("low", "high"), confusables.FAST_BLOCKS, ids=hex)
def test_every_character_of_the_fast_blocks_folds_like_the_reference(low: int, high: int) -> None:
    for code in range(low, high + 1):
        text = chr(code) * 2  # one character, one script: no word folding can apply
        result = normalize(text)
        assert (result.text, result.starts, result.ends, result.format_chars_removed) == _reference_fold(text)


@pytest.mark.parametrize("alphabet", ALPHABETS, ids=str)
def test_random_texts_keep_lengths_spans_and_match_the_reference(alphabet: str) -> None:
    rng = random.Random(20261108)
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABETS[alphabet]) for _ in range(rng.randint(0, 40)))
        result = normalize(text)
        assert len(result.leet) == len(result.text) == len(result.starts) == len(result.ends), repr(text)
        folded, starts, ends, removed = _reference_fold(text)
        assert (result.starts, result.ends, result.format_chars_removed) == (starts, ends, removed), repr(text)
        if not result.mixed_script_words:
            assert result.text == folded, repr(text)
        assert all(0 <= start < end <= len(text) for start, end in zip(result.starts, result.ends, strict=True))
        assert all(0 <= start < end <= len(text) for start, end in result.mixed_script_words + result.split_words)
        assert list(result.starts) == sorted(result.starts), repr(text)
