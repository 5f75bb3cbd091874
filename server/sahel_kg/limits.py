"""Request size limits, answered before any route runs.

- a request target (path and query string) longer than ``max_url_bytes``: 414;
- more than ``MAX_HEADERS`` headers, or more than ``max_header_bytes`` of them: 431;
- a body longer than ``max_body_bytes`` (by its Content-Length, or counted
  as it arrives when chunked): 413.

Every refusal is plain text that says which limit and how to stay under it,
and is counted in ``sahel_rejections_total``.

>>> too_long_target({"raw_path": b"/sparql", "query_string": b"query=" + b"x" * 100}, 50)
True
>>> header_refusal([(b"a", b"b")] * 3, max_bytes=100, max_count=2)
'too many request headers (3; at most 2)'
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .observability import Metrics

MAX_HEADERS = 100


def too_long_target(scope: Scope, max_bytes: int) -> bool:
    """Whether the request target is longer than allowed."""
    path = scope.get("raw_path") or scope.get("path", "").encode()
    return len(path) + 1 + len(scope.get("query_string", b"")) > max_bytes


def header_refusal(headers: list[tuple[bytes, bytes]], *, max_bytes: int, max_count: int) -> str | None:
    """Why the headers are refused, or None."""
    if len(headers) > max_count:
        return f"too many request headers ({len(headers)}; at most {max_count})"
    size = sum(len(k) + len(v) + 4 for k, v in headers)
    if size > max_bytes:
        return f"request headers too large ({size} bytes; at most {max_bytes})"
    return None


class BodyTooLarge(Exception):
    """The body grew past the limit while it was being read."""


async def _plain(send: Send, status: int, message: str) -> None:
    body = (message + "\n").encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class RequestLimits:
    """ASGI middleware enforcing the request size limits."""

    def __init__(self, app: ASGIApp, *, max_url_bytes: int, max_header_bytes: int, max_body_bytes: int,
                 metrics: Metrics):
        self.app, self.metrics = app, metrics
        self.max_url, self.max_headers, self.max_body = max_url_bytes, max_header_bytes, max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal:
            status, message = refusal
            self.metrics.inc("sahel_rejections_total", reason=str(status))
            await _plain(send, status, message)
            return
        await self._guard_body(scope, receive, send)

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        if too_long_target(scope, self.max_url):
            return 414, (f"request URL too long (more than {self.max_url} bytes); "
                         "send long queries with POST instead")
        headers = scope.get("headers", [])
        why = header_refusal(headers, max_bytes=self.max_headers, max_count=MAX_HEADERS)
        if why:
            return 431, why
        length = dict(headers).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            return 413, f"request body too large (more than {self.max_body} bytes)"
        return None

    async def _guard_body(self, scope: Scope, receive: Receive, send: Send) -> None:
        seen, started = [0], [False]

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen[0] += len(message.get("body", b""))
                if seen[0] > self.max_body:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                started[0] = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            self.metrics.inc("sahel_rejections_total", reason="413")
            if not started[0]:
                await _plain(send, 413, f"request body too large (more than {self.max_body} bytes)")
