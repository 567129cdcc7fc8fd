"""Synthetic German reader comments for the load test, and the words the benchmark vocabulary is built from.

Every request gets a different text (random sentence mix plus a serial number), so nothing along the way can
serve a cached answer. The word lists double as the BERT-base vocabulary's real words (``bert_base.py``): with
them in the vocabulary a comment tokenises to roughly one token per word, and a typical comment lands near 40
tokens, the size the product owner's targets refer to. Lengths vary (about 20 to 75 tokens) so batches pad.
"""

from __future__ import annotations

import random
import unicodedata

OPENERS = (
    "Ich finde",
    "Meiner Meinung nach ist",
    "Ehrlich gesagt halte ich",
    "Der Artikel zeigt gut, dass",
    "Schon wieder so ein Bericht über",
    "Danke für den Beitrag, aber",
    "Wer glaubt eigentlich noch, dass",
    "Interessant, wie sich",
)
SUBJECTS = (
    "die Regierung",
    "der Bürgermeister",
    "die Opposition",
    "unsere Stadt",
    "der neue Bahnhof",
    "die Energiepolitik",
    "das Bildungssystem",
    "die Redaktion",
    "der Verkehr in der Innenstadt",
    "die Mietpreise",
    "der Klimaschutz",
    "die Polizei",
)
VERBS = (
    "hat völlig versagt",
    "macht einen guten Job",
    "sollte endlich handeln",
    "wird total überschätzt",
    "verdient mehr Respekt",
    "ignoriert die Bürger",
    "hat das Problem erkannt",
    "lügt doch nur",
    "ist einfach peinlich",
    "bleibt hinter den Erwartungen zurück",
)
TAILS = (
    "und das seit Jahren.",
    "das sieht doch jeder.",
    "so kann es nicht weitergehen.",
    "ich bin gespannt, was noch kommt.",
    "das ist meine ehrliche Meinung.",
    "typisch für diese Leute.",
    "vielleicht ändert sich ja bald etwas.",
    "was für ein Unsinn!",
    "bravo, weiter so!",
    "wer soll das bezahlen?",
)
FILLERS = [
    "wirklich",
    "aber",
    "auch",
    "nur",
    "noch",
    "schon",
    "eben",
    "halt",
    "doch",
    "mal",
    "wieder",
    "sehr",
    "ganz",
    "gar",
    "nicht",
    "immer",
    "nie",
    "heute",
    "morgen",
    "gestern",
    "hier",
    "dort",
    "damals",
    "jetzt",
    "leider",
    "zum",
    "Glück",
    "natürlich",
    "offenbar",
    "angeblich",
    "trotzdem",
    "deshalb",
    "außerdem",
    "übrigens",
]
#: English words appear in German comments too, and keep the vocabulary from being German-only.
ENGLISH = [
    "the",
    "and",
    "you",
    "this",
    "is",
    "not",
    "fake",
    "news",
    "sorry",
    "please",
    "okay",
    "cool",
    "hate",
    "love",
    "idiot",
    "stupid",
    "great",
]


def words() -> list[str]:
    """Every distinct word the generator emits, lower-cased and accent-stripped as BertTokenizer sees it."""
    text = " ".join((*OPENERS, *SUBJECTS, *VERBS, *TAILS, *FILLERS, *ENGLISH)).lower()
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    cleaned = "".join(ch if ch.isalnum() else " " for ch in text)
    return sorted(set(cleaned.split()))


def sentence(rng: random.Random) -> str:
    """One clause-pattern sentence of about 12 tokens."""
    filler = " ".join(rng.sample(FILLERS, rng.randint(0, 3)))
    return f"{rng.choice(OPENERS)} {rng.choice(SUBJECTS)} {filler} {rng.choice(VERBS)}, {rng.choice(TAILS)}"


def comment(rng: random.Random, serial: int) -> str:
    """A comment of 1-3 sentences (about 20 tokens each, so about 40 on average); ``serial`` makes every text unique."""
    count = rng.choice((1, 1, 2, 2, 2, 3))
    body = " ".join(sentence(rng) for _ in range(count))
    if rng.random() < 0.2:
        body += f" {rng.choice(ENGLISH)} {rng.choice(ENGLISH)}!"
    return f"{body} ({serial})"


#: Returning readers: ``history.py`` gives each of them a comment from a month ago, so they are not new accounts.
READERS = tuple(f"{prefix}{n}" for prefix in ("Leserin", "Bürger", "Pendler", "Anwohnerin") for n in range(1250))
#: Share of comments from first-time commenters when the load generator is not told otherwise.
NEW_SHARE = 0.05


def author(rng: random.Random, new_share: float = NEW_SHARE) -> str:
    """A returning reader, or with probability ``new_share`` someone commenting for the first time."""
    if rng.random() < new_share:
        return f"Gast{rng.randint(1, 10**9)}"
    return rng.choice(READERS)
