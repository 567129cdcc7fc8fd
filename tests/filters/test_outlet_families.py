"""Sanctioned outlets are covered as families: every domain an outlet publishes under (country editions, its own
short links), each entry keeping its legal reference."""

from __future__ import annotations

import pytest

from moderation.filters.rules import check_links, load_ruleset
from moderation.verdicts import Action

RULESET = load_ruleset()


@pytest.mark.parametrize(
    ("url", "rule_id"),
    [
        ("https://ru.sputnik.md/20220101/x.html", "link.sanctioned.sputnik"),
        ("https://sputnik.kz/20230101/y.html", "link.sanctioned.sputnik"),
        ("https://sputnik-georgia.ru/politics/1.html", "link.sanctioned.sputnik"),
        ("https://sputniknews.lt/world/2.html", "link.sanctioned.sputnik"),
        ("https://sputnikportal.rs/3.html", "link.sanctioned.sputnik"),
        ("https://sptnkne.ws/abcD", "link.sanctioned.sputnik"),
        ("https://rian.com.ua/politics/4.html", "link.sanctioned.ria-izvestia-rg-voice-of-europe"),
        ("https://www.vesti7.ru/video/5", "link.sanctioned.ntv-rossiya1-rentv-1tv"),
    ],
)
def test_country_editions_and_short_links_are_rejected_like_the_outlet(url: str, rule_id: str) -> None:
    [hit] = check_links(f"Quelle: {url}", RULESET)
    assert (hit.rule_id, hit.action) == (rule_id, Action.REJECT)


def test_every_sanctioned_family_names_its_legal_act() -> None:
    for rule in RULESET.sanctioned:
        assert "Council Regulation (EU)" in rule.reference, rule.rule_id
        assert rule.domains, rule.rule_id
