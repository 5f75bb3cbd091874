"""Queries in worker processes that can be killed: time limits that stop the work.

pyoxigraph cannot cancel a running query, so a runaway one (a cross product,
an unbounded path) would hold a CPU for as long as it likes. Here every query
runs in one of ``worker_processes`` long-lived processes (``python -m
sahel_kg.query.worker_process STORE_DIR``), each holding the store open read-only and
evaluating one query at a time with :func:`sahel_kg.query.evaluation.evaluate`. The
result comes back over the worker's stdout as framed bytes, never as pickled
objects.

The parent reads those pipes on its event loop (``loop.add_reader``), only
while someone awaits the next frame: no thread per query, and the pipe's own
buffer stays the back-pressure on a slow client.

A watchdog thread sends SIGKILL to a worker whose query passed its deadline;
whoever awaits that worker's frames sees the pipe end and answers 503, or,
when the result had already started streaming, cuts the stream. The worker is
then reaped and the watchdog starts a fresh one. A client that goes away
mid-stream also gets its worker killed and replaced, which frees the CPU at once.

Frames: :mod:`sahel_kg.query.frames`.

The worker's own side is :mod:`sahel_kg.query.worker_process` (kept light, so a
replacement starts fast).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path

from sahel_kg.metrics import Metrics
from sahel_kg.query.evaluation import Head, QueryJob
from sahel_kg.query.frames import LEN as _LEN
from sahel_kg.query.frames import FrameBuffer
from sahel_kg.query.isolation import ISOLATED
from sahel_kg.query.runners import Admission, Source, collect_all, saturated, timed_out
from sahel_kg.settings import Settings
from sahel_kg.store.ondisk import ServedStore

log = logging.getLogger(__name__)

_READ_SIZE = 1 << 16
#: Bytes per memory page, for the page counts of /proc/{pid}/statm.
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_bytes(pid: int) -> int | None:
    """Resident memory of a process in bytes, from ``/proc/{pid}/statm`` (None where there is no /proc)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_BYTES
    except (OSError, ValueError, IndexError):
        return None


class WorkerDied(Exception):
    """The worker process ended (killed on its deadline, or crashed)."""


# ---------------------------------------------------------------- parent side


class Worker:
    """One worker process, seen from the parent."""

    def __init__(self, store_dir: Path, chunk_bytes: int, *, network: bool = True):
        command = [sys.executable, "-m", "sahel_kg.query.worker_process", str(store_dir), str(chunk_bytes)]
        self.proc = subprocess.Popen(command + ([] if network else ["--no-network"]),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True, bufsize=0)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin_fd, self.stdout_fd = self.proc.stdin.fileno(), self.proc.stdout.fileno()
        self.deadline: float | None = None
        self.killed_for_time = False
        self._frames = FrameBuffer()
        self._eof = False
        self._closed = False
        try:
            kind, payload = self._read_ready_frame()
        except WorkerDied:
            self.kill()
            raise
        if kind != b"R":
            self.kill()
            raise WorkerDied(f"worker did not start: {payload!r}")
        #: "host", "isolated" (no network at all), or "not isolated: why".
        self.network: str = json.loads(payload)["network"]
        os.set_blocking(self.stdout_fd, False)

    @property
    def pid(self) -> int:
        """The process id."""
        return self.proc.pid

    def _read_ready_frame(self) -> tuple[bytes, bytes]:
        """The start-up frame, read blocking (on the thread that spawns the worker)."""
        while (frame := self._frames.next_frame()) is None:
            data = os.read(self.stdout_fd, self._frames.missing())
            if not data:
                raise WorkerDied("the worker process ended before it was ready")
            self._frames.feed(data)
        return frame

    def send_job(self, job: QueryJob, limit: float) -> None:
        """Start a job; it must finish within ``limit`` seconds."""
        data = json.dumps(job.to_dict()).encode()
        message = memoryview(_LEN.pack(len(data)) + data)
        self.deadline = time.monotonic() + limit
        try:
            while message:  # the worker is idle and reading, so this does not block for long
                message = message[os.write(self.stdin_fd, message):]
        except OSError as exc:
            raise WorkerDied(str(exc)) from None

    async def read_frame(self) -> tuple[bytes, bytes]:
        """The next frame, read on the event loop; WorkerDied at end of file."""
        while (frame := self._frames.next_frame()) is None:
            if self._eof or self._closed:
                raise WorkerDied("the worker process ended")
            await self._readable()
        return frame

    async def _readable(self) -> None:
        """Wait until the pipe has bytes (or ends), and take them."""
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()

        def on_readable() -> None:
            try:
                data = os.read(self.stdout_fd, max(_READ_SIZE, self._frames.missing()))
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if data:
                self._frames.feed(data)
            else:
                self._eof = True
            loop.remove_reader(self.stdout_fd)
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(self.stdout_fd, on_readable)
        try:
            await ready
        finally:
            if not self._closed:
                loop.remove_reader(self.stdout_fd)

    async def read_head(self) -> Head:
        """The head of the current job's result (with its first chunk)."""
        kind, meta = await self.read_frame()
        if kind != b"H":
            raise WorkerDied(f"unexpected frame {kind!r}")
        info = json.loads(meta)
        _, body = await self.read_frame()
        if info["done"]:
            await self.read_frame()  # the end mark
            self.deadline = None
        return Head(info["status"], info["media_type"], body, info["done"], info["headers"])

    async def read_item(self) -> object:
        """The next item of a streamed result: bytes, None at the end, or an exception."""
        kind, payload = await self.read_frame()
        if kind == b"D":
            return payload
        self.deadline = None
        if kind == b"E":
            return None
        return RuntimeError(payload.decode(errors="replace"))

    def signal_kill(self) -> None:
        """SIGKILL, from any thread; the pipes are closed by :meth:`kill` on the loop."""
        try:
            self.proc.kill()
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """Stop the process now (SIGKILL), close its pipes and reap it."""
        self.signal_kill()
        if not self._closed:
            self._closed = True
            for stream in (self.proc.stdin, self.proc.stdout):
                try:
                    if stream is not None:  # never: both are pipes
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


