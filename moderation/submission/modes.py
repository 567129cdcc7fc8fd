"""A story's moderation mode, guest setting and age, applied to every decision the pipeline makes for it.

``pre``: everything the pipeline would publish is held for a moderator first (reason ``premoderated``), for a
story under attack or a sensitive one; ``post`` (the default) publishes what passes. Guests (no newsroom login)
are ``allowed``, ``premoderated`` (reason ``guest_premoderated``) or ``off`` (refused with 401: sign in), per story
or by the site's ``KOMMENTARE_GUESTS``. Stories close by themselves ``KOMMENTARE_AUTO_CLOSE_DAYS`` after they were
registered (0: never), as most newsrooms' comment sections do. "Closed" is ``comments_open: false``.
The mode applies wherever a verdict is stored: new comments, authors' edits and the re-score job.
"""

from __future__ import annotations

import dataclasses

from moderation.articles.models import Article, GuestMode, ModerationMode
from moderation.errors import Unauthorized
from moderation.messages import Message
from moderation.verdicts import Action, Reason, ReasonCode, Verdict


class GuestsNotAllowed(Unauthorized):
    slug = "login-required"
    title = "Sign in to comment"


def refuse_guest(article: Article, *, guest: bool, default: GuestMode) -> None:
    """``GuestsNotAllowed`` for a guest on a story (or site) that takes signed-in readers only."""
    if guest and article.guest_mode(default) is GuestMode.OFF:
        raise GuestsNotAllowed(Message.LOGIN_REQUIRED)


def with_article_mode(verdict: Verdict, article: Article, *, guest: bool, guests_default: GuestMode) -> Verdict:
    """The verdict for a pre-moderated story or guest: a publish (or flag) becomes a hold with its own reason."""
    if verdict.action.value > Action.FLAG.value:
        return verdict
    if article.moderation_mode is ModerationMode.PRE:
        return held(verdict, ReasonCode.PREMODERATED)
    if guest and article.guest_mode(guests_default) is GuestMode.PREMODERATED:
        return held(verdict, ReasonCode.GUEST_PREMODERATED)
    return verdict


def held(verdict: Verdict, code: ReasonCode) -> Verdict:
    """The verdict as a hold for ``code`` alone (the reader is told it waits for a moderator)."""
    return dataclasses.replace(verdict, action=Action.HOLD, reasons=(Reason.told(code, Message.HELD),))
