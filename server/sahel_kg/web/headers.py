"""Headers every response carries, and the catch-all answer to an unhandled error.

:func:`security_headers` gives a strict Content-Security-Policy (our own
scripts and styles only; map tiles from OpenStreetMap only where the
``online_tiles`` setting allows them), ``nosniff``, ``frame-ancestors 'none'`` and a
Referrer-Policy for every response.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response

log = logging.getLogger(__name__)

#: Where map tiles come from (images only), when the ``online_tiles`` setting allows them.
TILE_HOSTS = ("https://tile.openstreetmap.org", "https://*.tile.openstreetmap.org")


def content_security_policy(tiles: Iterable[str] = ()) -> str:
    """The policy every response carries.

    Scripts, style sheets, fonts and data: our own origin only (the editor and
    Leaflet are vendored under ``/static/vendor``), never inline. Inline
    ``style`` attributes are allowed (``style-src-attr``): some pages size
    things with them, and they cannot run code. ``tiles``: image hosts a map
    may load tiles from (none unless the ``online_tiles`` setting is on).

    >>> "frame-ancestors 'none'" in content_security_policy()
    True
    >>> "https:" in content_security_policy()
    False
    """
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        " ".join(["img-src 'self' data:", *tiles]),
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
