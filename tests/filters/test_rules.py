"""Rule functions and the rule file loader: pure, no app needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.filters.normalize import normalize
from moderation.filters.rules import RulesetError, check_links, check_narratives, load_ruleset
from moderation.filters.verdicts import Action

RULES = load_ruleset()


def link_hits(text: str) -> list[tuple[str, Action, str]]:
    return [(h.rule_id, h.action, text[h.start : h.end]) for h in check_links(text, RULES)]


@pytest.mark.parametrize(
    ("text", "rule_prefix", "action", "span"),
    [
        ("siehe https://rt.com/news/1", "link.sanctioned.rt", Action.REJECT, "https://rt.com/news/1"),
        ("siehe https://de.rt.com/x", "link.sanctioned.rt", Action.REJECT, "https://de.rt.com/x"),
        ("siehe www.RIA.ru/a?b=1 dazu", "link.sanctioned.ria", Action.REJECT, "www.RIA.ru/a?b=1"),
        ("HTTP://SPUTNIKNEWS.COM/x", "link.sanctioned.sputnik", Action.REJECT, "HTTP://SPUTNIKNEWS.COM/x"),
        ("https://ｒｔ.ｃｏｍ/fullwidth", "link.sanctioned.rt", Action.REJECT, "https://ｒｔ.ｃｏｍ/fullwidth"),
        ("RT.com lügt, wie immer.", "link.sanctioned.rt", Action.HOLD, "RT.com"),
        ("Quelle: https://t.me/kanal/123", "link.hold.telegram", Action.HOLD, "https://t.me/kanal/123"),
        ("https://bit.ly/3xyz", "link.hold.shortener", Action.HOLD, "https://bit.ly/3xyz"),
    ],
)
def test_link_rules(text: str, rule_prefix: str, action: Action, span: str) -> None:
    [(rule_id, hit_action, matched)] = link_hits(text)
    assert rule_id.startswith(rule_prefix)
    assert hit_action is action
    assert matched == span


@pytest.mark.parametrize(
    "text",
    [
        "Laut https://www.tagesschau.de/ausland/nordkorea ist das belegt.",
        "Das kostet z.B. 3.5 Mio. Euro.",
        "Mehr unter https://art.com/x und https://sport.com",  # 'rt.com' inside another domain name
        "Ein Tweet von @rt.com_fan",
        "Bare t.me is only held as a link, not as a word",
    ],
)
def test_ordinary_links_and_text_do_not_hit(text: str) -> None:
    assert link_hits(text) == []


@pytest.mark.parametrize(
    ("text", "rule_id", "span"),
    [
        ("Das Kiewer Regime ist schuld.", "narrative.kyiv-regime", "Kiewer Regime"),
        ("vom Kiewer-Regimes Gnaden", "narrative.kyiv-regime", "Kiewer-Regimes"),
        ("the Kyiv regime again", "narrative.kyiv-regime", "Kyiv regime"),
        ("это киевского режима дело", "narrative.kyiv-regime", "киевского режима"),
        ("Die Entnazifizierung der Ukraine war nötig", "narrative.denazification", "Entnazifizierung der Ukraine"),
        ("Ki\u200bewer Re\u200bgime", "narrative.kyiv-regime", "Ki\u200bewer Re\u200bgime"),
        ("ＫＩＥＷＥＲ ＲＥＧＩＭＥ", "narrative.kyiv-regime", "ＫＩＥＷＥＲ ＲＥＧＩＭＥ"),
        ("Die US-Biolabore in der Ukraine", "narrative.biolabs", "US-Biolabore"),
    ],
)
def test_narrative_phrases_survive_inflection_and_disguise(text: str, rule_id: str, span: str) -> None:
    [hit] = check_narratives(normalize(text), RULES)
    assert hit.rule_id == rule_id
    assert hit.action is Action.HOLD
    assert text[hit.start : hit.end] == span
    assert hit.match == span


@pytest.mark.parametrize(
    "text",
    [
        "Nordkorea behandelt verwundete russische Soldaten in Pjöngjang.",
        "Das Regime in Pjöngjang schweigt dazu.",
        "Kiewer Straßen sind heute voll.",
        "Die Biologie der Ukraine ist vielfältig.",
    ],
)
def test_ordinary_comments_hit_no_narrative(text: str) -> None:
    assert check_narratives(normalize(text), RULES) == ()


def test_ruleset_version_names_release_and_content_hash() -> None:
    name, _, version = RULES.version_id.partition("@")
    assert name == "kommentare-core"
    assert version.startswith("2026.11.0+")
    assert len(version.split("+")[1]) == 8


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('name = "x"\nversion = "1"\n[[sanctioned]]\noutlet = "X"\ndomains = []\n', "'review_by'"),
        (
            'name = "x"\nversion = "1"\n[[narrative]]\nid = "n"\nlang = "de"\nphrases = ["a"]\n'
            'reference = "r"\nreview_by = "2027-13-01"\n',
            "month must be in 1..12",
        ),
        (
            'name = "x"\nversion = "1"\n[[hold]]\nid = "h"\nreference="r"\nreview_by="2027-01-01"\ndomains = [1]\n',
            "domains",
        ),
        ('name = "x"\nversion = \n', "Invalid value"),
        ('version = "1"\n', "'name'"),
    ],
)
def test_bad_rule_files_fail_with_file_and_reason(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RulesetError, match=message) as info:
        load_ruleset(path)
    assert str(path) in str(info.value)
