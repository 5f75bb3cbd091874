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

from starlette.types import Message, Receive, Scope, Send

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


async def send_plain(send: Send, status: int, message: str) -> None:
    """A complete plain-text answer that closes the connection (the request was not read)."""
    body = (message + "\n").encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def refusal(scope: Scope, *, max_url_bytes: int, max_header_bytes: int, max_body_bytes: int) -> tuple[int, str] | None:
    """The status and message refusing this request before it is read, or None.

    >>> refusal({"raw_path": b"/x" * 40, "headers": []}, max_url_bytes=50, max_header_bytes=100,
    ...         max_body_bytes=10)[0]
    414
    """
    if too_long_target(scope, max_url_bytes):
        # a browser without JavaScript submits the query page's form by GET: its one POST is "Short link"
        page = scope.get("path") == "/query"
        return 414, (f"request URL too long (more than {max_url_bytes} bytes); send long queries with POST instead"
                     + (" (go back, then press “Short link”: it posts the query and runs it at its link)"
                        if page else ""))
    headers = scope.get("headers", [])
    why = header_refusal(headers, max_bytes=max_header_bytes, max_count=MAX_HEADERS)
    if why:
        return 431, why
    for name, value in headers:
        if name == b"content-length" and value.isdigit() and int(value) > max_body_bytes:
            return 413, body_too_large(max_body_bytes)
    return None


def body_too_large(max_body_bytes: int) -> str:
    """The 413 message."""
    return f"request body too large (more than {max_body_bytes} bytes)"


def counting_receive(receive: Receive, max_body_bytes: int) -> Receive:
    """``receive`` that raises :class:`BodyTooLarge` once the body passes the limit (chunked bodies)."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > max_body_bytes:
                raise BodyTooLarge
        return message

    return counted
