"""The shipped watched words (pure, no app): everyday German insults held or rejected, sharp but civil criticism
left alone, disguises seen through, and every hit explained."""

from __future__ import annotations

import dataclasses

import pytest

from moderation.verdicts import Action
from moderation.watchwords.backtest import enforcing_shadow
from moderation.watchwords.wordlist import Category, Entry, Mode, Source, WatchAction, Wordlist, load_shipped

SHIPPED = load_shipped()
WORDLIST = Wordlist.compile(SHIPPED.entries, SHIPPED.version, SHIPPED.allow)


def action_of(text: str, wordlist: Wordlist = WORDLIST) -> Action:
    return max((hit.action for hit in wordlist.evaluate(text).hits), key=lambda a: a.value, default=Action.PUBLISH)


INSULTS = [
    ("Du bist ein dummer Idiot, halt die Fresse.", Action.REJECT),
    ("Halt die Klappe, du Trottel.", Action.REJECT),
    ("Du bist ein Vollidiot.", Action.REJECT),
    ("Verpiss dich!", Action.REJECT),
    ("Was für ein Arschloch.", Action.REJECT),
    ("Du Hurensohn", Action.REJECT),
    ("Fick dich.", Action.REJECT),
    ("Halt's Maul, Alter.", Action.REJECT),
    ("Sie sind ein Schwachkopf.", Action.HOLD),
    ("Der Autor ist ein Vollpfosten.", Action.HOLD),
    ("Diese Versager in Berlin.", Action.HOLD),
    ("Du bist so dumm.", Action.HOLD),
    ("Ihr seid doch alle bescheuert.", Action.HOLD),
    ("Was für Deppen.", Action.HOLD),
    ("Dumpfbacken überall.", Action.HOLD),
    ("Ich bring dich um.", Action.REJECT),
    ("Solche Leute gehören an die Wand gestellt.", Action.REJECT),
    ("You are an asshole.", Action.REJECT),
    ("Shut the fuck up.", Action.REJECT),
    ("You moron.", Action.REJECT),
]


@pytest.mark.parametrize(("text", "action"), INSULTS)
def test_everyday_insults_are_held_or_rejected(text: str, action: Action) -> None:
    assert action_of(text) is action


CIVIL = [
    "Gute Recherche, aber die Überschrift ist etwas reißerisch.",
    "Die Sanktionen scheinen nicht zu wirken.",
    "Die Regierung hat hier komplett versagt, das ist ein Skandal.",
    "Der Artikel ist einseitig und schlecht recherchiert.",
    "Das ist eine dumme Idee der Bundesregierung.",  # flagged for moderators, still published
    "Die Opfer des Krieges verdienen unser Mitgefühl.",
    "Der Shitstorm gegen den Minister war absehbar.",
    "Nordkorea behandelt verwundete russische Soldaten, das zeigt wie eng die Allianz ist.",
    "Die Medien berichten seit Wochen nur Unsinn über die Ukraine.",
    "Folgen Sie @Jani_Depp oder lesen Sie deppen-blog.example.de",
    "Idiotensicher ist anders: die Software stürzt ständig ab.",
]


@pytest.mark.parametrize("text", CIVIL)
def test_sharp_but_civil_criticism_is_not_held(text: str) -> None:
    assert action_of(text) in (Action.PUBLISH, Action.FLAG)


def test_handles_and_links_are_names_not_insults() -> None:
    assert WORDLIST.evaluate("Folgen Sie @Jani_Depp oder lesen Sie deppen-blog.example.de").hits == ()


@pytest.mark.parametrize("text", ["V0ll1d10t!", "Idi\u200bot!", "Ιdiot", "D u  b i s t  e i n  Idiot", "ARSCHLOCH"])
def test_disguised_insults_are_caught(text: str) -> None:
    [hit, *_] = WORDLIST.evaluate(text).hits
    assert hit.action in (Action.HOLD, Action.REJECT)
    assert text[hit.start : hit.end] == hit.match


def test_a_hit_explains_itself_with_its_span_in_the_readers_text() -> None:
    text = "Ganz ehrlich: du bist ein V0llidiot."
    [hit] = WORDLIST.evaluate(text).hits
    assert (hit.rule_id, hit.action, hit.match) == ("watchword.de.idiot", Action.REJECT, "V0llidiot")
    assert text[hit.start : hit.end] == "V0llidiot"
    assert "'*idiot*' (insult, de, shipped)" in hit.note and "addressed to a person" in hit.note


def test_address_escalates_only_within_the_sentence() -> None:
    assert action_of("Du hast recht. Die Versager sitzen in Berlin.") is Action.HOLD
    assert action_of("Du Versager.") is Action.REJECT
    assert action_of("Versager, du!") is Action.REJECT


def test_shadow_entries_record_what_they_would_do_and_enforce_nothing() -> None:
    entry = Entry("de", "schwurbler*", WatchAction.HOLD, Category.INSULT, Mode.SHADOW, Source.MODERATOR)
    wordlist = Wordlist.compile((*SHIPPED.entries, entry), "test", SHIPPED.allow)
    result = wordlist.evaluate("Diese Schwurbler schon wieder.")
    assert result.hits == ()
    [shadow] = result.shadow
    assert (shadow.action, shadow.rule_id) == (Action.PUBLISH, "watchword.de.schwurbler")
    assert shadow.note.startswith("shadow: would hold")
    assert action_of("Diese Schwurbler schon wieder.", enforcing_shadow(wordlist)) is Action.HOLD


def test_every_shipped_entry_compiles_and_has_a_known_language() -> None:
    assert {entry.language for entry in SHIPPED.entries} == {"de", "en"}
    assert len({entry.key for entry in SHIPPED.entries}) == len(SHIPPED.entries) > 100
    assert all(dataclasses.astuple(entry) for entry in SHIPPED.entries)
