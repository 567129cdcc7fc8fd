"""Kommentare's own archive: export, import into an empty database, export again gives the same file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask.testing import FlaskCliRunner
from sqlalchemy import delete, func, select

from moderation.articles.models import Article, GuestMode, ModerationMode
from moderation.comments.models import Comment, CommentStatus
from moderation.extensions import db
from moderation.readers.models import Reader
from tests.factories import make_article, make_comment

DATA = Path(__file__).parent / "data"
WHEN = datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)


def _populate(session: Any, runner: FlaskCliRunner) -> None:
    """A Disqus import, and comments posted here with every kind of stored decision, a reader and a reply."""
    assert runner.invoke(args=["archives", "import", "--format", "disqus", str(DATA / "disqus.xml")]).exit_code == 0
    make_article(
        session,
        "hier",
        moderation_mode=ModerationMode.PRE,
        guests=GuestMode.OFF,
        thresholds={"toxicity": {"hold": 0.3}},
    )
    reader = Reader(sub="sso-42", name="Lena Kühn", email="lena@example.org", created_at=WHEN, last_seen_at=WHEN)
    session.add(reader)
    session.commit()
    root = make_comment(session, article_id="hier", body="Wie Ärger vermeiden?", author_name="Lena Kühn")
    root.reader_id, root.email, root.up, root.down, root.rank = reader.id, "lena@example.org", 3, 1, 194_000
    root.reasons = [{"code": "toxicity", "label": "insult", "message": "zu scharf", "score": 0.7123456789}]
    root.toxicity_scores, root.model_id, root.thresholds = {"insult": 0.7123456789}, "m@1", {"insult": {"hold": 0.6}}
    root.rule_hits = [{"rule_id": "r1", "action": "flag", "start": 0, "end": 3, "match": "Wie", "weight": 1.0}]
    root.ruleset_version, root.wordlist_version, root.flagged, root.language = "rs1", "wl1", True, "de"
    reply = make_comment(session, article_id="hier", parent=root, status=CommentStatus.REJECTED, body="Nein.")
    reply.moderated_at, reply.moderated_by, reply.appealed_at = WHEN, "moderator:mod", WHEN
    reply.appeal_note, reply.appeal_excluded, reply.edited_at, reply.needs_rescore = "Bitte prüfen", "mod", WHEN, True
    disqus_root = session.scalar(select(Comment).where(Comment.import_key == "9001"))
    make_comment(session, article_id="nordkorea-soldaten", parent=disqus_root, body="Antwort hier auf Disqus-Text")
    session.commit()


def _export(runner: FlaskCliRunner, path: Path) -> str:
    result = runner.invoke(args=["archives", "export", "--out", str(path)])
    assert result.exit_code == 0, result.output
    return path.read_text(encoding="utf-8")


def _empty(session: Any) -> None:
    for table in reversed(db.metadata.sorted_tables):
        session.execute(delete(table))
    session.commit()


def test_export_import_export_is_lossless(runner: FlaskCliRunner, session: Any, tmp_path: Path) -> None:
    _populate(session, runner)
    first = _export(runner, tmp_path / "first.json")
    document = json.loads(first)
    assert (document["format"], document["version"], len(document["articles"])) == ("kommentare-archive", 1, 3)
    assert len(document["comments"]) == 8 and [r["sub"] for r in document["readers"]] == ["sso-42"]
    by_body = {c["body"]: c for c in document["comments"]}
    lena = by_body["Wie Ärger vermeiden?"]
    assert (lena["reader"], lena["source"], lena["rank"], lena["flagged"]) == ("sso-42", "kommentare", 194000, True)
    assert by_body["Nein."]["parent"] == {"source": "kommentare", "key": lena["key"]}
    assert by_body["Antwort hier auf Disqus-Text"]["parent"] == {"source": "disqus", "key": "9001"}
    _empty(session)
    result = runner.invoke(args=["archives", "import", "--format", "kommentare", str(tmp_path / "first.json")])
    assert result.exit_code == 0, result.output
    assert "created 8, skipped 0, articles created 3, readers created 1" in result.output
    assert _export(runner, tmp_path / "second.json") == first
    restored = session.scalar(select(Comment).where(Comment.body == "Nein."))
    assert restored.reason_codes == " " and restored.moderated_by == "moderator:mod"
    assert restored.thread_id == restored.parent_id and restored.depth == 1


def test_importing_an_archive_back_into_its_own_database_adds_nothing(
    runner: FlaskCliRunner, session: Any, tmp_path: Path
) -> None:
    _populate(session, runner)
    _export(runner, tmp_path / "archive.json")
    before = session.scalar(select(func.count()).select_from(Comment))
    result = runner.invoke(args=["archives", "import", "--format", "kommentare", str(tmp_path / "archive.json")])
    assert result.exit_code == 0, result.output
    assert "created 0, skipped 8, articles created 0" in result.output
    assert session.scalar(select(func.count()).select_from(Comment)) == before


def test_export_of_one_article(runner: FlaskCliRunner, session: Any, tmp_path: Path) -> None:
    _populate(session, runner)
    result = runner.invoke(args=["archives", "export", "--article", "hier", "--out", str(tmp_path / "a.json")])
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in document["articles"]] == ["hier"]
    assert {c["article_id"] for c in document["comments"]} == {"hier"} and len(document["comments"]) == 2
    assert session.get(Article, "hier").moderation_mode is ModerationMode.PRE


def test_a_broken_archive_names_the_record(runner: FlaskCliRunner, session: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    comment = {"source": "kommentare", "key": "x:1", "article_id": "a", "body": "b", "status": "unbekannt"}
    path.write_text(json.dumps({"format": "kommentare-archive", "version": 1, "comments": [comment]}), "utf-8")
    result = runner.invoke(args=["archives", "import", "--format", "kommentare", str(path)])
    assert result.exit_code != 0
    assert "comments[0]: missing 'author_name'" in result.output
    assert session.scalar(select(func.count()).select_from(Comment)) == 0
