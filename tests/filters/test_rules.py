"""The rule stage on the bundled rule set: narratives, disguises, dampers and the actions they lead to (pure)."""

from __future__ import annotations

import pytest

from moderation.filters.normalize import normalize
from moderation.filters.rules import check_narratives, evaluate, load_ruleset
from moderation.verdicts import Action

RULES = load_ruleset()


def action_of(text: str) -> Action:
    hits = evaluate(text, RULES)
    return max((h.action for h in hits), key=lambda a: a.value, default=Action.PUBLISH)


@pytest.mark.parametrize(
    ("text", "rule_id", "span"),
    [
        ("Das Kiewer Regime ist schuld.", "narrative.kyiv-regime", "Kiewer Regime"),
        ("vom Kiewer-Regimes Gnaden", "narrative.kyiv-regime", "Kiewer-Regimes"),
        ("the Kyiv regime again", "narrative.kyiv-regime", "Kyiv regime"),
        ("это киевского режима дело", "narrative.kyiv-regime", "киевского режима"),
        ("kievskogo rezhima delo", "narrative.kyiv-regime", "kievskogo rezhima"),
        ("Die Entnazifizierung der Ukraine war nötig", "narrative.denazification", "Entnazifizierung der Ukraine"),
        ("the aim is the denazification of Ukraine", "narrative.denazification", "denazification of Ukraine"),
        ("цель - денацификация", "narrative.denazification", "денацификация"),
        ("Die US-Biolabore in der Ukraine", "narrative.biolabs", "US-Biolabore in der Ukraine"),
        ("Neonazis in Kiew regieren", "narrative.nazi-ukraine", "Neonazis in Kiew"),
        ("Die Ukraine ist kein Staat.", "narrative.failed-state", "Ukraine ist kein Staat"),
        ("Gay-Europa will das so", "narrative.decadent-west", "Gay-Europa"),
        ("Gayeuropa will das so", "narrative.decadent-west", "Gayeuropa"),
        ("Die NATO hat Russland provoziert", "narrative.nato-provocation", "NATO hat Russland provoziert"),
        ("the 2014 coup in Kyiv", "narrative.maidan-coup", "2014 coup in Kyiv"),
        ("Koks-Selenskyj mal wieder", "narrative.zelensky-drugs", "Koks-Selenskyj"),
    ],
)
def test_strong_narratives_hold_with_the_span_the_reader_wrote(text: str, rule_id: str, span: str) -> None:
    [hit] = check_narratives(normalize(text), RULES)
    assert (hit.rule_id, hit.action) == (rule_id, Action.HOLD)
    assert text[hit.start : hit.end] == span == hit.match
    assert hit.raw_weight == hit.weight


@pytest.mark.parametrize(
    "text",
    [
        "Die NATO-Osterweiterung wird seit 1990 diskutiert.",
        "Das ist ein Stellvertreterkrieg.",
        "Russophobie ist hier nicht das Thema.",
        "the special military operation, as Moscow calls it",
    ],
)
def test_one_weak_narrative_is_flagged_not_held(text: str) -> None:
    hits = check_narratives(normalize(text), RULES)
    assert hits
    assert {h.action for h in hits} == {Action.FLAG}


def test_two_medium_narratives_add_up_to_a_hold() -> None:
    text = "Die Sanktionen schaden nur uns, und Gayropa feiert."
    hits = check_narratives(normalize(text), RULES)
    assert {h.rule_id for h in hits} == {"narrative.sanctions-backfire", "narrative.decadent-west"}
    assert {h.action for h in hits} == {Action.HOLD}


def test_the_same_narrative_repeated_does_not_add_up() -> None:
    text = "NATO-Osterweiterung hier, NATO-Osterweiterung da."
    assert {h.action for h in check_narratives(normalize(text), RULES)} == {Action.FLAG}


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Kie\u200bwer Regime", "Kie\u200bwer Regime"),  # zero-width space inside a word
        ("Кiewer Regime", "Кiewer Regime"),  # Cyrillic К
        ("Kiewer Rеgime", "Kiewer Rеgime"),  # Cyrillic е
        ("ＫＩＥＷＥＲ ＲＥＧＩＭＥ", "ＫＩＥＷＥＲ ＲＥＧＩＭＥ"),  # fullwidth
        ("𝐊𝐢𝐞𝐰𝐞𝐫 𝐑𝐞𝐠𝐢𝐦𝐞", "𝐊𝐢𝐞𝐰𝐞𝐫 𝐑𝐞𝐠𝐢𝐦𝐞"),  # mathematical bold
        ("K1ewer Reg1me", "K1ewer Reg1me"),  # leetspeak
        ("US-B10l4bore", "US-B10l4bore"),
    ],
)
def test_disguised_narratives_are_caught_with_original_spans(text: str, span: str) -> None:
    [hit] = check_narratives(normalize(text), RULES)
    assert hit.action is Action.HOLD
    assert text[hit.start : hit.end] == span


