"""Virtuoso in the benchmark: the same corpus bulk-loaded into it, served beside ours, and our
server over it (``--store-url``); the rows that compare them and the checks that their answers agree.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from sahel_kg.devtools.measure import JSON, Load, Row, Timed, free_port
from sahel_kg.devtools.virtuoso import (
    Buffers,
    Instance,
    available_memory,
    buffers_for,
    bulk_load,
    ini_text,
    isql_binary,
    our_triples,
    running,
    solution_rows,
    virtuoso_binary,
)
from sahel_kg.project import turtle_files

PEER = "Virtuoso"
OVER = "our server over Virtuoso"
#: How our server reads Virtuoso: its default graph already is the union of all its graphs, so
#: ``native`` forwards queries as they are. ``dataset`` would name each of our graphs in every
#: request (11,409 at 20k incidents, 120,000 at 210k): too many for one request.
OVER_ENV = {"SAHEL_KG_STORE_UNION": "native", "SAHEL_KG_STORE_CONNECTIONS": "16"}


def unavailable() -> str | None:
    """Why Virtuoso cannot be measured here, or None when it can."""
    if virtuoso_binary() is None or isql_binary() is None:
        return ("Virtuoso is not installed: run `sh scripts/install-bench-deps.sh` as root "
                "(Debian: apt-get install virtuoso-opensource)")
    return None


@dataclass
class Loaded:
    """A Virtuoso database the bulk loader filled from a corpus."""

    folder: str
    buffers: Buffers
    files: int
    triples: int
    seconds: float
    errors: list[str]

    @property
    def record(self) -> Path:
        return Path(self.folder) / "loaded.json"


def sized_buffers(cap_gb: float | None) -> Buffers:
    """Virtuoso's page cache for this machine's free memory, at most ``cap_gb`` (the machine is shared)."""
    return buffers_for(available_memory(), cap_bytes=None if cap_gb is None else int(cap_gb * 1024**3))


def _ini(folder: Path, corpus: Path, buffers: Buffers, isql: int, http: int) -> str:
    return ini_text(folder, isql_port=isql, http_port=http, buffers=buffers, dirs_allowed=[corpus], threads=24)


def load(corpus: Path, work: Path, *, cap_gb: float | None, log: Callable[[str], None]) -> Loaded:
    """A fresh database in ``work/virtuoso-<corpus>`` bulk-loaded with every Turtle file of the corpus,
    each into its own named graph (the same IRIs as our build); what it took, recorded beside it."""
    folder = work / f"virtuoso-{corpus.name}"
    shutil.rmtree(folder, ignore_errors=True)
    buffers = sized_buffers(cap_gb)
    files = turtle_files(corpus)
    log(f"[{corpus.name}] loading with Virtuoso's bulk loader ({len(files):,} files, {buffers.number:,} buffers)")
    isql, http = free_port(), free_port()
    with running(folder, _ini(folder, corpus, buffers, isql, http), isql_port=isql, http_port=http) as instance:
        report, seconds = bulk_load(instance, files)
        triples = our_triples(instance)
    loaded = Loaded(str(folder), buffers, report.loaded or 0, triples, seconds,
                    report.file_errors[:20] + report.sql_errors[:20])
    loaded.record.write_text(json.dumps(asdict(loaded)))
    return loaded


def previously_loaded(corpus: Path, work: Path) -> Loaded | None:
    """The database an earlier run's load part filled, if any."""
    record = work / f"virtuoso-{corpus.name}" / "loaded.json"
    if not record.exists():
        return None
    found = json.loads(record.read_text())
    return Loaded(**{**found, "buffers": Buffers(**found["buffers"])})


@contextmanager
def serving(loaded: Loaded, corpus: Path) -> Iterator[Instance]:
    """The loaded database served again (a fresh process: memory is measured after a restart)."""
    folder = Path(loaded.folder)
    isql, http = free_port(), free_port()
    with running(folder, _ini(folder, corpus, loaded.buffers, isql, http), isql_port=isql, http_port=http) as instance:
        yield instance


