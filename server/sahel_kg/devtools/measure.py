"""What the benchmark measures with: server processes and their memory, load tests (wrk or threads),
latency in turns against a peer, and the corpus's store and samples.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

from sahel_kg.curation.build import load_files
from sahel_kg.derive.rules import load_rules
from sahel_kg.project import build_input_stats, build_inputs, turtle_files
from sahel_kg.rdf.oxigraph_types import solutions
from sahel_kg.search.index import ensure_store_index
from sahel_kg.store.ondisk import inputs_hash, inputs_stamp, keep_stamp, point_to, store_dir_name

# ---------------------------------------------------------------- helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process and its children, in MB."""
    total = peak = 0.0
    for p in [pid, *_children(pid)]:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        total += int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
        peak += int(fields.get("VmHWM", "0 kB").split()[0]) / 1024
    return total, peak


def pss_mb(pid: int) -> float:
    """Proportional set size of a process and its children, in MB: pages they share
    (the interpreter, pyoxigraph's library, the OS page cache of the store) counted once."""
    total = 0.0
    for p in [pid, *_children(pid)]:
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) / 1024
    return total


def _children(pid: int) -> list[int]:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    out = [int(k) for k in kids]
    for k in list(out):
        out += _children(k)
    return out


@contextmanager
def server(cmd: Sequence[str], url: str, *, log: Path, env: dict[str, str] | None = None,
           timeout: float = 600) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server process, wait until ``url`` answers, stop it (its process group) afterwards."""
    import httpx

    with open(log, "w") as out:
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                                start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd[0]} exited with {proc.returncode}; see {log}")
            try:
                if httpx.get(url, timeout=5).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{cmd[0]} did not answer {url} within {timeout} s; see {log}")
            time.sleep(0.3)
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: int
    #: Requests sent, answered or not (wrk stops with some in flight); None: ``requests`` (all were answered).
    sent: int | None = None

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def load_test(base: str, paths: list[str], *, accept: str, seconds: float, connections: int, workdir: Path) -> Load:
    """Throughput and latency of GETs cycling through ``paths`` for ``seconds`` (wrk, else httpx)."""
    if shutil.which("wrk"):
        return _wrk(base, paths, accept=accept, seconds=seconds, connections=connections, workdir=workdir)
    return asyncio.run(_httpx_load(base, paths, accept=accept, seconds=seconds, connections=connections))


def _wrk(base: str, paths: list[str], *, accept: str, seconds: float, connections: int, workdir: Path) -> Load:
    script = workdir / "bench.lua"
    script.write_text(WRK_SCRIPT)
    listing = workdir / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s", "-s", str(script), base],
        capture_output=True, text=True, env={**os.environ, "BENCH_PATHS": str(listing), "BENCH_ACCEPT": accept},
        timeout=seconds + 60,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    n, micros, p50, p95, errors, sent = line.split()[1:]
    return Load(int(n), int(micros) / 1e6, float(p50) / 1000, float(p95) / 1000, int(errors), int(sent))


async def _httpx_load(base: str, paths: list[str], *, accept: str, seconds: float, connections: int) -> Load:
    import httpx

    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    # one counter for all connections: the paths sent are the first ``requests`` of the list, in order,
    # whichever connection is slower (FreshPaths takes the count as that many paths used)
    order = itertools.count()

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            r = await client.get(paths[next(order) % len(paths)], headers={"Accept": accept})
            latencies.append(time.perf_counter() - start)
            errors += r.status_code >= 400

    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(connections)))
    return _summarise(latencies, time.perf_counter() - start, errors)


def _summarise(latencies: list[float], seconds: float, errors: int) -> Load:
    ordered = sorted(latencies) or [0.0]
    return Load(len(latencies), seconds, ordered[len(ordered) // 2] * 1000,
                ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, errors)


def sparql_variant(path: str, round_: int) -> str:
    """A SPARQL GET path whose query ends with the comment ``# round N``: the same question, another text.

    >>> sparql_variant("/sparql?query=ASK%7B%7D", 2)
    '/sparql?query=ASK%7B%7D%0A%23%20round%202'
    """
    return path + urllib.parse.quote(f"\n# round {round_}")


def page_variant(path: str, round_: int) -> str:
    """A page path with ``?round=N`` (pages ignore parameters they do not know; the URL is another one).

    >>> page_variant("/id/incident/x", 2)
    '/id/incident/x?round=2'
    """
    return f"{path}{'&' if '?' in path else '?'}round={round_}"


#: Paths handed to one load test: more than any test sends (wrk at 20,000 req/s for 5 s), so none wraps round.
PATHS_PER_TEST = 120_000


@dataclass
class FreshPaths:
    """Request paths handed out once each, for cold figures: every load test is given the paths no earlier
    test was given, in order, so that no answer cache (ours or a peer's) serves a repeat.

    Once every path was sent, the next round sends them again as ``variant(path, round)`` (another text
    for the same work: a comment in a SPARQL query, a parameter a page ignores), when one is given;
    ``rounds`` counts the rounds begun past the first. ``repeats`` counts requests sent again as they
    were (no variant, or a test that sent more than it was handed); a row whose tests repeated says so.

    >>> fresh = FreshPaths(["/a", "/b", "/c"])
    >>> fresh.take(4), fresh.used(2), fresh.take(2), fresh.used(2), fresh.repeats
    (['/a', '/b', '/c', '/a'], None, ['/c', '/a'], None, 1)
    >>> varied = FreshPaths(["/a", "/b"], variant=lambda p, n: f"{p}#{n}")
    >>> varied.used(2), varied.take(3), varied.used(3), varied.rounds, varied.repeats
    (None, ['/a#1', '/b#1', '/a#2'], None, 2, 0)
    """

    paths: list[str]
    variant: Callable[[str, int], str] | None = None
    offset: int = 0
    repeats: int = 0
    rounds: int = 0
    _handed: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        if not self.paths:
            raise ValueError("no request paths to hand out: the sample is empty (draw at least one)")

    def _path(self, index: int) -> str:
        round_, k = divmod(index, len(self.paths))
        return self.paths[k] if round_ == 0 or self.variant is None else self.variant(self.paths[k], round_)

    def take(self, count: int = PATHS_PER_TEST) -> list[str]:
        """The next ``count`` paths, none yet sent (the later rounds' variants once the sample is used)."""
        self._handed = count
        return [self._path(self.offset + j) for j in range(count)]

    def used(self, requests: int) -> None:
        """Record that a test sent ``requests`` requests from the paths last taken."""
        beyond = max(0, requests - self._handed) if self._handed else 0  # the test cycled its list
        sent = min(requests, self._handed) if self._handed else requests
        end = self.offset + sent
        if self.variant is None:
            beyond += max(0, end - max(self.offset, len(self.paths)))
        self.repeats += beyond
        self.rounds = max(self.rounds, (end - 1) // len(self.paths) if end else 0)
        self.offset = end
        self._handed = 0

    def load_test(self, run: Callable[[list[str]], Load]) -> Callable[[], Load]:
        """A load test over fresh paths: ``run`` is given them and its requests are recorded."""
        def once() -> Load:
            load = run(self.take())
            self.used(load.requests if load.sent is None else load.sent)
            return load
        return once


def sequential_latency(base: str, paths: list[str], *, accept: str, seconds: float, limit: int = 2000,
                       timeout: float = 60) -> Load:
    """One request at a time: the latency a single reader sees (a request with no answer within
    ``timeout`` seconds counts as an error that took ``timeout``)."""
    import httpx

    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    with httpx.Client(base_url=base, timeout=timeout) as client:
        for i in range(limit):
            if time.perf_counter() - start > seconds:
                break
            t = time.perf_counter()
            try:
                errors += client.get(paths[i % len(paths)], headers={"Accept": accept}).status_code >= 400
            except httpx.HTTPError:
                errors += 1
            latencies.append(time.perf_counter() - t)
    return _summarise(latencies, time.perf_counter() - start, errors)


def first_answer(url: str, accept: str, *, timeout: float) -> tuple[int, float]:
    """Status (0: no answer within ``timeout``) and seconds of one GET: what a first reader waits."""
    start = time.perf_counter()
    status = _status(url, accept, timeout=timeout)
    return status, time.perf_counter() - start


def in_turns(ours: Callable[[], Load], peer: Callable[[], Load], turns: int = 2) -> tuple[Load, Load]:
    """Two load tests run in alternation (ours, peer, ours, peer, ...), each side's runs summed."""
    mine, theirs = in_rotation([ours, peer], turns)
    return mine, theirs


def in_rotation(tests: Sequence[Callable[[], Load]], turns: int = 2) -> list[Load]:
    """Load tests run in rotation (a, b, c, a, b, c, ...), each one's runs summed, in the given order.

    On a shared machine the load from elsewhere comes and goes; taking turns
    spreads it over every side of a ratio instead of on one of them.
    """
    runs: list[list[Load]] = [[] for _ in tests]
    for _ in range(turns):
        for mine, test in zip(runs, tests):
            mine.append(test())
    return [_combined(r) for r in runs]


def _combined(loads: list[Load]) -> Load:
    weight = sum(x.requests for x in loads) or 1
    return Load(sum(x.requests for x in loads), sum(x.seconds for x in loads),
                sum(x.p50_ms * x.requests for x in loads) / weight,
                max(x.p95_ms for x in loads), sum(x.errors for x in loads))


def paired_latency(ours_url: str, peer_url: str, query: str, *, runs: int = 5,
                   budget: float = 300) -> tuple[float | None, float | None]:
    """Median seconds of one query on two servers, their runs alternating, each after a warm-up."""
    ours, peer = rotating_latency([ours_url, peer_url], query, runs=runs, budget=budget)
    return ours.median, peer.median


@dataclass
class Timed:
    """A query's median seconds on one server (None: it failed or gave no answer in its budget)
    and the body of its last successful answer."""

    median: float | None
    body: bytes | None


def rotating_latency(urls: Sequence[str], query: str, *, runs: int = 5, budget: float = 300,
                     timeout: float = 900) -> list[Timed]:
    """Median seconds of one query on several servers, their runs in rotation, each after a warm-up.

    Each server stops at its own budget; a run begun within it may take up to ``timeout`` seconds
    (at scale the warm-up alone can outlast the budget, and is then the figure); a server that
    fails or gives no answer within ``timeout`` gives None.
    """
    import httpx

    times: list[list[float]] = [[] for _ in urls]
    bodies: list[bytes | None] = [None for _ in urls]
    spent = [0.0 for _ in urls]
    failed: set[int] = set()
    with httpx.Client(timeout=max(budget, timeout)) as client:
        for run in range(runs + 1):
            for k in reversed(range(len(urls))):  # the peers first, as before
                if k in failed or spent[k] > budget:
                    continue
                # each text differs by a comment, between runs and between servers (ours over Virtuoso
                # passes its text on to the Virtuoso measured beside it): no answer cache sends a repeat
                text = f"{query}\n# run {run}, server {k}"
                t = time.perf_counter()
                try:
                    answer = client.get(urls[k], params={"query": text}, headers={"Accept": JSON})
                    ok = answer.status_code == 200
                except httpx.HTTPError:  # no answer within the budget
                    ok = False
                took = time.perf_counter() - t
                spent[k] += took
                if ok:
                    times[k].append(took)
                    bodies[k] = answer.content
                else:
                    failed.add(k)

    def median(k: int) -> float | None:
        found = times[k]
        if k in failed or not found:
            return None
        # The first run warms caches; when it alone used the budget, it is the figure.
        return statistics.median(found[1:] if len(found) > 1 else found)

    return [Timed(median(k), bodies[k]) for k in range(len(urls))]


def wait_for_search(url: str, *, budget: float) -> tuple[float, int]:
    """Seconds until ``/search`` first answers 200 (its index may be built on first use), and the status."""
    start, status = time.perf_counter(), 0
    while time.perf_counter() - start < budget:
        status = _status(url, "text/html")
        if status not in (0, 503):
            break
        time.sleep(1)
    return time.perf_counter() - start, status


def search_queries(store_dir: Path, n: int = 300, seed: int = 11) -> list[str]:
    """What people type: one to three consecutive words of a real label, some cut to a prefix, a few absent."""
    store = pyoxigraph.Store.read_only(str(store_dir))
    labels = [str(r[0].value) for r in solutions(store.query(
        "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 20000",
        use_default_graph_as_union=True))]
    del store
    rng = random.Random(seed)
    queries = []
    for _ in range(n):
        words = [w.strip("()[],.;:'\"") for w in rng.choice(labels).split()]
        words = [w for w in words if w] or ["Mali"]
        size = min(len(words), rng.choice((1, 1, 2, 3)))
        start = rng.randrange(len(words) - size + 1)
        picked = words[start:start + size]
        kind = rng.random()
        if kind < 0.3:
            picked[-1] = picked[-1][:rng.randint(2, max(2, len(picked[-1]) - 1))]
        elif kind > 0.95:
            picked = ["zqxj" + picked[0]]
        queries.append(" ".join(picked))
    return queries


# ---------------------------------------------------------------- the corpus and its store


def build_for_bench(root: Path, pointer: Path) -> tuple[Path, float, int]:
    """Load the corpus the way ``sahel-kg build`` does, without validation: (store dir, seconds, triples).

    The derived step runs too, so that pages read the summaries as they do on a built store, but its
    time is not in ``seconds`` (load and compaction only; ``--parts derived`` measures it apart).

    The store is named by the same inputs hash as ``sahel-kg build`` gives (the derivation rules
    included), and keeps the same stamp beside it, so that ``sahel-kg serve`` takes it as current at
    once, instead of hashing every input (over 10 minutes at 1M incidents) or validating and
    rebuilding the corpus before it answers (a rebuild whose store the peers would not share)."""
    stamp = inputs_stamp(build_input_stats(root))
    files = turtle_files(root)
    digest = inputs_hash(root, build_inputs(root, files))
    final = pointer.parent / store_dir_name(digest, time.time_ns())
    phases: dict[str, float] = {}
    load_files(final, files, load_rules(root), digest, phases=phases)
    seconds = phases["load"] + phases["compact"]
    store = pyoxigraph.Store.read_only(str(final))
    triples = len(store)
    del store
    for old in pointer.parent.glob("store-*"):
        if old.is_dir() and old != final:
            shutil.rmtree(old, ignore_errors=True)
        elif old.is_file():  # an earlier store's search index or stamp
            old.unlink()
    keep_stamp(final, stamp)
    point_to(pointer, final)
    return final, seconds, triples


def build_search_index(store_dir: Path) -> float:
    """Seconds to write the search index beside the store, as ``sahel-kg build`` does after loading."""
    start = time.perf_counter()
    ensure_store_index(store_dir)
    return time.perf_counter() - start


def oxigraph_load(root: Path, location: Path, *, budget: float = 240) -> tuple[int, float]:
    """(triples, seconds) for ``oxigraph load`` of the same files, in batches of files per invocation
    (as its CLI takes them), stopping after ``budget`` seconds."""
    files = [str(f.path) for f in turtle_files(root)]
    start = time.perf_counter()
    for i in range(0, len(files), 2000):
        subprocess.run([str(VENV_BIN / "oxigraph"), "load", "--location", str(location), "--file", *files[i:i + 2000]],
                       check=True, capture_output=True)
        if time.perf_counter() - start > budget:
            break
    seconds = time.perf_counter() - start
    store = pyoxigraph.Store.read_only(str(location))
    triples = len(store)
    del store
    return triples, seconds


def count_incidents(store_dir: Path) -> int:
    store = pyoxigraph.Store.read_only(str(store_dir))
    rows = list(solutions(store.query(
        "SELECT (COUNT(?i) AS ?n) WHERE { ?i a <https://w3id.org/sahel-harm/ontology/Incident> }",
        use_default_graph_as_union=True)))
    del store
    return int(rows[0]["n"].value)


def sample_incidents(store_dir: Path, n: int = 2000, seed: int = 7) -> list[str]:
    """``n`` incidents drawn from all of them (reservoir sampling: one pass, ``n`` kept).

    Drawing from every incident matters: the first ones in the index are
    neighbours on disk, and a sample of them would flatter every server's caches.
    """
    store = pyoxigraph.Store.read_only(str(store_dir))
    rng, kept = random.Random(seed), []
    incidents = store.query("SELECT ?i WHERE { ?i a <https://w3id.org/sahel-harm/ontology/Incident> }",
                            use_default_graph_as_union=True)
    for seen, row in enumerate(solutions(incidents)):
        if seen < n:
            kept.append(row["i"].value)
        elif (slot := rng.randrange(seen + 1)) < n:
            kept[slot] = row["i"].value
    del store
    rng.shuffle(kept)
    return kept


def sparql_paths(endpoint_path: str, queries: list[str]) -> list[str]:
    return [f"{endpoint_path}?query={urllib.parse.quote(q)}" for q in queries]


VENV_BIN = Path(sys.executable).parent


JSON = "application/sparql-results+json"


WRK_SCRIPT = r"""
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local accept = os.getenv("BENCH_ACCEPT")
-- wrk (4.0 on) calls request() once to check the script before any connection opens: that call takes
-- the last path, unsent, so that the requests sent are the first i + 1 paths, in order
i = -2
local threads = {}
setup = function(thread) threads[#threads + 1] = thread end
request = function()
  -- the paths in order from the first, so that a run repeats none until it has sent them all
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], { Accept = accept })
end
done = function(summary, latency, requests)
  local e = summary.errors
  -- requests sent, answered or still in flight when wrk stopped (the next test must not send them again)
  local sent = 0
  for _, thread in ipairs(threads) do sent = sent + thread:get("i") + 1 end
  io.write(string.format("BENCH %d %d %f %f %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.status + e.connect + e.read + e.write + e.timeout, sent))
end
"""


@dataclass
class Row:
    """One line of the benchmark table."""

    corpus: str
    metric: str
    ours: float | None
    peer_name: str
    peer: float | None
    unit: str
    target: str
    ratio_target: float | None  # ours/peer must be >= this (None: absolute target)
    note: str = ""
    absolute_ok: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.peer:
            return None
        return self.ours / self.peer

    @property
    def met(self) -> str:
        if self.target == "(reference)":
            return "reference"
        if self.absolute_ok is not None:
            return "met" if self.absolute_ok else "missed"
        if self.ratio is None or self.ratio_target is None:
            return "not measured"
        return "met" if self.ratio >= self.ratio_target else "missed"


def _answer(status: int) -> str:
    return "gave no answer within 60 s" if status == 0 else f"answered {status}"


def _status(url: str, accept: str, *, timeout: float = 60) -> int:
    import httpx

    try:
        return httpx.get(url, headers={"Accept": accept}, timeout=timeout).status_code
    except httpx.HTTPError:
        return 0
