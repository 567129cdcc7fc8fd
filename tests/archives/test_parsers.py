"""The parsers alone: sample Disqus and WordPress exports into records, and hostile or broken files refused."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from moderation.archives.disqus import parse_disqus
from moderation.archives.placing import insertion_order
from moderation.archives.records import ArchiveError, CommentRecord, Ref
from moderation.archives.text import article_id_from, html_to_text
from moderation.archives.wxr import parse_wxr
from moderation.comments.models import CommentStatus, ImportSource

DATA = Path(__file__).parent / "data"


def _by_key(records: tuple[CommentRecord, ...]) -> dict[str, CommentRecord]:
    return {record.ref.key: record for record in records}


def test_disqus_threads_become_articles_and_posts_comments() -> None:
    with (DATA / "disqus.xml").open("rb") as stream:
        archive = parse_disqus(stream)
    first, second = archive.articles
    assert (first.id, first.title, first.comments_open) == ("nordkorea-soldaten", "Nordkorea schickt Soldaten", True)
    assert first.url == "https://zeitung.example/politik/nordkorea-soldaten/"
    # The identifier "7002 https://..." is no article id: the link's path is, umlauts spelled out.
    assert (second.id, second.title, second.comments_open) == (
        "wirtschaft-gruene-energie",
        "Grüne Energie & Preise",
        False,
    )
    posts = _by_key(archive.comments)
    assert posts["9001"].body == (
        'Ein gut recherchierter Artikel über die Lage.\n\nZweiter Absatz mit "Zitat" & mehr.\nNeue Zeile.'
    )
    assert posts["9001"].author_name == "Anna Schäfer" and posts["9001"].email == "anna@example.org"
    assert posts["9001"].created_at == datetime(2019, 3, 1, 9, 0, tzinfo=UTC)
    assert posts["9002"].body == "Sehe ich anders, siehe diesen Bericht (https://quelle.example/bericht)."
    assert posts["9002"].parent == Ref(ImportSource.DISQUS, "9001") and posts["9002"].email is None
    assert posts["9003"].body == "Stimme zu – Danke für den Hinweis!"
    assert posts["9003"].parent == Ref(ImportSource.DISQUS, "9002")
    statuses = {key: record.status for key, record in posts.items()}
    assert statuses == {
        "9001": CommentStatus.PUBLISHED,
        "9002": CommentStatus.PUBLISHED,
        "9003": CommentStatus.PUBLISHED,
        "9004": CommentStatus.REJECTED,
        "9005": CommentStatus.DELETED,
    }
    assert posts["9005"].body == "" and posts["9005"].article_id == "wirtschaft-gruene-energie"


def test_wxr_items_with_comments_become_articles_pingbacks_are_left_out() -> None:
    with (DATA / "wordpress.xml").open("rb") as stream:
        archive = parse_wxr(stream)
    [article] = archive.articles  # the page without comments is no article
    assert (article.id, article.title) == ("2020-07-hitzewelle-muenchen", "Hitzewelle in München")
    assert archive.ignored == 1
    comments = _by_key(archive.comments)
    assert set(comments) == {f"blog.zeitung.example:{n}" for n in (11, 12, 13, 14, 15)}
    top = comments["blog.zeitung.example:11"]
    assert top.body == "Es ist heiß & schwül in München.\n\nBitte genug trinken!"
    assert (top.author_name, top.parent) == ("Öztürk", None)
    assert top.created_at == datetime(2020, 7, 1, 10, 0, tzinfo=UTC)  # comment_date_gmt, not the local time
    assert comments["blog.zeitung.example:12"].parent == top.ref
    assert [comments[f"blog.zeitung.example:{n}"].status for n in (12, 13, 14, 15)] == [
        CommentStatus.PUBLISHED,
        CommentStatus.PENDING,
        CommentStatus.REJECTED,
        CommentStatus.DELETED,
    ]


def test_replies_are_ordered_after_their_parents_and_the_file_order_is_kept_otherwise() -> None:
    with (DATA / "disqus.xml").open("rb") as stream:
        archive = parse_disqus(stream)
    assert [c.ref.key for c in archive.comments] == ["9003", "9001", "9002", "9004", "9005"]
    assert [c.ref.key for c in insertion_order(archive.comments)] == ["9001", "9002", "9003", "9004", "9005"]


def test_a_cycle_of_parents_is_an_error() -> None:
    xml = DISQUS_HEAD + _post("1", parent="2") + _post("2", parent="1") + "</disqus>"
    archive = parse_disqus(io.BytesIO(xml.encode()))
    with pytest.raises(ArchiveError, match="its own ancestor"):
        insertion_order(archive.comments)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE disqus [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<disqus xmlns="http://disqus.com"><post><message>&lol3;</message></post></disqus>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&secret;</title></channel></rss>
"""
WXR_WITHOUT_ID = (
    "<rss xmlns:wp='http://wordpress.org/export/1.2/'><channel><item><wp:post_id>1</wp:post_id>"
    "<wp:comment><wp:comment_content>x</wp:comment_content></wp:comment></item></channel></rss>"
)
DISQUS_HEAD = (
    '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
    '<thread dsq:id="t"><id>artikel</id><link>https://zeitung.example/artikel</link></thread>'
)


def _post(key: str, *, parent: str | None = None, created: str = "2020-01-01T00:00:00Z") -> str:
    reply = f'<parent dsq:id="{parent}"/>' if parent else ""
    return (
        f'<post dsq:id="{key}"><message>Text {key}</message><createdAt>{created}</createdAt>'
        f'<author><name>A</name></author><thread dsq:id="t"/>{reply}</post>'
    )


@pytest.mark.parametrize(
    ("parse", "content", "message"),
    [
        (parse_disqus, BILLION_LAUGHS, "line 2: a DOCTYPE"),
        (parse_wxr, EXTERNAL, "line 2: a DOCTYPE"),
        (parse_disqus, DISQUS_HEAD + "<post dsq:id='1'><message>offen</post></disqus>", "line 1, column"),
        (parse_disqus, "<rss/>", "root element rss"),
        (parse_disqus, DISQUS_HEAD + "<post><message>x</message></post></disqus>", "<post> without dsq:id"),
        (parse_disqus, DISQUS_HEAD + _post("1", created="gestern") + "</disqus>", "'gestern' is not a date"),
        (parse_disqus, DISQUS_HEAD.replace('dsq:id="t"', 'dsq:id="u"') + _post("1") + "</disqus>", "thread 't'"),
        (parse_wxr, WXR_WITHOUT_ID, "line 1: <item>, comment ?: <wp:comment> without <wp:comment_id>"),
    ],
)
def test_hostile_and_broken_files_are_refused_with_where(parse: object, content: str, message: str) -> None:
    with pytest.raises(ArchiveError, match=re.escape(message)):
        parse(io.BytesIO(content.encode()))  # type: ignore[operator]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Eins</p><p>Zwei</p>", "Eins\n\nZwei"),
        ("a<br/>b<br>c", "a\nb\nc"),
        ("&lt;script&gt; &auml;&ouml;&uuml; &#8222;x&#8220;", "<script> äöü „x“"),
        ('<a href="https://x.example/a">https://x.example/a</a>', "https://x.example/a"),
        ("<b>fett</b>   und\t<i>kursiv</i>", "fett und kursiv"),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_article_id_from_link_when_the_identifier_is_none() -> None:
    assert article_id_from("", "https://z.example/", "fallback-1") == "fallback-1"
    assert article_id_from("good-id", "https://z.example/x", "f") == "good-id"
    assert article_id_from("bad id", "https://z.example/Straße/Öl?x=1", "f") == "Strasse-Oel"