def ini_note(loaded: Loaded) -> str:
    return (f"Virtuoso {loaded.buffers.number:,} buffers ({loaded.buffers.memory_mb / 1024:.1f} GB), "
            f"MaxDirtyBuffers {loaded.buffers.dirty:,}: 2/3 of free memory by Virtuoso's table, capped for a shared machine")


def load_row(label: str, loaded: Loaded, *, ours_triples: int, ours_per_second: float | None) -> Row:
    """Our build against Virtuoso's bulk loader; missed, loudly, when the triples differ or files failed."""
    same = loaded.triples == ours_triples and not loaded.errors
    check = ("same triples in our named graphs" if same else
             f"**DIFFERENT**: ours {ours_triples:,} triples, Virtuoso {loaded.triples:,}; "
             f"errors: {'; '.join(loaded.errors[:3]) or 'none'}")
    return Row(label, "build/load throughput", ours_per_second, f"{PEER} bulk loader", loaded.triples / loaded.seconds,
               "triples/s", "same triples", None, absolute_ok=same,
               note=f"Virtuoso {loaded.seconds:.1f} s for {loaded.files:,} files: one ld_add(file, graph) each, one "
                    f"rdf_loader_run(), checkpoint; {check}; {ini_note(loaded)}")


def same_rows(ours: bytes | None, theirs: bytes | None) -> tuple[bool, str]:
    """Whether two SPARQL JSON answers hold the same rows, and what to say about it."""
    if ours is None or theirs is None:
        return False, "no answer to compare"
    mine, other = solution_rows(ours), solution_rows(theirs)
    if mine == other:
        return True, f"same {len(mine)} rows"
    return False, f"**ROWS DIFFER**: ours {len(mine)}, Virtuoso {len(other)}"


def lookup_rows_agree(client_get: Callable[[str, str], bytes], ours: str, theirs: str,
                      queries: list[str]) -> tuple[bool, str]:
    """Row counts of the same lookups on two endpoints."""
    differ = [q for q in queries if len(solution_rows(client_get(ours, q))) != len(solution_rows(client_get(theirs, q)))]
    if differ:
        return False, f"**ROW COUNTS DIFFER** on {len(differ)} of {len(queries)} lookups"
    return True, f"row counts equal on {len(queries)} lookups"


def lookup_rows(label: str, *, ours: Load, peer: Load, over: Load, agree: tuple[bool, str],
                connections: int, seconds: float) -> list[Row]:
    """Small lookups: ours embedded against Virtuoso, and the forwarding hop of our server over it."""
    turn = f"{connections} connections, {seconds / 2:.0f} s per turn, in turns with the other servers (all up)"
    return [
        Row(label, "small SPARQL lookups", ours.per_second, PEER, peer.per_second, "req/s", "same rows", None,
            absolute_ok=agree[0],
            note=f"{turn}; {agree[1]}; p95 ours {ours.p95_ms:.1f} ms, Virtuoso {peer.p95_ms:.1f} ms; "
                 f"errors {ours.errors}/{peer.errors}"),
        Row(label, f"small SPARQL lookups, {OVER}", over.per_second, PEER, peer.per_second, "req/s", "(reference)",
            None, note=f"{turn}; what forwarding through our server costs; p95 {over.p95_ms:.1f} ms; "
                       f"errors {over.errors}"),
    ]


