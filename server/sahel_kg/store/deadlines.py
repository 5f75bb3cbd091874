"""A time limit on the server's own work for one page: a deadline, checked before each query.

User queries run in worker processes that are killed at their limit. Pages,
dereferencing and discovery run the server's own queries in the server
process, where pyoxigraph cannot be interrupted. So each such request gets a
deadline (set by :class:`sahel_kg.web.middleware.Edge`, ``page_timeout`` seconds), held
in a context variable that follows the request onto its worker thread; the
backends call :func:`check_deadline` before every query, which raises
:class:`PageTimeout` once it has passed. The work stops there — at most the
query running at the deadline finishes — and the client gets a 503 saying so.

Work done once per store and then kept (the statistics and dumps of VoID)
runs under :func:`no_deadline`: interrupting it would only make every later
request start it again.

>>> with page_deadline(-1.0):
...     check_deadline()
Traceback (most recent call last):
...
sahel_kg.store.deadlines.PageTimeout: this page took longer than -1 s to build and was stopped
>>> with page_deadline(-1.0), no_deadline():
...     check_deadline()
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("sahel_page_deadline", default=None)


class PageTimeout(Exception):
    """The page's deadline passed before its next query; ``limit`` is the page time limit in seconds."""

    def __init__(self, limit: float):
        super().__init__(f"this page took longer than {limit:g} s to build and was stopped")
        self.limit = limit


@contextmanager
def page_deadline(seconds: float) -> Iterator[None]:
    """Everything inside (and the threads it hands work to) must finish its queries within ``seconds``."""
    token = _deadline.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


@contextmanager
def no_deadline() -> Iterator[None]:
    """Work that is done once and kept: no deadline inside."""
    token = _deadline.set(None)
    try:
        yield
    finally:
        _deadline.reset(token)


def check_deadline() -> None:
    """Raise :class:`PageTimeout` when the current request's deadline has passed (no deadline: never)."""
    current = _deadline.get()
    if current is not None and time.monotonic() > current[0]:
        raise PageTimeout(current[1])
