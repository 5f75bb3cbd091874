"""Headers every response carries, and the catch-all answer to an unhandled error.

:func:`security_headers` gives a strict Content-Security-Policy (our own
scripts and styles only, plus the one map host the pages may load Leaflet and
its tiles from), ``nosniff``, ``frame-ancestors 'none'`` and a
Referrer-Policy for every response.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response

log = logging.getLogger(__name__)

#: The one outside host place pages load the map library (Leaflet: script, styles, icons) from.
MAP_LIBRARY_HOST = "https://unpkg.com"
#: Where map tiles come from (images only).
TILE_HOSTS = ("https://tile.openstreetmap.org", "https://*.tile.openstreetmap.org")


def content_security_policy(library: str = MAP_LIBRARY_HOST, tiles: Iterable[str] = TILE_HOSTS) -> str:
    """The policy every response carries.

    Scripts and style sheets: our own and the map library's host only, never
    inline. Inline ``style`` attributes are allowed (``style-src-attr``): some
    pages size things with them, and they cannot run code.

    >>> "frame-ancestors 'none'" in content_security_policy()
    True
    """
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {library}",
        f"style-src 'self' {library}",
        "style-src-attr 'unsafe-inline'",
        f"img-src 'self' data: {library} {' '.join(tiles)}",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def security_headers(csp: str | None = None) -> list[tuple[bytes, bytes]]:
    """The headers every HTTP response carries (added by :class:`sahel_kg.web.middleware.Edge`)."""
    return [
        (b"content-security-policy", (csp or content_security_policy()).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
    ]


async def plain_500(request: Request, exc: Exception) -> Response:
    """The catch-all: log the error with its traceback, tell the client nothing of it."""
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return PlainTextResponse("internal server error; it has been logged\n", 500)