def analytic_rows(label: str, *, ours: Timed, peer: Timed, over: Timed, budget: float,
                  timeout: float = 900) -> list[Row]:
    """The analytic query on Virtuoso, directly and through our server; rows checked against ours."""
    direct_ok, direct = same_rows(ours.body, peer.body)
    over_ok, through = same_rows(ours.body, over.body)
    runs = (f"median of up to 5 runs after a warm-up, the servers' runs in rotation, {budget:.0f} s budget each "
            f"(a run begun within it may take {timeout:.0f} s; the warm-up alone when it used the budget); "
            "Virtuoso with no execution limit (so never a partial answer)")
    return [
        Row(label, "analytic query (disagreeing tolls), latency", ours.median, PEER, peer.median, "s", "same rows",
            None, absolute_ok=direct_ok and ours.median is not None and peer.median is not None,
            note=f"{runs}; {direct}"),
        Row(label, f"analytic query (disagreeing tolls), {OVER}", over.median, PEER, peer.median, "s", "same rows",
            None, absolute_ok=over_ok and over.median is not None,
            note=f"{runs}; {through}; ratio is the hop's cost"),
    ]


def page_rows(label: str, *, over_pages: Load | None, over_seq: Load | None, ours_pages: Load | None,
              ours_seq: Load | None, status: int, first: float, connections: int) -> list[Row]:
    """Incident pages through our server over Virtuoso against the same pages embedded.

    ``first``: seconds the first page took (the server's per-store caches empty). A page asks for its
    place's chain of containing places once per server; over Virtuoso 7.2 that query (a ``sfWithin*``
    path beside OPTIONALs) took about 80 s per place at 20k incidents, so cold pages wait on it.
    """
    waited = f"the first page answered {status or 'nothing'} after {first:.1f} s"
    if over_pages is None or over_seq is None:
        return [Row(label, f"incident page, {OVER}", None, "—", None, "ms", "(reference)", None,
                    note=f"not measured: {waited}")]
    return [
        Row(label, f"incident page p95 latency, {OVER}", over_seq.p95_ms, "our server, embedded",
            ours_seq.p95_ms if ours_seq else None, "ms", "≤ 50 ms", None, absolute_ok=over_seq.p95_ms <= 50,
            note=f"one client, {over_seq.requests} pages, {over_seq.errors} without an answer within 120 s; "
                 f"p50 {over_seq.p50_ms:.1f} ms; {waited}"),
        Row(label, f"incident page throughput, {OVER}", over_pages.per_second, "our server, embedded",
            ours_pages.per_second if ours_pages else None, "req/s", "(reference)", None,
            note=f"{connections} connections for {over_pages.seconds:.0f} s, after every other measurement "
                 f"(not in turns: cold pages leave Virtuoso busy); errors (30 s timeouts included) "
                 f"{over_pages.errors}"),
    ]


def memory_rows(label: str, *, over_mb: tuple[float, float], peer_mb: tuple[float, float], ours_mb: float,
                loaded: Loaded) -> list[Row]:
    """Resident memory: Virtuoso after a restart and the load tests, and our server in front of it."""
    return [
        Row(label, "server resident memory", ours_mb, PEER, peer_mb[0], "MB", "(reference)", None,
            note=f"after the load tests, Virtuoso restarted after its load; peak {peer_mb[1]:.0f} MB; "
                 f"{ini_note(loaded)}"),
        Row(label, f"serve resident memory, {OVER}", over_mb[0], "our server, embedded", ours_mb, "MB", "< 1024 MB",
            None, absolute_ok=over_mb[0] < 1024,
            note=f"our server alone (Virtuoso's memory is the row above); peak {over_mb[1]:.0f} MB"),
    ]


def disagreements(rows: list[Row]) -> list[str]:
    """One line per row whose answers differ from ours (its note says DIFFER/DIFFERENT), for the run's log:
    a table cell saying "missed" is easy to overlook in a long run."""
    return [f"ERROR: {r.metric} against {r.peer_name}: {r.note}" for r in rows if "DIFFER" in r.note]


def unavailable_row(label: str, reason: str) -> Row:
    return Row(label, "Virtuoso peer", None, PEER, None, "—", "—", None, note=f"not measured: {reason}")


def get_json(url: str, query: str) -> bytes:
    import httpx

    return httpx.get(url, params={"query": query}, headers={"Accept": JSON}, timeout=60).content
