"""Versioned widget URLs: ``/widget/kommentare.js?v=<digest>`` may be cached for a year, because a new release of
the file has a new digest and so a new URL; the bare URL stays an hour (pages that embed it without a version)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from flask import Response, request, url_for

STATIC = Path(__file__).parent / "static"
#: The widget files, by name.
WIDGET_FILES = frozenset({"kommentare.js", "kommentare.css"})
#: The versioned URL's cache: a year, and never revalidated (the content behind it cannot change) ...
IMMUTABLE = "public, max-age=31536000, immutable"
#: ... and the bare one's (pages that embed it without ``?v=``): an hour, a release reaches them within it.
HOUR = "public, max-age=3600"


@functools.cache
def version(filename: str) -> str:
    """The first 12 hex digits of the file's SHA-256 (read once per process; a release restarts it)."""
    return hashlib.sha256((STATIC / filename).read_bytes()).hexdigest()[:12]


def widget_url(filename: str) -> str:
    return url_for("demo.static", filename=filename, v=version(filename))


def cache_versioned(response: Response) -> Response:
    """The demo blueprint's ``after_request`` for its widget files: a year for a URL whose ``v`` is the file's
    current version, an hour otherwise (replacing ``send_file``'s ``no-cache``)."""
    if request.endpoint != "demo.static":
        return response
    filename = request.view_args.get("filename") if request.view_args else None
    current = version(filename) if filename in WIDGET_FILES else None
    response.headers["Cache-Control"] = IMMUTABLE if current and request.args.get("v") == current else HOUR
    return response
