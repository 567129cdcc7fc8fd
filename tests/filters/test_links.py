"""Link rules: sanctioned outlets, the hold list and look-alikes of protected media (pure, bundled rule set)."""

from __future__ import annotations

import pytest

from moderation.filters.lookalike import edit_distance
from moderation.filters.rules import check_links, load_ruleset
from moderation.verdicts import Action

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
        ("https://rt\uff0ecom/dot", "link.sanctioned.rt", Action.REJECT, "https://rt\uff0ecom/dot"),
        ("https://lenta.ru/news", "link.sanctioned.eadaily", Action.REJECT, "https://lenta.ru/news"),
        ("https://southfront.press/x", "link.sanctioned.eadaily", Action.REJECT, "https://southfront.press/x"),
        ("RT.com lügt, wie immer.", "link.sanctioned.rt.mention", Action.HOLD, "RT.com"),
        ("Lest rt[.]com!", "link.sanctioned.rt.obfuscated", Action.HOLD, "rt[.]com"),
        ("Lest rt (dot) com", "link.sanctioned.rt.obfuscated", Action.HOLD, "rt (dot) com"),
        ("Lest rt dot com", "link.sanctioned.rt.obfuscated", Action.HOLD, "rt dot com"),
        ("Quelle: https://t.me/kanal/123", "link.hold.telegram", Action.HOLD, "https://t.me/kanal/123"),
        ("https://bit.ly/3xyz", "link.hold.shortener", Action.HOLD, "https://bit.ly/3xyz"),
        ("https://tass.com/world/1", "link.hold.state-media", Action.HOLD, "https://tass.com/world/1"),
        ("KCNA: http://kcna.kp/en/article/1", "link.hold.dprk-state-media", Action.HOLD, "http://kcna.kp/en/article/1"),
    ],
)
def test_sanctioned_and_held_links(text: str, rule_prefix: str, action: Action, span: str) -> None:
    [(rule_id, hit_action, matched)] = link_hits(text)
    assert rule_id.startswith(rule_prefix)
    assert hit_action is action
    assert matched == span


def test_sanctioned_hit_names_its_legal_reference() -> None:
    [hit] = check_links("https://rt.com/x", RULES)
    assert "2022/350" in hit.note
    assert "Annex XV" in hit.note


@pytest.mark.parametrize(
    ("text", "brand", "how"),
    [
        ("https://spiegel.ltd/politik/1", "link.lookalike.spiegel-de", "another suffix"),
        ("https://www.zeit.news/a", "link.lookalike.zeit-de", "another suffix"),
        ("http://t-online.life/x", "link.lookalike.t-online-de", "another suffix"),
        ("https://sueddeutsche.me/x", "link.lookalike.sueddeutsche-de", "another suffix"),
        ("https://spiegel.de.com/x", "link.lookalike.spiegel-de", "another suffix"),
        ("spiegel-de.com/artikel", "link.lookalike.spiegel-de", "suffix word"),
        ("https://wwwspiegel.de/x", "link.lookalike.spiegel-de", "www prefix"),
        ("https://tonline.de/x", "link.lookalike.t-online-de", "hyphen"),
        ("https://ѕрiеgеl.de/x", "link.lookalike.spiegel-de", "look-alike letters"),
        ("https://xn--spegel-qvf.de/", "link.lookalike.spiegel-de", "look-alike letters"),
        ("https://spigel.de/x", "link.lookalike.spiegel-de", "edit distance 1"),
        ("https://tagesschua.de/x", "link.lookalike.tagesschau-de", "edit distance 1"),
        ("https://handelsbaltt.com/x", "link.lookalike.handelsblatt-com", "edit distance 1"),
        ("https://handelsblat.net/x", "link.lookalike.handelsblatt-com", "edit distance 1"),
        ("https://tagesspigel.de/x", "link.lookalike.tagesspiegel-de", "edit distance"),
        ("https://spiegel.de.example.com/x", "link.lookalike.spiegel-de", "sub-domain"),
        ("https://spiegel.de@example.com/x", "link.lookalike.spiegel-de", "before '@'"),
        ("Lest faz.ltd, da steht es", "link.lookalike.faz-net", "another suffix"),
        ("spiegel[.]ltd", "link.lookalike.spiegel-de", "another suffix"),
    ],
)
def test_lookalikes_of_protected_media_are_held(text: str, brand: str, how: str) -> None:
    [hit] = check_links(text, RULES)
    assert (hit.rule_id, hit.action) == (brand, Action.HOLD)
    assert how in hit.note


@pytest.mark.parametrize(
    "text",
    [
        "Laut https://www.tagesschau.de/ausland/nordkorea ist das belegt.",
        "https://www.spiegel.de/politik/x und https://SPIEGEL.DE/y",
        "https://sz.de/1 https://www.sueddeutsche.de/x https://www.n-tv.de/x https://ntv.de/",
        "https://www.dw.com/de/x https://dw.de https://www.br.de/nachrichten https://www.zdf.de/",
        "https://www.deutschlandfunkkultur.de/x https://www.t-online.de/x https://www.faz.net/",
        "https://spiegel.de@spiegel.de/x",
        "Das kostet z.B. 3.5 Mio. Euro.",
        "Mehr unter https://art.com/x und https://sport.com",  # 'rt.com' inside another domain name
        "Ein Tweet von @rt.com_fan",
        "Bare t.me is only held as a link, not as a word",
        "tass.com berichtet das auch",
        "Ich lese die Welt. Das reicht.",
        "Das stand im Spiegel.In der Ukraine sieht man das anders.",
        "das stand in der welt.so ist das eben",
        "im Zeit.Online-Abo",
        "Wir schreiben das Jahr 2026.Danke!",
        "Katar, der Terror unterstützt, rollt den Teppich aus.Wir brauchen mehr",
        "https://user:password@example.com/ geht auch",
        "the dot com bubble",
    ],
)
def test_real_media_and_ordinary_text_do_not_hit(text: str) -> None:
    assert link_hits(text) == []


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("spiegel", "spiegel", 0),
        ("spigel", "spiegel", 1),
        ("spiegle", "spiegel", 1),
        ("sipegel", "spiegel", 1),
        ("spigl", "spiegel", 2),
    ],
)
def test_edit_distance_counts_swaps_as_one(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, 2) == distance


def test_edit_distance_stops_early_beyond_the_limit() -> None:
    assert edit_distance("handelsblatt", "zdf", 2) == 3


def test_link_scan_is_linear_on_adversarial_input() -> None:
    import time

    text = "a." * 20_000 + " " + "a dot " * 5_000 + "[.]" * 5_000
    started = time.perf_counter()
    check_links(text, RULES)
    assert time.perf_counter() - started < 2.0