@pytest.mark.parametrize(
    "text",
    [
        "Die NАTO-Osterweiterung",  # Cyrillic А: weak narrative, but disguised
        "Die N4TO-Osterweiterung",  # leetspeak
        "Die NATO-Oster\u200bweiterung",  # zero-width split
    ],
)
def test_disguise_plus_any_narrative_holds(text: str) -> None:
    hits = check_narratives(normalize(text), RULES)
    assert [h.rule_id for h in hits] == ["narrative.nato-provocation"]
    assert hits[0].action is Action.HOLD


@pytest.mark.parametrize(
    ("text", "damper", "action"),
    [
        ("Das Kiewer Regime muss weg.", None, Action.HOLD),
        ("Wer vom „Kiewer Regime“ spricht, übernimmt Moskaus Sprache.", "quoted", Action.FLAG),
        ('He keeps saying "Kyiv regime" on air.', "quoted", Action.FLAG),
        ("Sie sprechen vom «киевский режим».", "quoted", Action.FLAG),
        ("Die Rede vom Kiewer Regime ist Kreml-Propaganda.", "debunk:*propaganda", Action.FLAG),
        ("Das angebliche Kiewer Regime gibt es nicht.", "debunk:angeblich*", Action.FLAG),
        ("Es gibt kein Kiewer Regime, sondern eine gewählte Regierung.", "negated:kein", Action.FLAG),
        ("There was no coup in Kyiv in 2014.", "negated:no", Action.FLAG),
        ("„Kiewer Regime“ ist ein Propaganda-Begriff.", "quoted+debunk:*propaganda", Action.PUBLISH),
        ('The claim about "US biolabs" is a debunked myth.', "quoted+debunk:the claim", Action.PUBLISH),
        ("«Денацификация» — это пропаганда Кремля.", "quoted+debunk:пропаганд*", Action.PUBLISH),
    ],
)
def test_quoted_debunked_or_negated_narratives_are_damped(text: str, damper: str | None, action: Action) -> None:
    [hit] = check_narratives(normalize(text), RULES)
    assert hit.damper == damper
    assert hit.action is action
    assert hit.raw_weight == 1.0
    assert hit.weight < 1.0 or damper is None
    if damper:
        assert "damped" in hit.note


def test_negation_inside_the_phrase_is_part_of_the_narrative() -> None:
    [hit] = check_narratives(normalize("Die Ukraine ist kein Staat."), RULES)
    assert hit.damper is None


@pytest.mark.parametrize(
    "text",
    [
        "Nordkorea behandelt verwundete russische Soldaten in Pjöngjang.",
        "Das Regime in Pjöngjang schweigt dazu.",
        "Kiewer Straßen sind heute voll.",
        "Die Biologie der Ukraine ist vielfältig.",
        "Die Entnazifizierungs-Akten von 1946 liegen im Archiv.",
        "Russia's 'special' relationship with Pyongyang is no secret.",
        "Gaylord Europe Ltd. hat ein Büro in Kiew.",
        "Die Krim-Brücke wurde 2018 eröffnet.",
        "2022 kostete das 3.5 Mio. Euro, z.B. für Soldaten.",
    ],
)
def test_ordinary_comments_are_not_held(text: str) -> None:
    assert action_of(text) in (Action.PUBLISH, Action.FLAG)
    assert all(h.action is not Action.HOLD for h in evaluate(text, RULES))


def test_regex_rules_match_free_word_order() -> None:
    hits = check_narratives(normalize("Die Sanktionen treffen vor allem Deutschland."), RULES)
    assert [h.rule_id for h in hits] == ["narrative.sanctions-backfire"]
    assert hits[0].match == "Sanktionen treffen vor allem Deutschland"


def test_evaluate_returns_link_hits_before_narrative_hits() -> None:
    text = "Das Kiewer Regime, siehe https://rt.com/news/1"
    hits = evaluate(text, RULES)
    assert [h.rule_id.split(".")[0] for h in hits] == ["link", "narrative"]
    assert hits[0].action is Action.REJECT


def test_sanctioned_link_in_a_debunking_comment_is_held_not_rejected() -> None:
    text = "Das ist Desinformation, wie RT sie verbreitet: https://rt.com/news/1"
    [hit] = [h for h in evaluate(text, RULES) if h.rule_id.startswith("link.")]
    assert hit.action is Action.HOLD
    assert hit.damper == "debunk:desinformation*"
    assert "held instead of rejected" in hit.note


def test_ruleset_version_names_release_and_content_hash() -> None:
    name, _, version = RULES.version_id.partition("@")
    assert name == "kommentare-core"
    release, _, digest = version.partition("+")
    assert release.count(".") == 2
    assert len(digest) == 8


def test_bundled_rule_set_has_no_overdue_reviews_and_enough_patterns() -> None:
    assert RULES.mode == "enforce"
    assert RULES.pattern_count >= 500
    assert {r.lang for r in RULES.narratives} >= {"de", "en", "ru", "ru-latn"}
    assert all(r.reference and r.review_by for r in (*RULES.narratives, *RULES.sanctioned, *RULES.protected))
