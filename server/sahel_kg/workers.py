"""Queries in worker processes that can be killed: time limits that stop the work.

pyoxigraph cannot cancel a running query, so a runaway one (a cross product,
an unbounded path) would hold a CPU for as long as it likes. Here every query
runs in one of ``worker_processes`` long-lived processes (``python -m
sahel_kg.workers STORE_DIR``), each holding the store open read-only and
evaluating one query at a time with :func:`sahel_kg.evaluation.evaluate`. The
result comes back over the worker's stdout as framed bytes, never as pickled
objects; the pipe's own buffer is the back-pressure on a slow client.

A watchdog thread kills (SIGKILL) a worker whose query passed its deadline
and starts a fresh one; the parent then answers 503, or, when the result had
already started streaming, cuts the stream. A client that goes away mid-stream
also gets its worker killed and replaced, which frees the CPU at once.

Frames. Parent to worker: a 4-byte big-endian length and a JSON
:class:`~sahel_kg.evaluation.QueryJob`. Worker to parent: a one-byte type and
a 4-byte length, then the payload: ``R`` ready, ``H`` a head (JSON) followed
by a ``D`` frame with the first chunk, ``D`` data, ``E`` end, ``X`` an error
after the head (the stream is cut).

The worker's own side is :mod:`sahel_kg.worker_process` (kept light, so a
replacement starts fast).
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyoxigraph
from fastapi.responses import Response

from .evaluation import Head, QueryJob
from .observability import Metrics
from .runners import Admission, collect_all, respond, saturated, timed_out
from .settings import Settings
from .worker_process import LEN as _LEN, read_exact as _read_exact

log = logging.getLogger(__name__)


class WorkerDied(Exception):
    """The worker process ended (killed on its deadline, or crashed)."""


# ---------------------------------------------------------------- parent side

class Worker:
    """One worker process, seen from the parent."""

    def __init__(self, store_dir: Path, chunk_bytes: int):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sahel_kg.worker_process", str(store_dir), str(chunk_bytes)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
        self.deadline: float | None = None
        self.killed_for_time = False
        kind, payload = self.read_frame()
        if kind != b"R":
            self.kill()
            raise WorkerDied(f"worker did not start: {payload!r}")

    @property
    def pid(self) -> int:
        """The process id."""
        return self.proc.pid

    def send_job(self, job: QueryJob, limit: float) -> None:
        """Start a job; it must finish within ``limit`` seconds."""
        data = json.dumps(job.to_dict()).encode()
        self.deadline = time.monotonic() + limit
        try:
            self.stdin.write(_LEN.pack(len(data)) + data)
            self.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerDied(str(exc)) from None

    def read_frame(self) -> tuple[bytes, bytes]:
        """The next frame, blocking; WorkerDied at end of file."""
        try:
            header = _read_exact(self.stdout, 5)
            return header[:1], _read_exact(self.stdout, _LEN.unpack(header[1:])[0])
        except (EOFError, OSError, ValueError):
            raise WorkerDied("the worker process ended") from None

    def read_head(self) -> Head:
        """The head of the current job's result (with its first chunk)."""
        kind, meta = self.read_frame()
        if kind != b"H":
            raise WorkerDied(f"unexpected frame {kind!r}")
        info = json.loads(meta)
        _, body = self.read_frame()
        if info["done"]:
            self.read_frame()  # the end mark
            self.deadline = None
        return Head(info["status"], info["media_type"], body, info["done"], info["headers"])

    def read_item(self) -> object:
        """The next item of a streamed result: bytes, None at the end, or an exception."""
        kind, payload = self.read_frame()
        if kind == b"D":
            return payload
        self.deadline = None
        if kind == b"E":
            return None
        return RuntimeError(payload.decode(errors="replace"))

    def kill(self) -> None:
        """Stop the process now (SIGKILL) and reap it."""
        try:
            self.proc.kill()
        except ProcessLookupError:
            pass
        for stream in (self.stdin, self.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            log.error("worker %s did not exit after SIGKILL", self.pid)

    @property
    def alive(self) -> bool:
        """True while the process runs."""
        return self.proc.poll() is None


class WorkerStream:
    """The rest of a streamed result, read from one worker on a helper thread."""

    def __init__(self, runner: ProcessRunner, worker: Worker):
        self.runner, self.worker, self.finished = runner, worker, False

    async def receive(self) -> object:
        loop = asyncio.get_running_loop()
        try:
            item = await loop.run_in_executor(self.runner.readers, self.worker.read_item)
        except WorkerDied:
            item = RuntimeError("the query was stopped at its time limit" if self.worker.killed_for_time
                                else "the query worker stopped")
        if item is None or isinstance(item, BaseException):
            self.finished = True
        return item

    def cancel(self) -> None:
        """End of the response: the worker goes back to the pool, or is replaced if mid-job."""
        self.runner.release(self.worker, clean=self.finished and self.worker.deadline is None)


class ProcessRunner:
    """A pool of worker processes over the store at ``store_dir``, with deadlines."""

    def __init__(self, settings: Settings, store_dir: Path, metrics: Metrics | None = None):
        self.settings, self.store_dir, self.metrics = settings, store_dir, metrics or Metrics()
        self.size = settings.worker_processes
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.busy: set[Worker] = set()
        self.admission = Admission(self.size + settings.queue_limit)
        self.readers = ThreadPoolExecutor(self.size + settings.queue_limit + 2, thread_name_prefix="sparql-pipe")
        self._lock = threading.Lock()
        self._starting = 0
        self._live = 0  # workers started and not yet discarded (idle or busy)
        self._closed = threading.Event()
        self._started = False

    # -- life cycle

    def start(self) -> None:
        """Start the workers and the watchdog (idempotent; called at app start-up)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        for _ in range(self.size):
            self._spawn()
        threading.Thread(target=self._watch, name="sparql-watchdog", daemon=True).start()

    def close(self) -> None:
        """Kill every worker."""
        self._closed.set()
        with self._lock:
            workers = list(self.busy) + [self.idle.get_nowait() for _ in range(self.idle.qsize())]
        for worker in workers:
            worker.kill()
        self.readers.shutdown(wait=False, cancel_futures=True)

    def state(self) -> dict[str, object]:
        """Plain facts for the health check."""
        with self._lock:
            return {"kind": "processes", "size": self.size, "ready": self.idle.qsize(),
                    "busy": len(self.busy), "starting": self._starting, "admitted": self.admission.count,
                    "pids": sorted(w.pid for w in self.busy)}

    def wait_ready(self, timeout: float = 10.0) -> bool:
        """Block until every worker has started (tests, and a server that wants to be warm)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._live == self.size and self._starting == 0 and not any(
                        w.killed_for_time for w in self.busy):
                    return True
            time.sleep(0.02)
        return False

    def worker_pids(self) -> list[int]:
        """Process ids of every live worker (for tests and the health check)."""
        with self._lock:
            return sorted(w.pid for w in [*self.busy, *list(self.idle.queue)])

    def _spawn(self) -> None:
        with self._lock:
            self._starting += 1
        threading.Thread(target=self._spawn_now, name="sparql-spawn", daemon=True).start()

    def _spawn_now(self) -> None:
        try:
            worker = Worker(self.store_dir, self.settings.chunk_bytes)
        except Exception as exc:  # the pool runs short; the watchdog tries again
            log.error("could not start a query worker: %s", exc)
            worker = None
        with self._lock:
            self._starting -= 1
        if worker is not None:
            if self._closed.is_set():
                worker.kill()
            else:
                with self._lock:
                    self._live += 1
                self.idle.put(worker)

    def _watch(self) -> None:
        while not self._closed.wait(0.05):
            now = time.monotonic()
            with self._lock:
                late = [w for w in self.busy if w.deadline is not None and w.deadline < now and not w.killed_for_time]
                for worker in late:
                    worker.killed_for_time = True
                short = self.size - self._live - self._starting
            for worker in late:
                self.metrics.inc("sahel_query_timeouts_total")
                worker.kill()
            for _ in range(max(0, short)):
                self._spawn()

    # -- jobs

    def _acquire(self, job: QueryJob) -> Worker | None:
        deadline = time.monotonic() + self.settings.queue_timeout
        while True:
            try:
                worker = self.idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return None
            with self._lock:
                self.busy.add(worker)
            if worker.alive and not worker.killed_for_time:
                return worker
            self.release(worker, clean=False, count=False)  # died while idle: replace it

    def release(self, worker: Worker, *, clean: bool, count: bool = True) -> None:
        """A job is over: a clean worker goes back to the pool, any other is replaced."""
        with self._lock:
            if worker not in self.busy:
                return
            self.busy.discard(worker)
            clean = clean and worker.alive and not worker.killed_for_time
            if not clean:
                self._live -= 1
        if clean and not self._closed.is_set():
            self.idle.put(worker)
        else:
            worker.kill()  # reaped before the client hears of it
            self.metrics.inc("sahel_worker_restarts_total")  # the watchdog starts a new one
        if count:
            self.admission.leave()

    def _begin(self, job: QueryJob) -> tuple[Head, Worker | None]:
        """On a helper thread: wait for a worker, send the job, read the head."""
        worker = self._acquire(job)
        if worker is None:
            self.metrics.inc("sahel_rejections_total", reason="queue_timeout")
            self.admission.leave()
            return saturated(), None
        try:
            worker.send_job(job, self.settings.query_timeout)
            head = worker.read_head()
        except WorkerDied:
            timeout = worker.killed_for_time
            self.release(worker, clean=False)
            return (timed_out(self.settings.query_timeout) if timeout else
                    saturated("the query worker stopped unexpectedly; retry shortly")), None
        if head.done:
            self.release(worker, clean=True)
            return head, None
        return head, worker

    def _abandon(self, future: Future[tuple[Head, Worker | None]]) -> None:
        """The client left before the head came: free whatever the job holds."""
        if not future.cancelled() and future.exception() is None:
            _, worker = future.result()
            if worker is not None:
                self.release(worker, clean=False)

    async def _start(self, job: QueryJob) -> tuple[Head, Worker | None]:
        self.start()
        if not self.admission.enter():
            self.metrics.inc("sahel_rejections_total", reason="saturated")
            return saturated(), None
        future = self.readers.submit(self._begin, job)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            future.add_done_callback(self._abandon)
            raise

    async def run(self, store: pyoxigraph.Store, job: QueryJob) -> Response:
        """Evaluate a job in a worker process and answer with its (possibly streamed) result."""
        head, worker = await self._start(job)
        if worker is None:
            return respond(head, _Done())
        return respond(head, WorkerStream(self, worker))

    async def collect(self, store: pyoxigraph.Store, job: QueryJob) -> tuple[Head, bytes]:
        """The head and the whole body of a job's result."""
        head, worker = await self._start(job)
        if worker is None:
            return head, head.body
        stream = WorkerStream(self, worker)
        body = await collect_all(head, stream)
        return head, body


class _Done:
    async def receive(self) -> object:
        return None

    def cancel(self) -> None:
        """Nothing to stop."""

