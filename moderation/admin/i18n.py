"""The web app's words in German (the default) and English: one catalogue, the same keys in both.

The language comes from ``?lang=`` (remembered in a cookie), else the cookie, else the browser's
``Accept-Language``, else German.
"""

from __future__ import annotations

from flask import Request

from moderation.admin.words import WORDS

LANGUAGES = ("de", "en")
LANG_COOKIE = "kommentare_lang"

CATALOGUE: dict[str, dict[str, str]] = {
    language: {key: texts[index] for key, texts in WORDS.items()} for index, language in enumerate(LANGUAGES)
}


def pick_language(request: Request) -> str:
    asked = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in LANGUAGES:
        return str(asked)
    return request.accept_languages.best_match(LANGUAGES) or "de"


def translator(language: str):  # type: ignore[no-untyped-def]
    words = CATALOGUE[language]
    return lambda key: words.get(key, key)
