"""Query runners: who evaluates a query, with what limits, and how bytes come back.

Two implementations of one interface (:class:`Runner`):

- :class:`ThreadRunner`, for a store that lives in this process (in-memory
  stores in tests, which no other process can open). A query runs on a worker
  thread; on its time limit the client gets a 503 at once, but the thread
  runs on until pyoxigraph returns, because pyoxigraph cannot be cancelled.
- :class:`sahel_kg.query.processes.ProcessRunner`, for an on-disk store: queries run
  in long-lived worker processes that are killed on their time limit.

Both admit at most ``slots`` queries at once plus ``queue_limit`` waiting;
more are answered 503 with ``Retry-After`` straight away, and a query that
waits longer than ``queue_timeout`` for a slot gets the same answer.

Threading. pyoxigraph result iterators must be read by the thread that
created them (another thread aborts the process). So a query is evaluated
*and* serialized by one call on one worker thread, which writes chunks
through a bounded bridge (:class:`ChunkBridge`) that the async response
drains; Python never touches a result object anywhere else.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from sahel_kg.metrics import Metrics
from sahel_kg.query.evaluation import ClientGone, Head, QueryJob, Send, evaluate, failure
from sahel_kg.settings import Settings
from sahel_kg.store.ondisk import ServedStore

#: What evaluates a job on a worker thread: (store, job, send, chunk_bytes).
Evaluate = Callable[[Any, QueryJob, Send, int], None]


class Source(Protocol):
    """Where the items after a :class:`Head` come from."""

    async def receive(self) -> object:
        """The next item: bytes, None at the end, or an exception."""
        ...

    def cancel(self) -> None:
        """Stop producing (the client went away or the stream ended)."""
        ...


class Runner(Protocol):
    """Evaluates jobs within the configured limits."""

    async def run(self, store: ServedStore, job: QueryJob) -> tuple[Head, Source]:
        """The head of a job's result and where the rest of its body comes from (the web layer streams it)."""
        ...

    async def collect(self, store: ServedStore, job: QueryJob) -> tuple[Head, bytes]:
        """The head and the whole body of a job's result (for small, capped results)."""
        ...

    def start(self) -> None:
        """Get ready (processes start here); idempotent."""
        ...

    def close(self) -> None:
        """Stop; running queries are abandoned."""
        ...

    def state(self) -> dict[str, object]:
        """Plain facts for the health check."""
        ...

    @property
    def isolated(self) -> bool:
        """Whether every query is evaluated where it cannot reach any network (:mod:`sahel_kg.query.isolation`)."""
        ...


def saturated(message: str = "the server is busy with other queries; retry shortly") -> Head:
    """The 503 a query gets when no slot frees up in time."""
    return failure(503, message, {"Retry-After": "1"})


def timed_out(limit: float) -> Head:
    """The 503 a query gets when it runs past its time limit."""
    return failure(503, f"the query ran longer than the {limit:g} s time limit and was stopped; "
                   "narrow it (a LIMIT, fewer unbound patterns) and try again",
                   {"Sahel-Query-Timeout": f"{limit:g}"})


async def drain(source: Source, first: bytes) -> AsyncIterator[bytes]:
    """The body of a streamed response; an exception aborts it (the client sees a cut stream)."""
    try:
        yield first
        while True:
            item = await source.receive()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, bytes)
            yield item
    finally:
        source.cancel()


async def collect_all(head: Head, source: Source) -> bytes:
    """The whole body of a result, read to its end."""
    parts = [head.body]
    if not head.done:
        async for chunk in drain(source, b""):
            parts.append(chunk)
    return b"".join(parts)


class Admission:
    """Counts queries admitted (running or waiting) against a fixed bound."""

    def __init__(self, bound: int):
        self.bound, self.count = bound, 0
        self._lock = threading.Lock()

    def enter(self) -> bool:
        """Admit one more, or say no."""
        with self._lock:
            if self.count >= self.bound:
                return False
            self.count += 1
            return True

    def leave(self) -> None:
        """One admitted query is finished."""
        with self._lock:
            self.count -= 1


