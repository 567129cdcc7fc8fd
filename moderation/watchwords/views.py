"""``/api/v1/moderation/watchwords``: list, add or change, and remove watched words (moderator token)."""

from __future__ import annotations

from moderation.auth import current_actor, moderator_required
from moderation.extensions import current_session
from moderation.http import Blueprint
from moderation.watchwords.runtime import current_cache
from moderation.watchwords.schemas import WordInSchema, WordListSchema, WordOutSchema, WordQuerySchema
from moderation.watchwords.service import WordInput, WordlistPage, add_word, list_words, remove_word
from moderation.watchwords.wordlist import LANGUAGES, Entry

bp = Blueprint(
    "watchwords",
    __name__,
    url_prefix="/api/v1/moderation/watchwords",
    description="Watched words: insults, profanity and phrases that flag, hold or reject a comment.",
)


@bp.route("", methods=["GET"])
@moderator_required
@bp.arguments(WordQuerySchema(), location="query")
@bp.response(200, WordListSchema)
@bp.doc(security=[{"bearerAuth": []}])
def index(language: str | None) -> WordlistPage:
    return list_words(session=current_session(), cache=current_cache(), language=language)


@bp.route("", methods=["POST"])
@moderator_required
@bp.arguments(WordInSchema())
@bp.response(200, WordOutSchema)
@bp.doc(security=[{"bearerAuth": []}])
def add(word: WordInput) -> Entry:
    """Add a word, or change the entry of the same language and phrase (shipped ones too). Audited."""
    return add_word(session=current_session(), cache=current_cache(), word=word, actor=current_actor())


@bp.route(
    "/<language>/<path:phrase>",
    methods=["DELETE"],
    parameters=[
        {"in": "path", "name": "language", "required": True, "schema": {"type": "string", "enum": list(LANGUAGES)}},
        {
            "in": "path",
            "name": "phrase",
            "required": True,
            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
        },
    ],
)
@moderator_required
@bp.response(204)
@bp.doc(security=[{"bearerAuth": []}])
def remove(language: str, phrase: str) -> None:
    """Remove a word (URL-encode the phrase); a removed shipped word stays removed. Audited."""
    remove_word(
        session=current_session(), cache=current_cache(), language=language, phrase=phrase, actor=current_actor()
    )
