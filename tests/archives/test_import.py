"""Importing sample Disqus and WordPress exports through ``flask archives import``: threads, statuses, idempotent
re-runs, no webhooks, one audit entry, campaign indexing and ``--screen``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from moderation.archives import service
from moderation.archives.records import ArchiveFormat
from moderation.articles.models import Article
from moderation.audit.models import AuditEntry
from moderation.campaigns.models import Fingerprint
from moderation.comments.models import Comment, CommentStatus, ImportSource
from moderation.types import utcnow
from moderation.webhooks.models import OutboxEvent, WebhookEndpoint
from tests.campaigns.helpers import TEMPLATE, rule_ids
from tests.helpers import post_comment

DATA = Path(__file__).parent / "data"


def _import(runner: FlaskCliRunner, fmt: str, path: Path, *extra: str) -> Any:
    return runner.invoke(args=["archives", "import", "--format", fmt, str(path), *extra])


def _by_key(session: Any) -> dict[str, Comment]:
    return {str(c.import_key): c for c in session.scalars(select(Comment))}


def test_disqus_import_keeps_threads_authors_times_and_statuses(
    runner: FlaskCliRunner, session: Any, subscriber: WebhookEndpoint
) -> None:
    result = _import(runner, "disqus", DATA / "disqus.xml")
    assert result.exit_code == 0, result.output
    assert "created 5, skipped 0, articles created 2" in result.output
    comments = _by_key(session)
    root, reply, nested = comments["9001"], comments["9002"], comments["9003"]
    assert root.id < reply.id < nested.id  # parents first, though the file lists 9003 first
    assert (root.parent_id, root.thread_id, root.depth) == (None, None, 0)
    assert (reply.parent_id, reply.thread_id, reply.depth) == (root.id, root.id, 1)
    assert (nested.parent_id, nested.thread_id, nested.depth) == (reply.id, root.id, 2)
    assert (nested.author_name, nested.email, nested.import_source) == ("Jörg Müller", "joerg@example.org", "disqus")
    assert nested.created_at.isoformat() == "2019-03-01T10:00:00+00:00"
    assert [comments[k].status for k in ("9004", "9005")] == [CommentStatus.REJECTED, CommentStatus.DELETED]
    assert root.reasons == [
        {
            "code": "imported",
            "message": "Ihr Kommentar wurde mit seinem Status aus dem früheren Kommentarsystem übernommen (Disqus).",
            "message_key": "imported",
            "message_params": {"source": "Disqus"},
        }
    ]
    assert (root.reason_codes, root.language, root.toxicity_scores, root.moderated_by) == (
        " imported ",
        "de",
        None,
        None,
    )
    closed = session.get(Article, "wirtschaft-gruene-energie")
    assert (closed.title, closed.comments_open) == ("Grüne Energie & Preise", False)
    assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 0  # history fires no webhooks
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "archive.imported"))
    assert entry.details["format"] == "disqus" and entry.details["created"] == 5


def test_a_re_run_adds_and_changes_nothing(runner: FlaskCliRunner, session: Any) -> None:
    assert _import(runner, "disqus", DATA / "disqus.xml").exit_code == 0
    before = {key: (c.id, c.status, c.body, c.parent_id) for key, c in _by_key(session).items()}
    session.rollback()
    again = _import(runner, "disqus", DATA / "disqus.xml")
    assert again.exit_code == 0, again.output
    assert "created 0, skipped 5, articles created 0" in again.output
    assert {key: (c.id, c.status, c.body, c.parent_id) for key, c in _by_key(session).items()} == before


def test_wxr_import(runner: FlaskCliRunner, session: Any) -> None:
    result = _import(runner, "wxr", DATA / "wordpress.xml")
    assert result.exit_code == 0, result.output
    assert "created 5," in result.output and "ignored 1" in result.output
    comments = _by_key(session)
    top, reply, pending = (comments[f"blog.zeitung.example:{n}"] for n in (11, 12, 13))
    assert (reply.parent_id, pending.parent_id, pending.thread_id, pending.depth) == (top.id, reply.id, top.id, 2)
    assert top.body == "Es ist heiß & schwül in München.\n\nBitte genug trinken!"
    assert pending.status is CommentStatus.PENDING
    assert {c.import_source for c in comments.values()} == {ImportSource.WORDPRESS}
    assert comments["blog.zeitung.example:15"].body == ""  # trashed: deleted, without its text
    assert session.get(Article, "2020-07-hitzewelle-muenchen").title == "Hitzewelle in München"


def test_a_malformed_file_is_a_clear_error_and_stores_nothing(
    runner: FlaskCliRunner, session: Any, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text((DATA / "disqus.xml").read_text(encoding="utf-8").replace("</post>\n  <post", "<post", 1))
    result = _import(runner, "disqus", broken)
    assert result.exit_code != 0
    assert "broken.xml: line" in result.output and "not well-formed" in result.output
    assert session.scalar(select(func.count()).select_from(Comment)) == 0
    assert session.scalar(select(func.count()).select_from(Article)) == 0


def test_a_run_that_crashed_continues_where_its_last_chunk_ended(
    app: Flask, session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (DATA / "disqus.xml").open("rb") as stream:
        archive = service.read_archive(stream, ArchiveFormat.DISQUS)
    settings = service.ImportSettings(campaigns=_campaigns(app), secret="s" * 40, chunk=2)
    real_insert, calls = service._insert, []

    def crash_in_the_second_chunk(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("power cut")
        real_insert(*args, **kwargs)

    monkeypatch.setattr(service, "_insert", crash_in_the_second_chunk)
    with pytest.raises(RuntimeError):
        service.import_archive(session=session, archive=archive, settings=settings, actor="test")
    session.rollback()
    assert sorted(_by_key(session)) == ["9001", "9002"]  # the first chunk, whole; nothing of the second
    monkeypatch.setattr(service, "_insert", real_insert)
    counts = service.import_archive(session=session, archive=archive, settings=settings, actor="test")
    assert (counts["created"], counts["skipped"], counts["articles_created"]) == (3, 2, 0)
    assert _by_key(session)["9003"].parent_id == _by_key(session)["9002"].id


def _campaigns(app: Flask) -> Any:
    from moderation.campaigns.detection import CampaignConfig

    return CampaignConfig.from_settings(app.config["KOMMENTARE"])


def _disqus(posts: list[tuple[str, str, str]], created: str) -> str:
    """A Disqus export of ``posts`` (key, author, text) on the test article, all posted at ``created``."""
    body = "".join(
        f'<post dsq:id="{key}"><message><![CDATA[<p>{text}</p>]]></message><createdAt>{created}</createdAt>'
        f'<author><name>{author}</name><email>{author}@example.org</email></author><thread dsq:id="t"/></post>'
        for key, author, text in posts
    )
    return (
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        '<thread dsq:id="t"><id>nordkorea-soldaten</id><link>https://zeitung.example/a</link></thread>'
        f"{body}</disqus>"
    )


def test_imported_comments_are_indexed_so_a_live_copy_is_caught(
    runner: FlaskCliRunner, client: FlaskClient, session: Any, tmp_path: Path
) -> None:
    """Two accounts' troll texts from the archive (an hour old) and a third account copying them now: copy-paste."""
    created = (utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = tmp_path / "recent.xml"
    path.write_text(_disqus([("1", "troll1", TEMPLATE), ("2", "troll2", TEMPLATE.upper())], created), "utf-8")
    assert _import(runner, "disqus", path).exit_code == 0
    assert session.scalar(select(func.count()).select_from(Fingerprint)) == 2
    session.rollback()
    copy = post_comment(client, TEMPLATE.replace("sofort", "gleich"), author="Clara")
    assert copy.status_code == 422, copy.json
    assert "campaign.copy_paste" in rule_ids(copy)


def test_screen_holds_published_imports_the_pipeline_would_not_publish(
    runner: FlaskCliRunner, session: Any, tmp_path: Path
) -> None:
    posts = [("1", "a", "Du Giftzwerg, lies erst mal den Artikel."), ("2", "b", "Ein sachlicher Beitrag zur Lage.")]
    path = tmp_path / "screen.xml"
    path.write_text(_disqus(posts, "2019-01-01T00:00:00Z"), "utf-8")
    result = _import(runner, "disqus", path, "--screen")
    assert result.exit_code == 0, result.output
    assert "held 1" in result.output
    comments = _by_key(session)
    toxic, civil = comments["1"], comments["2"]
    assert toxic.status is CommentStatus.PENDING  # the model would reject it: held for a person, not removed
    assert {r["code"] for r in toxic.reasons} == {"toxicity", "imported"}
    assert toxic.toxicity_scores is not None and toxic.model_id == "fake:keyword@1"
    assert civil.status is CommentStatus.PUBLISHED and civil.toxicity_scores is not None


def test_without_screen_nothing_is_scored(runner: FlaskCliRunner, session: Any, tmp_path: Path) -> None:
    path = tmp_path / "plain.xml"
    path.write_text(_disqus([("1", "a", "Du Giftzwerg, lies erst mal den Artikel.")], "2019-01-01T00:00:00Z"), "utf-8")
    assert _import(runner, "disqus", path).exit_code == 0
    [comment] = _by_key(session).values()
    assert (comment.status, comment.toxicity_scores) == (CommentStatus.PUBLISHED, None)
