"""A story's moderation mode and age, applied to every decision the pipeline makes for it.

``pre``: everything the pipeline would publish is held for a moderator first (reason ``premoderated``), for a
story under attack or a sensitive one; ``post`` (the default) publishes what passes. Stories close by themselves
``KOMMENTARE_AUTO_CLOSE_DAYS`` after they were registered (0: never), as most newsrooms' comment sections do.
The mode applies wherever a verdict is stored: new comments, authors' edits and the re-score job.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from moderation.articles.models import Article, ModerationMode
from moderation.messages import Message, text
from moderation.verdicts import Action, Reason, ReasonCode, Verdict


def with_article_mode(verdict: Verdict, article: Article) -> Verdict:
    """The verdict for a pre-moderated story: a publish (or flag) becomes a hold with its own reason."""
    if article.moderation_mode is not ModerationMode.PRE or verdict.action.value > Action.FLAG.value:
        return verdict
    reason = Reason(ReasonCode.PREMODERATED, text(Message.HELD))
    return dataclasses.replace(verdict, action=Action.HOLD, reasons=(reason,))


def closed_by_age(article: Article, *, auto_close_days: int, now: datetime) -> bool:
    return auto_close_days > 0 and now >= article.created_at + timedelta(days=auto_close_days)