class IdleWorkers:
    """Idle workers, handed to waiting coroutines first come, first served.

    Workers come back from the event loop and from the threads that start
    them; waiters are futures on whatever loop awaits.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: deque[Worker] = deque()
        #: a waiter's future gets a worker, or None when the waiter's time is up
        self._waiters: deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[Worker | None]]] = deque()

    def __len__(self) -> int:
        return len(self._idle)

    def snapshot(self) -> list[Worker]:
        """The idle workers now."""
        with self._lock:
            return list(self._idle)

    def take_all(self) -> list[Worker]:
        """Every idle worker, removed (at shutdown)."""
        with self._lock:
            taken, self._idle = list(self._idle), deque()
            return taken

    def put(self, worker: Worker) -> None:
        """A worker is free: to the oldest waiter, or to the idle list."""
        with self._lock:
            while self._waiters:
                loop, future = self._waiters.popleft()
                if future.done() or loop.is_closed():
                    continue
                loop.call_soon_threadsafe(self._deliver, future, worker)
                return
            self._idle.append(worker)

    def _deliver(self, future: asyncio.Future[Worker | None], worker: Worker) -> None:
        if future.done():  # its waiter gave up meanwhile: the next one gets it
            self.put(worker)
        else:
            future.set_result(worker)

    async def get(self, timeout: float) -> Worker | None:
        """An idle worker, waiting up to ``timeout`` seconds; None if none came."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._idle:
                return self._idle.popleft()
            future: asyncio.Future[Worker | None] = loop.create_future()
            self._waiters.append((loop, future))

        def time_up() -> None:
            if not future.done():
                future.set_result(None)

        timer = loop.call_later(timeout, time_up)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            if future.done() and (handed := future.result()) is not None:
                self.put(handed)  # handed over just as the client left
            else:
                future.cancel()
            raise
        finally:
            timer.cancel()


