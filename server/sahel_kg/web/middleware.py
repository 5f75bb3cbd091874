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

import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sahel_kg.languages import Choice, answering_in, negotiate
from sahel_kg.metrics import Metrics
from sahel_kg.pages.i18n import _
from sahel_kg.pages.render import ONLINE_TILES, error_page
from sahel_kg.rdf.formats import wants_html
from sahel_kg.settings import Settings
from sahel_kg.store.deadlines import page_deadline
from sahel_kg.store.status import CURRENT
from sahel_kg.web.canonical import canonical_answer
from sahel_kg.web.conditional import (
    STATIC_CACHE,
    RememberedHeaders,
    code_fingerprint,
    entity_tag,
    is_taggable_answer,
    not_modified_headers,
    tag_matches,
    with_cache_control,
    with_tag,
)
from sahel_kg.web.headers import TILE_HOSTS, content_security_policy, security_headers
from sahel_kg.web.limits import BodyTooLarge, body_too_large, counting_receive, refusal, send_plain
from sahel_kg.web.observability import record_request
from sahel_kg.web.response_cache import KeptAnswer, ResponseCache

ALLOWED_METHODS = b"GET, HEAD, POST, OPTIONS"
#: Response headers a script on another origin may read.
EXPOSED_HEADERS = b"Sahel-Result-Truncated, Sahel-Query-Timeout, Link, Content-Location, Retry-After"
PREFLIGHT_MAX_AGE = b"86400"
#: Paths whose answers may come from another endpoint when federation is on (never tagged then).
FEDERATED_PATHS = ("/sparql", "/query", "/q/")
PACKAGE_DIR = Path(__file__).resolve().parent.parent


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

    >>> once = language_headers([(b"content-type", b"text/html; charset=utf-8"), (b"vary", b"Accept")], "fr")
    >>> once[1:]
    [(b'vary', b'Accept, Accept-Language'), (b'content-language', b'fr')]
    >>> language_headers(once, "fr") == once  # a kept answer passes here again
    True
    """
    kind = next((value for name, value in headers if name.lower() == b"content-type"), b"")
    if not kind.startswith(b"text/html"):
        return headers
    vary = [value for name, value in headers if name.lower() == b"vary"]
    tokens = {token.strip().lower() for value in vary for token in value.split(b",")}
    merged = b", ".join(vary if b"accept-language" in tokens else [*vary, b"Accept-Language"])
    return [*[(n, value) for n, value in headers if n.lower() not in (b"vary", b"content-language")],
            (b"vary", merged), (b"content-language", lang.encode())]


class Edge:
    """ASGI middleware: request limits, CORS, conditional GETs, security headers, access log and metrics."""

    def __init__(self, app: ASGIApp, *, settings: Settings, metrics: Metrics, csp: str | None = None,
                 cache: ResponseCache | None = None):
        self.app, self.settings, self.metrics, self.cache = app, settings, metrics, cache
        self.headers = security_headers(csp or content_security_policy(TILE_HOSTS if settings.online_tiles else ()))
        self.names = {name for name, _ in self.headers}
        self.remembered = RememberedHeaders()
        self._code: str | None = None  # the package's fingerprint, read on the first tagged request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status, responded, cors = time.perf_counter(), 500, False, False
        data_status = CURRENT.set(getattr(getattr(scope.get("app"), "state", None), "data_status", None))  # for pages
        tiles = ONLINE_TILES.set(self.settings.online_tiles)  # for the maps of pages
        language = language_of(scope, self.settings.public_base_url)
        tag: str | None = None
        not_modified = False  # the client holds this answer: send its headers, drop its body
        keep = False  # a GET whose answer the cache may keep (decided again once it starts)
        kept_headers: list[tuple[bytes, bytes]] = []
        kept_body: list[bytes] = []
        kept_size = 0  # bytes of kept_body, counted as they come

        async def edge_send(message: Message) -> None:
            nonlocal status, responded, keep, kept_headers, kept_size
            if message["type"] == "http.response.start":
                headers = language_headers(message.get("headers", []), language.lang)
                if message["status"] == 200 and scope.get("path", "").startswith("/static/"):
                    headers = with_cache_control(headers, STATIC_CACHE)
                tagged = tag is not None and is_taggable_answer(message["status"], headers)
                keep = keep and tagged
                if tag is not None and tagged:
                    headers = kept_headers = with_tag(headers, tag)
                    self.remembered.put(tag, not_modified_headers(headers))
                    if not_modified:
                        headers = not_modified_headers(headers)
                        message = {"type": "http.response.start", "status": 304}
                status, responded = message["status"], True
                message = {**message, "headers": self._with_headers(headers, cors)}
            elif not_modified and status == 304:
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            elif keep and self.cache is not None and tag is not None:
                kept_body.append(message.get("body", b""))
                kept_size += len(kept_body[-1])
                if kept_size > self.cache.max_entry_bytes:
                    keep = False
                    kept_body.clear()
                elif not message.get("more_body", False):
                    self.cache.put(tag, kept_headers, b"".join(kept_body))
            await send(message)

        try:
            with answering_in(language):  # the pages, labels and error pages of this request
                early = await self._answer_early(scope, edge_send)
                if early is None:
                    return
                cors = early
                tag = self._tag_for(scope)
                if_none_match = dict(scope.get("headers", [])).get(b"if-none-match")
                if tag is not None and if_none_match is not None and tag_matches(if_none_match, tag):
                    remembered = self.remembered.get(tag)
                    if remembered is not None:
                        await edge_send({"type": "http.response.start", "status": 304, "headers": remembered})
                        await edge_send({"type": "http.response.body", "body": b""})
                        return
                    not_modified = True
                elif tag is not None and self.cache is not None:
                    kept = self.cache.get(tag)
                    if kept is not None:
                        await self._send_kept(edge_send, kept, head=scope.get("method") == "HEAD")
                        return
                    keep = scope.get("method") == "GET"
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
            ONLINE_TILES.reset(tiles)

    @staticmethod
    async def _send_kept(send: Send, kept: KeptAnswer, *, head: bool) -> None:
        """A kept answer, as its route sent it (without the body to a HEAD)."""
        await send({"type": "http.response.start", "status": 200, "headers": kept.headers})
        await send({"type": "http.response.body", "body": b"" if head else kept.body})

    def _tag_for(self, scope: Scope) -> str | None:
        """The entity tag of a GET or HEAD to a built store, or None when its answer is never tagged."""
        path = scope.get("path", "")
        if scope.get("method") not in ("GET", "HEAD") or path.startswith(("/-/", "/static/")):
            return None
        if self.settings.federation and path.startswith(FEDERATED_PATHS):
            return None
        state = getattr(scope.get("app"), "state", None)
        store_dir = getattr(state, "store_dir", None)
        if store_dir is None:
            return None
        if self._code is None:  # new code or new settings (base URL, tiles, …): new answers
            self._code = code_fingerprint(PACKAGE_DIR) + hashlib.sha256(
                self.settings.model_dump_json().encode()).hexdigest()[:16]
        status = getattr(state, "data_status", None)
        current = status.latest().get("current") if status is not None else None
        context = (current, datetime.now(UTC).date().isoformat(), self._releases_stamp())
        target = (scope.get("raw_path") or path.encode()) + b"?" + scope.get("query_string", b"")
        return entity_tag(Path(store_dir).name, self._code, context, target, scope.get("headers", []))

    def _releases_stamp(self) -> int:
        """When the releases folder last changed (0: none yet): pages cite the latest release."""
        try:
            return self.settings.releases_dir.stat().st_mtime_ns
        except (OSError, ValueError):
            return 0

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
