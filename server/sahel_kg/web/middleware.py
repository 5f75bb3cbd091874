"""The one middleware every HTTP request crosses: limits, canonical paths, CORS, headers, access log.

Each concern lives in its own module — the size limits in
:mod:`sahel_kg.web.limits`, one spelling per path in :mod:`sahel_kg.web.canonical`, the security headers in :mod:`sahel_kg.web.headers`, the
access log and metrics in :mod:`sahel_kg.web.observability` — and :class:`Edge`
applies them in one pass, with one wrapper around ``send``. Four ASGI layers
doing the same cost a quarter of a small query's time in the server.

CORS: the data is public and no request carries credentials, so any origin
may read any answer (``Access-Control-Allow-Origin: *``), and a preflight
(``OPTIONS`` with ``Access-Control-Request-Method``) is answered here for
the methods the server has.

>>> preflight_headers({b"access-control-request-headers": b"content-type"})[:2]
[(b'access-control-allow-origin', b'*'), (b'access-control-allow-methods', b'GET, HEAD, POST, OPTIONS')]
"""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, quote, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sahel_kg.languages import Choice, answering_in, negotiate
from sahel_kg.metrics import Metrics
from sahel_kg.pages.i18n import _
from sahel_kg.pages.render import error_page
from sahel_kg.rdf.formats import wants_html
from sahel_kg.settings import Settings
from sahel_kg.store.deadlines import page_deadline
from sahel_kg.store.status import CURRENT
from sahel_kg.web.canonical import canonical_answer
from sahel_kg.web.headers import security_headers
from sahel_kg.web.limits import BodyTooLarge, body_too_large, counting_receive, refusal, send_plain
from sahel_kg.web.observability import record_request

ALLOWED_METHODS = b"GET, HEAD, POST, OPTIONS"
#: Response headers a script on another origin may read.
EXPOSED_HEADERS = b"Sahel-Result-Truncated, Sahel-Query-Timeout, Link, Content-Location, Retry-After"
PREFLIGHT_MAX_AGE = b"86400"


def preflight_headers(request_headers: dict[bytes, bytes]) -> list[tuple[bytes, bytes]]:
    """The answer's headers to a CORS preflight: every origin, our methods, the headers asked for."""
    headers = [(b"access-control-allow-origin", b"*"), (b"access-control-allow-methods", ALLOWED_METHODS),
               (b"access-control-max-age", PREFLIGHT_MAX_AGE)]
    asked = request_headers.get(b"access-control-request-headers")
    if asked:
        headers.append((b"access-control-allow-headers", asked))
    return headers