class WorkerStream:
    """The rest of a streamed result, read from one worker."""

    def __init__(self, runner: ProcessRunner, worker: Worker):
        self.runner, self.worker, self.finished = runner, worker, False

    async def receive(self) -> object:
        try:
            item = await self.worker.read_item()
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
        self.idle = IdleWorkers()
        self.busy: set[Worker] = set()
        self.admission = Admission(self.size + settings.queue_limit)
        self._lock = threading.Lock()
        self._starting = 0
        self._live = 0  # workers started and not yet discarded (idle or busy)
        self._closed = threading.Event()
        self._started = False
        self._warned = False

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
            workers = list(self.busy)
        for worker in workers + self.idle.take_all():
            worker.kill()

    def state(self) -> dict[str, object]:
        """Plain facts for the health check."""
        with self._lock:
            network = sorted({w.network for w in [*self.busy, *self.idle.snapshot()]})
            return {"kind": "processes", "size": self.size, "ready": len(self.idle),
                    "busy": len(self.busy), "starting": self._starting, "admitted": self.admission.count,
                    "pids": sorted(w.pid for w in self.busy), "network": network}

    @property
    def isolated(self) -> bool:
        """True when every live worker runs without a network (federation off and namespaces available);
        False before any worker has said so."""
        with self._lock:
            workers = [*self.busy, *self.idle.snapshot()]
        return bool(workers) and all(w.network == ISOLATED for w in workers)

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
            return sorted(w.pid for w in [*self.busy, *self.idle.snapshot()])

    def _spawn(self) -> None:
        with self._lock:
            self._starting += 1
        threading.Thread(target=self._spawn_now, name="sparql-spawn", daemon=True).start()

    def _spawn_now(self) -> None:
        try:
            worker = Worker(self.store_dir, self.settings.chunk_bytes, network=self.settings.federation)
        except Exception as exc:  # the pool runs short; the watchdog tries again
            log.error("could not start a query worker: %s", exc)
            worker = None
        if worker is not None and worker.network not in ("host", ISOLATED) and not self._warned:
            self._warned = True
            log.warning("query workers run with the host's network (%s); SERVICE is refused by the "
                        "query reader alone", worker.network)
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
                worker.signal_kill()  # its reader sees the pipe end and releases it
            for _ in range(max(0, short)):
                self._spawn()

    # -- jobs

    async def _acquire(self) -> Worker | None:
        deadline = time.monotonic() + self.settings.queue_timeout
        while True:
            worker = await self.idle.get(max(0.0, deadline - time.monotonic()))
            if worker is None:
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
            clean = clean and worker.alive and not worker.killed_for_time and not self._too_big(worker)
            if not clean:
                self._live -= 1
        if clean and not self._closed.is_set():
            self.idle.put(worker)
        else:
            worker.kill()  # reaped before the client hears of it
            self.metrics.inc("sahel_worker_restarts_total")  # the watchdog starts a new one
        if count:
            self.admission.leave()

    def _too_big(self, worker: Worker) -> bool:
        """Whether an idle worker holds more memory than ``worker_memory_bytes`` (then it is replaced)."""
        limit = self.settings.worker_memory_bytes
        if limit <= 0:
            return False
        held = resident_bytes(worker.pid)
        if held is not None and held > limit:
            self.metrics.inc("sahel_worker_memory_retirements_total")
            return True
        return False

    async def _start(self, job: QueryJob) -> tuple[Head, Worker | None]:
        """Wait for a worker, send the job, read the head."""
        self.start()
        if not self.admission.enter():
            self.metrics.inc("sahel_rejections_total", reason="saturated")
            return saturated(), None
        try:
            worker = await self._acquire()
        except BaseException:
            self.admission.leave()
            raise
        if worker is None:
            self.metrics.inc("sahel_rejections_total", reason="queue_timeout")
            self.admission.leave()
            return saturated(), None
        try:
            worker.send_job(job, self.settings.query_timeout)
            head = await worker.read_head()
        except WorkerDied:
            timeout = worker.killed_for_time
            self.release(worker, clean=False)
            return (timed_out(self.settings.query_timeout) if timeout else
                    saturated("the query worker stopped unexpectedly; retry shortly")), None
        except BaseException:  # the client left before the head came
            self.release(worker, clean=False)
            raise
        if head.done:
            self.release(worker, clean=True)
            return head, None
        return head, worker

    async def run(self, store: ServedStore, job: QueryJob) -> tuple[Head, Source]:
        """Evaluate a job in a worker process: its head, and the source of the rest of its body."""
        head, worker = await self._start(job)
        return head, _Done() if worker is None else WorkerStream(self, worker)

    async def collect(self, store: ServedStore, job: QueryJob) -> tuple[Head, bytes]:
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
