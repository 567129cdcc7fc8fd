"""Conditional and compressed answers: an ETag on every full GET answer (a matching ``If-None-Match`` gets 304
without a body), and gzip or brotli for text the client accepts, so a thread page of 41 KB travels as about 6.

Static widget files come from ``send_file`` with their own ETag and Last-Modified; they are compressed here too
(once per file version and encoding, then served from memory). Every compressible answer says ``Vary:
Accept-Encoding``, so shared caches keep the variants apart.
"""

from __future__ import annotations

import gzip
import importlib.util

from flask import Response, request

#: Below this the headers cost more than compression saves.
MIN_SIZE = 1024
COMPRESSIBLE = frozenset(
    {
        "application/json",
        "application/problem+json",
        "application/javascript",
        "text/javascript",
        "text/css",
        "text/html",
        "text/plain",
        "image/svg+xml",
    }
)
BROTLI = importlib.util.find_spec("brotli") is not None


def conditional_and_compressed(response: Response) -> Response:
    """An ``after_request`` hook (the last one to run: it sees the final body)."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if not response.direct_passthrough:
        response.add_etag(weak=True)  # weak: the same ETag for the compressed and the plain form
        response.make_conditional(request)
        if response.status_code == 304:
            return response
    if response.mimetype not in COMPRESSIBLE or "Content-Encoding" in response.headers:
        return response
    response.vary.add("Accept-Encoding")
    encoding = _chosen_encoding()
    if encoding is None:
        return response
    static = response.direct_passthrough
    source = response.response
    response.direct_passthrough = False
    body = response.get_data()
    if static and hasattr(source, "close"):
        source.close()  # the file behind a static answer: read whole now
    if len(body) < MIN_SIZE:
        return response
    etag = response.headers.get("ETag") if static else None
    compressed = _cached(etag, encoding, body) if etag else _compress(encoding, body)
    response.set_data(compressed)
    response.headers["Content-Encoding"] = encoding
    return response


def _chosen_encoding() -> str | None:
    """Brotli where the client takes it (and the package is installed), else gzip, else nothing."""
    accepted = request.accept_encodings
    if BROTLI and accepted["br"]:
        return "br"
    return "gzip" if accepted["gzip"] else None


def _compress(encoding: str, body: bytes) -> bytes:
    if encoding == "br":
        import brotli  # optional: the default install has it

        return bytes(brotli.compress(body, quality=5))
    return gzip.compress(body, compresslevel=6, mtime=0)


_STATIC: dict[tuple[str, str], bytes] = {}


def _cached(etag: str, encoding: str, body: bytes) -> bytes:
    """Static files: compressed once per version (their ETag) and encoding (a handful of entries per process)."""
    key = (etag, encoding)
    found = _STATIC.get(key)
    if found is None:
        if len(_STATIC) >= 64:
            _STATIC.clear()
        found = _STATIC[key] = _compress(encoding, body)
    return found