async def send_noncanonical(send: Send, status: int, detail: str, *, browser: bool = False, path: str = "") -> None:
    """301 to the canonical path (``detail``), or 404 saying why (see :mod:`sahel_kg.web.canonical`):
    an HTML page for a browser, plain text for other clients."""
    if status != 301 and browser:
        page = error_page(status, [_("Nothing is served at %(path)s.") % {"path": path},
                                   f"{detail[:1].upper()}{detail[1:]}."]).encode()
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(page)).encode())]})
        await send({"type": "http.response.body", "body": page})
        return
    if status != 301:
        await send_plain(send, status, detail)
        return
    body = f"moved permanently to {detail}\n".encode()
    await send({"type": "http.response.start", "status": 301, "headers": [
        (b"location", detail.encode("latin-1")), (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def language_of(scope: Scope, site: str) -> Choice:
    """The language to answer a request in: its ``lang`` parameter, else its Accept-Language header.

    >>> language_of({"query_string": b"q=gao&lang=fr", "path": "/search", "headers": []}, "http://x/")
    Choice(lang='fr', explicit=True, here='/search?q=gao', site='http://x/')
    >>> language_of({"query_string": b"", "path": "/", "headers": [(b"accept-language", b"fr-FR")]}, "").lang
    'fr'
    >>> language_of({"query_string": b"", "raw_path": b"//elsewhere.example/x", "headers": []}, "").here
    '/elsewhere.example/x'
    """
    params = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    asked = next((value for key, value in params if key == "lang"), None)
    header = dict(scope.get("headers", [])).get(b"accept-language", b"").decode("latin-1")
    kept = urlencode([(k, value) for k, value in params if k != "lang"])
    choice = negotiate(asked, header)
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote(scope.get("path", "/"))  # as asked: still percent-encoded
    path = "/" + path.lstrip("/")  # "//host/x" would be a link to another site
    return Choice(choice.lang, choice.explicit, path + (f"?{kept}" if kept else ""), site)


def language_headers(headers: list[tuple[bytes, bytes]], lang: str) -> list[tuple[bytes, bytes]]:
    """An HTML answer's headers with ``Vary: Accept-Language`` added and its ``Content-Language``.

    Only pages are written in a language; data and files are the same for every reader.

    >>> language_headers([(b"content-type", b"text/html; charset=utf-8"), (b"vary", b"Accept")], "fr")[1:]
    [(b'vary', b'Accept, Accept-Language'), (b'content-language', b'fr')]
    """
    kind = next((value for name, value in headers if name.lower() == b"content-type"), b"")
    if not kind.startswith(b"text/html"):
        return headers
    vary = [value for name, value in headers if name.lower() == b"vary"]
    merged = b", ".join([*vary, b"Accept-Language"]) if vary else b"Accept-Language"
    return [*[(n, value) for n, value in headers if n.lower() not in (b"vary", b"content-language")],
            (b"vary", merged), (b"content-language", lang.encode())]


class Edge:
    """ASGI middleware: request limits, CORS, security headers, access log and metrics."""

    def __init__(self, app: ASGIApp, *, settings: Settings, metrics: Metrics, csp: str | None = None):
        self.app, self.settings, self.metrics = app, settings, metrics
        self.headers = security_headers(csp)
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status, responded, cors = time.perf_counter(), 500, False, False
        data_status = CURRENT.set(getattr(getattr(scope.get("app"), "state", None), "data_status", None))  # for pages
        language = language_of(scope, self.settings.public_base_url)

        async def edge_send(message: Message) -> None:
            nonlocal status, responded
            if message["type"] == "http.response.start":
                status, responded = message["status"], True
                headers = language_headers(message.get("headers", []), language.lang)
                message = {**message, "headers": self._with_headers(headers, cors)}
            await send(message)

        try:
            with answering_in(language):  # the pages, labels and error pages of this request
                early = await self._answer_early(scope, edge_send)
                if early is None:
                    return
                cors = early
                try:
                    with page_deadline(self.settings.page_timeout):  # the server's own queries for this request
                        await self.app(scope, counting_receive(receive, self.settings.max_body_bytes), edge_send)
                except BodyTooLarge:
                    self.metrics.inc("sahel_rejections_total", reason="413")
                    if not responded:
                        await send_plain(edge_send, 413, body_too_large(self.settings.max_body_bytes))
        finally:
            record_request(self.metrics, scope, status, time.perf_counter() - started)
            CURRENT.reset(data_status)

    async def _answer_early(self, scope: Scope, send: Send) -> bool | None:
        """None when the request was answered here (a limit, a preflight); else whether it is cross-origin."""
        settings = self.settings
        refused = refusal(scope, max_url_bytes=settings.max_url_bytes, max_header_bytes=settings.max_header_bytes,
                          max_body_bytes=settings.max_body_bytes)
        if refused:
            self.metrics.inc("sahel_rejections_total", reason=str(refused[0]))
            await send_plain(send, *refused)
            return None
        noncanonical = canonical_answer(scope.get("raw_path") or b"", scope.get("query_string", b""))
        headers = dict(scope.get("headers", []))
        if noncanonical:
            browser = wants_html(headers.get(b"accept", b"").decode("latin-1") or None)
            await send_noncanonical(send, *noncanonical, browser=browser,
                                    path=(scope.get("raw_path") or b"").decode("latin-1"))
            return None
        if b"origin" not in headers:
            return False
        if scope.get("method") == "OPTIONS" and b"access-control-request-method" in headers:
            await send({"type": "http.response.start", "status": 204, "headers": preflight_headers(headers)})
            await send({"type": "http.response.body", "body": b""})
            return None
        return True

    def _with_headers(self, headers: list[tuple[bytes, bytes]], cors: bool) -> list[tuple[bytes, bytes]]:
        present = {name.lower() for name, _ in headers}
        extra = [(k, v) for k, v in self.headers if k not in present]
        if cors and b"access-control-allow-origin" not in present:
            extra += [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", EXPOSED_HEADERS)]
        return [*headers, *extra]
