"""Entity tags and conditional GETs (RFC 9110 §8.8.3, §13.1.2): a repeat request costs a 304.

A built store never changes while it is served, so every answer to a GET is
a function of the build, the code, what pages say beside the data (the data
status banner, the day a citation is accessed, the releases made) and the
request (its path, query string and the headers it negotiates on). :func:`entity_tag`
hashes exactly those into a strong tag, before the route runs; a request whose
``If-None-Match`` holds that tag is answered 304 without running the route,
when the headers its 200 carried (``Vary``, ``Content-Location``, …) are
remembered, and otherwise once the route has answered 200, without its body.

What is never tagged: anything but GET and HEAD; the operational paths under
``/-/``; static files (their own server tags them by file); an in-memory or remote store (no build to name); SPARQL answers when
federation is on (a remote service's data changes under us); and any answer
that is not a 200 or that says ``no-store`` or ``Sahel-Query-Timeout`` (a
timeout depends on load, not on the request).

>>> tag_matches(b'W/"a", "b"', '"b"'), tag_matches(b"*", '"x"'), tag_matches(b'"a"', '"b"')
(True, True, False)
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path

#: Request headers an answer may vary on; each is part of the tag.
NEGOTIATING = (b"accept", b"accept-language")
#: Headers of a 200 that its 304 must repeat (RFC 9110 §15.4.5), kept per tag.
REPEATED = {b"cache-control", b"content-location", b"etag", b"expires", b"vary", b"link"}
#: Answers after which nothing is tagged (their content depends on more than the request).
UNTAGGED_MARKERS = (b"sahel-query-timeout",)
#: ``Cache-Control`` of a tagged answer that sets none: kept, but revalidated (a new build changes it).
PAGE_CACHE = b"public, no-cache"
#: ``Cache-Control`` of a static file: kept an hour (they change with a deployment only).
STATIC_CACHE = b"public, max-age=3600"


def tag_matches(if_none_match: bytes, tag: str) -> bool:
    """Whether an ``If-None-Match`` value names ``tag``, by weak comparison (RFC 9110 §13.1.2)."""
    value = if_none_match.decode("latin-1").strip()
    if value == "*":
        return True
    wanted = tag.removeprefix("W/")
    return any(part.strip().removeprefix("W/") == wanted for part in value.split(","))


def code_fingerprint(package_dir: Path) -> str:
    """A digest of the package's files (paths, sizes, modification times): new code, new tags."""
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            stat = path.stat()
            digest.update(f"{path.relative_to(package_dir)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:16]


def entity_tag(build: str, code: str, context: Sequence[object], method_free_target: bytes,
               headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The strong tag of an answer: ``"<24 hex>"`` from the build, code, page context (data status,
    day, releases), target and the negotiating request headers (``Accept``, ``Accept-Language``)."""
    digest = hashlib.sha256(f"{build}\0{code}\0{context!r}\0".encode())
    digest.update(method_free_target)
    negotiated = {name.lower(): value for name, value in headers if name.lower() in NEGOTIATING}
    for name in NEGOTIATING:
        digest.update(b"\0" + name + b"=" + negotiated.get(name, b""))
    return f'"{digest.hexdigest()[:24]}"'


def is_taggable_answer(status: int, headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether a route's answer may carry the tag computed for its request."""
    if status != 200:
        return False
    for name, value in headers:
        lowered = name.lower()
        if lowered == b"etag" or lowered in UNTAGGED_MARKERS or (lowered == b"cache-control" and b"no-store" in value.lower()):
            return False
    return True


def with_tag(headers: list[tuple[bytes, bytes]], tag: str) -> list[tuple[bytes, bytes]]:
    """``headers`` plus the ``ETag`` and, when the route set none, a ``Cache-Control``."""
    return with_cache_control([*headers, (b"etag", tag.encode())], PAGE_CACHE)


def with_cache_control(headers: list[tuple[bytes, bytes]], value: bytes) -> list[tuple[bytes, bytes]]:
    """``headers`` with a ``Cache-Control`` of ``value`` unless they have one."""
    if any(name.lower() == b"cache-control" for name, _ in headers):
        return headers
    return [*headers, (b"cache-control", value)]


def not_modified_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers of a 200 that its 304 repeats; the body's own (type, length) are dropped."""
    return [(name, value) for name, value in headers if name.lower() in REPEATED]


class RememberedHeaders:
    """The 304 headers of the last ``capacity`` tags answered 200: a bounded LRU map.

    With them a repeat request is answered before its route runs; without
    (after a restart, or once evicted) the route runs and its 200 becomes a 304.
    """

    def __init__(self, capacity: int = 4096) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[str, list[tuple[bytes, bytes]]] = OrderedDict()

    def get(self, tag: str) -> list[tuple[bytes, bytes]] | None:
        headers = self._entries.get(tag)
        if headers is not None:
            self._entries.move_to_end(tag)
        return headers

    def put(self, tag: str, headers: list[tuple[bytes, bytes]]) -> None:
        self._entries[tag] = headers
        self._entries.move_to_end(tag)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