class ChunkBridge:
    """A bounded channel from one worker thread to the event loop.

    The worker blocks in :meth:`send` while ``capacity`` chunks wait unread;
    :meth:`cancel` (the response went away) makes it raise :class:`ClientGone`.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, capacity: int):
        self._loop = loop
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._slots = threading.Semaphore(capacity)
        self._cancelled = threading.Event()

    def send(self, item: object) -> None:
        """Worker side: hand one item to the loop, waiting for room."""
        while not self._slots.acquire(timeout=0.2):
            if self._cancelled.is_set():
                raise ClientGone
        if self._cancelled.is_set():
            raise ClientGone
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)
        except RuntimeError:  # the loop is closed: the server is stopping
            raise ClientGone from None

    async def receive(self) -> object:
        """Loop side: the next item."""
        item = await self._queue.get()
        self._slots.release()
        return item

    @property
    def cancelled(self) -> bool:
        """True once the response side gave up."""
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Loop side: stop the worker at its next write."""
        self._cancelled.set()
        self._slots.release()


async def wait_for_slot(slots: threading.Semaphore, timeout: float) -> bool:
    """Take a slot, waiting up to ``timeout`` seconds without holding a thread."""
    deadline, pause = time.monotonic() + timeout, 0.001
    while not slots.acquire(blocking=False):
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(pause)
        pause = min(pause * 2, 0.02)
    return True


class ThreadRunner:
    """Runs queries on a pool of threads (for stores no other process can open)."""

    def __init__(self, settings: Settings, metrics: Metrics | None = None, *,
                 evaluator: Evaluate = evaluate, kind: str = "threads"):
        self.settings, self.metrics = settings, metrics or Metrics()
        self.evaluator, self.kind = evaluator, kind
        self.pool = ThreadPoolExecutor(settings.query_workers, thread_name_prefix="sparql")
        self.slots = threading.BoundedSemaphore(settings.query_workers)
        self.admission = Admission(settings.query_workers + settings.queue_limit)

    def start(self) -> None:
        """Threads start on demand; nothing to do."""

    @property
    def isolated(self) -> bool:
        """Threads of the server process (or a store over HTTP): never isolated."""
        return False

    def state(self) -> dict[str, object]:
        """Plain facts for the health check."""
        return {"kind": self.kind, "size": self.settings.query_workers, "admitted": self.admission.count}

    async def _start(self, store: ServedStore, job: QueryJob) -> tuple[Head, ChunkBridge | None]:
        if not self.admission.enter():
            self.metrics.inc("sahel_rejections_total", reason="saturated")
            return saturated(), None
        if not await wait_for_slot(self.slots, self.settings.queue_timeout):
            self.admission.leave()
            self.metrics.inc("sahel_rejections_total", reason="queue_timeout")
            return saturated(), None
        bridge = ChunkBridge(asyncio.get_running_loop(), self.settings.queue_chunks)
        future = self.pool.submit(self.evaluator, store, job, bridge.send, self.settings.chunk_bytes)

        def finished(_: object) -> None:
            self.slots.release()
            self.admission.leave()

        future.add_done_callback(finished)
        try:
            head = await asyncio.wait_for(bridge.receive(), self.settings.query_timeout)
        except asyncio.TimeoutError:
            bridge.cancel()
            self.metrics.inc("sahel_query_timeouts_total")
            return timed_out(self.settings.query_timeout), None
        except BaseException:
            bridge.cancel()
            raise
        assert isinstance(head, Head)
        return head, bridge

    async def run(self, store: ServedStore, job: QueryJob) -> tuple[Head, Source]:
        """Evaluate a job on a worker thread: its head, and the source of the rest of its body."""
        head, bridge = await self._start(store, job)
        return head, _Nothing() if bridge is None else bridge

    async def collect(self, store: ServedStore, job: QueryJob) -> tuple[Head, bytes]:
        """The head and the whole body of a job's result."""
        head, bridge = await self._start(store, job)
        return head, await collect_all(head, bridge or _Nothing())

    def close(self) -> None:
        """Stop accepting queries; running ones finish."""
        self.pool.shutdown(wait=False, cancel_futures=True)


class _Nothing:
    """The source of a response that is complete in its head."""

    async def receive(self) -> object:
        return None

    def cancel(self) -> None:
        """Nothing to stop."""
