"""Rule files: validation with FILE:LINE: reason, phrase syntax, and reloads that keep the last good rule set."""

from __future__ import annotations

import logging
import textwrap
import time
from pathlib import Path

import pytest

from moderation.filters.matching import parse_phrase
from moderation.filters.normalize import normalize
from moderation.filters.rules import RulesetError, RulesetHolder, check_narratives, load_ruleset
from moderation.verdicts import Action

HEAD = 'name = "test"\nversion = "1"\n'
NARRATIVE = """
[[narrative]]
id = "narrative.test"
lang = "de"
weight = 1.0
phrases = ["wunderkerze*"]
reference = "test"
review_by = "2030-01-01"
"""


def write(tmp_path: Path, body: str, name: str = "rules.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ('name = "x"\nversion = \n', 2, "TOML syntax error: Invalid value"),
        ('version = "1"\n', 1, "top level: 'name': is required"),
        (HEAD + 'mode = "test"\n', 3, "'mode': must be one of enforce, shadow"),
        (HEAD + 'colour = "red"\n', 3, "'colour': unknown key"),
        (HEAD + '[[sanctioned]]\noutlet = "X"\ndomains = ["x.ru"]\nreference = "r"\n', 3, "'review_by': is required"),
        (
            HEAD + '[[sanctioned]]\noutlet = "X"\ndomains = []\nreference = "r"\nreview_by = "2027-01-01"\n',
            5,
            "domains",
        ),
        (
            HEAD + '\n[[hold]]\nid = "link.h"\nreference = "r"\nreview_by = "2027-13-01"\ndomains = ["a.de"]\n',
            7,
            "month must be in 1..12",
        ),
        (HEAD + '[[hold]]\nid = "link.h"\nreference = "r"\nreview_by = "2027-01-01"\ndomains = [1]\n', 7, "domains"),
        (
            HEAD + '[[hold]]\nid = "link.h"\nreference = "r"\nreview_by = "2027-01-01"\ndomains = ["http://a.de/x"]\n',
            7,
            "not a host name",
        ),
        (NARRATIVE.replace("weight = 1.0", 'weight = "heavy"'), 7, "'weight': must be a number"),
        (NARRATIVE.replace('"wunderkerze*"', '"wunder*kerze"'), 8, "'*' may only stand at the start or end"),
        (NARRATIVE.replace('"wunderkerze*"', '"ab*"'), 8, "at least 3 letters"),
        (NARRATIVE.replace("phrases =", "phrase ="), 8, "'phrase': unknown key"),
        (NARRATIVE.replace('id = "narrative.test"', 'id = "test"'), 5, "must start with 'narrative.'"),
        (NARRATIVE.replace('lang = "de"', 'lang = "deutsch"'), 6, "language tag"),
        (NARRATIVE + "regex = '(a)\\1'\n", 11, "re2 cannot compile it"),
        (NARRATIVE + "regex = '(?<=a)b'\n", 11, "re2 cannot compile it"),
        ("[scoring]\nhold_threshold = 0.5\nflag_threshold = 0.8\n" + HEAD, 3, "must not exceed hold_threshold"),
        (
            HEAD + '[[sanctioned]]\noutlet = "X"\ndomains = ["x.ru"]\nreference = "r"\nreview_by = "2027-01-01"\n'
            '[[hold]]\nid = "link.h"\ndomains = ["x.ru"]\nreference = "r"\nreview_by = "2027-01-01"\n',
            8,
            "domain x.ru is also in link.sanctioned.x",
        ),
    ],
)
def test_bad_rule_files_fail_with_file_line_and_reason(tmp_path: Path, body: str, line: int, message: str) -> None:
    if not body.startswith(("name", "version", "[scoring]")) and "name =" not in body:
        body = HEAD + body
    path = write(tmp_path, body)
    with pytest.raises(RulesetError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        load_ruleset(path)
    assert any(row.startswith(f"{path}:{line}: ") for row in str(info.value).splitlines()), str(info.value)


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    body = HEAD + NARRATIVE.replace('"wunderkerze*"', '"ab*"').replace('lang = "de"', 'lang = "deutsch"')
    with pytest.raises(RulesetError) as info:
        load_ruleset(write(tmp_path, body))
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert ":6: " in lines[0]
    assert ":8: " in lines[1]


def test_unreadable_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(RulesetError, match="cannot read the rule file") as info:
        load_ruleset(tmp_path / "missing.toml")
    assert str(tmp_path / "missing.toml") in str(info.value)


def test_a_minimal_file_loads_with_defaults(tmp_path: Path) -> None:
    ruleset = load_ruleset(write(tmp_path, HEAD + NARRATIVE))
    assert ruleset.mode == "enforce"
    assert (ruleset.scoring.hold_threshold, ruleset.scoring.flag_threshold) == (1.0, 0.3)
    assert ruleset.pattern_count == 1
    [hit] = check_narratives(normalize("Diese Wunderkerzen!"), ruleset)
    assert (hit.rule_id, hit.action, hit.match) == ("narrative.test", Action.HOLD, "Wunderkerzen")


def test_overdue_reviews_are_listed_not_fatal(tmp_path: Path) -> None:
    ruleset = load_ruleset(write(tmp_path, HEAD + NARRATIVE.replace("2030-01-01", "2020-01-01")))
    assert ruleset.overdue() == [(4, "narrative.test", ruleset.narratives[0].review_by)]


@pytest.mark.parametrize(
    ("phrase", "key", "steps"),
    [
        ("Kiewer Regime*", "kiewer regime", (("star", ""),)),
        ("NATO-Osterweiterung", "nato osterweiterung", ()),
        ("gay-?europ*", "gay", (("optsep", ""), ("lit", "europ"), ("star", ""))),
        ("киевск* режим*", "киевск", (("star", ""), ("sep", ""), ("lit", "режим"), ("star", ""))),
    ],
)
def test_phrase_syntax(phrase: str, key: str, steps: tuple[tuple[str, str], ...]) -> None:
    pattern = parse_phrase(phrase)
    assert (pattern.key, pattern.steps) == (key, steps)


def test_leading_star_matches_inside_compounds(tmp_path: Path) -> None:
    ruleset = load_ruleset(write(tmp_path, HEAD + NARRATIVE.replace('"wunderkerze*"', '"*kerze*"')))
    [hit] = check_narratives(normalize("Geburtstagskerzen!"), ruleset)
    assert hit.match == "Geburtstagskerzen"


def test_failed_reload_keeps_the_last_good_rule_set(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write(tmp_path, HEAD + NARRATIVE)
    holder = RulesetHolder(load_ruleset(path))
    good = holder.current.version_id
    path.write_text(HEAD + NARRATIVE.replace('"wunderkerze*"', '"ab*"'), encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="moderation.filters.ruleset"):
        assert holder.reload() is False
    assert holder.current.version_id == good
    assert f"{path}:8:" in (holder.last_error or "")
    assert "keeping " + good in caplog.text
    assert check_narratives(normalize("Wunderkerzen"), holder.current)


def test_reload_swaps_in_a_valid_edit(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + NARRATIVE)
    holder = RulesetHolder(load_ruleset(path))
    path.write_text(HEAD.replace('"1"', '"2"') + NARRATIVE.replace("wunderkerze*", "sternspritzer*"), encoding="utf-8")
    assert holder.reload() is True
    assert holder.current.version_id.startswith("test@2+")
    assert not check_narratives(normalize("Wunderkerzen"), holder.current)
    assert check_narratives(normalize("Sternspritzer"), holder.current)


def test_watching_holder_picks_up_an_edited_file_by_itself(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + NARRATIVE)
    holder = RulesetHolder(load_ruleset(path), watch_seconds=0.01)
    path.write_text(HEAD.replace('"1"', '"22"') + NARRATIVE, encoding="utf-8")
    time.sleep(0.02)
    assert holder.current.version_id.startswith("test@22+")
    path.write_text("broken = ", encoding="utf-8")
    time.sleep(0.02)
    assert holder.current.version_id.startswith("test@22+")
    assert holder.last_error and "TOML syntax error" in holder.last_error
