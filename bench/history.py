"""Seed a fresh benchmark database with readers who commented before: the traffic a live site actually gets.

Campaign screening treats an account as *new* when its first comment is inside the campaign window, and holds
comments of many new accounts on one article (``campaign.new_account_burst``). Against an empty database every
load-generator author is new, so after ten comments the whole run would be one burst campaign: a real signal, but
not what a newsroom's normal day looks like. This gives the load generator's returning readers
(``corpus.READERS``) one comment each, 30 days old, on an archive article; ``corpus.author`` draws most authors
from them and a few new ones (``--new-share``), so the burst path is still exercised.

Run by ``servers.py`` after the migration, with the server's environment (same database URL and secret key).
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import corpus
from sqlalchemy import insert, select

from app import create_app
from moderation.articles.models import Article
from moderation.campaigns.accounts import account_key
from moderation.campaigns.models import Fingerprint
from moderation.comments.models import Comment, CommentStatus
from moderation.extensions import db
from moderation.types import utcnow

ARCHIVE = "bench-archive"


def seed() -> int:
    """Insert one old published comment and its fingerprint per returning reader; returns how many."""
    app = create_app({"toxicity_model": "none", "toxicity_checkpoint": "", "toxicity_config_dir": ""})
    then = utcnow() - timedelta(days=30)
    with app.app_context():
        session, secret = db.session, app.config["SECRET_KEY"]
        session.add(Article(id=ARCHIVE, comments_open=True))
        rows = [_comment(name, then) for name in corpus.READERS]
        session.execute(insert(Comment), rows)
        ids = dict(session.execute(select(Comment.author_name, Comment.id).where(Comment.article_id == ARCHIVE)).all())
        prints = [_fingerprint(ids[name], secret, name, then) for name in corpus.READERS]
        session.execute(insert(Fingerprint), prints)
        session.commit()
    return len(prints)


def _comment(name: str, when: datetime) -> dict[str, object]:
    return {
        "article_id": ARCHIVE,
        "author_name": name,
        "body": f"Ein älterer Kommentar von {name}.",
        "status": CommentStatus.PUBLISHED,
        "reasons": [],
        "rule_hits": [],
        "created_at": when,
    }


def _fingerprint(comment_id: int, secret: str, name: str, when: datetime) -> dict[str, object]:
    key = account_key(secret=secret, email=None, author_name=name)
    return {
        "comment_id": comment_id,
        "article_id": ARCHIVE,
        "account_key": key,
        "account_new": True,
        "text_hash": None,
        "created_at": when,
    }


if __name__ == "__main__":
    print(f"seeded {seed()} returning readers")
