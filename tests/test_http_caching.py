"""Answers that travel small and are not sent twice: gzip/brotli by negotiation, ETags with 304s, cache headers
that fit a CDN, versioned widget URLs cached for a year, and one count request for a list of stories."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import brotli
import pytest
from flask.testing import FlaskClient

from moderation.demo.content import DEMO_ARTICLE_ID
from tests.factories import ARTICLE_ID, auth, make_article, make_comment

WIDGET = Path(__file__).resolve().parents[1] / "moderation" / "demo" / "static" / "kommentare.js"
LISTING = f"/api/v1/articles/{ARTICLE_ID}/comments"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"demo_page": True}


@pytest.fixture
def story(session: Any) -> None:
    make_article(session)
    for n in range(12):
        make_comment(session, body=f"Ein sachlicher Kommentar, Nummer {n}, mit etwas mehr Text darin. " * 3)


@pytest.mark.parametrize(
    ("accept", "encoding"), [("gzip, deflate", "gzip"), ("br;q=1.0, gzip;q=0.8", "br"), ("identity", None)]
)
def test_a_thread_page_is_compressed_as_the_client_accepts(
    client: FlaskClient, story: None, accept: str, encoding: str | None
) -> None:
    plain = client.get(LISTING, headers={"Accept-Encoding": "identity"})
    response = client.get(LISTING, headers={"Accept-Encoding": accept})
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    decode = {"gzip": gzip.decompress, "br": brotli.decompress, None: lambda body: body}[encoding]
    assert decode(response.data) == plain.data
    if encoding:
        assert len(response.data) < len(plain.data) / 3


def test_an_unchanged_page_answers_304_and_a_new_comment_changes_it(
    client: FlaskClient, session: Any, story: None
) -> None:
    first = client.get(LISTING)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["Cache-Control"] == "public, no-cache"
    again = client.get(LISTING, headers={"If-None-Match": etag, "Accept-Encoding": "gzip"})
    assert again.status_code == 304 and again.data == b""
    make_comment(session, body="Noch einer.")
    changed = client.get(LISTING, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_moderators_answers_stay_private(client: FlaskClient, token: str) -> None:
    response = client.get("/api/v1/moderation/queue", headers=auth(token))
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_the_demo_page_loads_versioned_widget_files_cached_for_a_year(client: FlaskClient, session: Any) -> None:
    make_article(session, DEMO_ARTICLE_ID)
    page = client.get(f"/demo/{DEMO_ARTICLE_ID}").text
    [script] = re.findall(r'src="(/widget/kommentare\.js\?v=[0-9a-f]{12})"', page)
    assert re.search(r'href="/widget/kommentare\.css\?v=[0-9a-f]{12}"', page)
    versioned = client.get(script, headers={"Accept-Encoding": "gzip"})
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert versioned.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(versioned.data) == WIDGET.read_bytes()
    for other in ("/widget/kommentare.js", "/widget/kommentare.js?v=000000000000"):
        with client.get(other) as bare:  # closes the file behind the uncompressed answer
            assert bare.headers["Cache-Control"] == "public, max-age=3600"


def test_counts_for_a_list_of_stories(client: FlaskClient, session: Any, story: None) -> None:
    make_article(session, "leer")
    response = client.get(
        "/api/v1/comment-counts?article=nordkorea-soldaten&article=leer&article=gibt-es-nicht",
        headers={"Origin": "https://zeitung.example"},
    )
    assert response.status_code == 200
    assert response.json == {"counts": {ARTICLE_ID: 12, "leer": 0}}
    too_many = "&".join(f"article=a{n}" for n in range(101))
    refused = client.get(f"/api/v1/comment-counts?{too_many}")
    assert refused.status_code == 400 and refused.json["errors"]["article"]
