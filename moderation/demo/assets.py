"""Versioned widget URLs: ``/widget/kommentare.js?v=<digest>`` may be cached for a year, because a new release of
the file has a new digest and so a new URL; the bare URL stays an hour (pages that embed it without a version)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from flask import Response, request, url_for

STATIC = Path(__file__).parent / "static"
#: The versioned URL's cache: a year, and never revalidated (the content behind it cannot change).
IMMUTABLE = "public, max-age=31536000, immutable"


@functools.cache
def version(filename: str) -> str:
    """The first 12 hex digits of the file's SHA-256 (read once per process; a release restarts it)."""
    return hashlib.sha256((STATIC / filename).read_bytes()).hexdigest()[:12]


def widget_url(filename: str) -> str:
    return url_for("demo.static", filename=filename, v=version(filename))


def cache_versioned(response: Response) -> Response:
    """The demo blueprint's ``after_request``: a year for a URL whose ``v`` is the file's current version."""
    filename = request.view_args.get("filename") if request.view_args else None
    if request.endpoint == "demo.static" and filename and request.args.get("v") == _known(filename):
        response.headers["Cache-Control"] = IMMUTABLE
    return response


def _known(filename: str) -> str | None:
    return (
        version(filename) if (STATIC / filename).is_file() and filename in {"kommentare.js", "kommentare.css"} else None
    )
