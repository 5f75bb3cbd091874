"""Virtuoso Open Source as a benchmark peer and a test store: its ini, its bulk loader, its process.

The pure pieces (:func:`buffers_for`, :func:`ini_text`, :func:`loader_script`,
:func:`parse_loader_output`, :func:`solution_rows`) are what the tests check;
:func:`running` and :func:`bulk_load` drive a real ``virtuoso-t`` (Debian:
``apt-get install virtuoso-opensource``, as ``scripts/install-bench-deps.sh`` does).

Sources: Virtuoso's "Performance Tuning" guide and the sizing table in the
``virtuoso.ini`` Debian ships (NumberOfBuffers, MaxDirtyBuffers); its "Bulk
Loading RDF Source Files" guide (``ld_add``, ``rdf_loader_run``, ``DB.DBA.LOAD_LIST``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sahel_kg.namespaces import GRAPH_BASE
from sahel_kg.project import TurtleFile

#: Where Debian installs the server's static pages (the ``ServerRoot`` of its HTTP server).
VSP_ROOT = "/var/lib/virtuoso-opensource-7/vsp"
#: Bytes of memory one buffer (an 8 KB database page and its header) costs. Virtuoso's table:
#: 2 GB free -> 170,000 buffers, 4 GB -> 340,000, 8 GB -> 680,000 (2/3 of free memory, ~8.4 KB each).
BYTES_PER_BUFFER = 2 * 1024**3 * 2 // 3 // 170_000
#: Dirty buffers written out before a checkpoint: the table's 130,000 of 170,000 (about 3/4).
DIRTY_SHARE = 0.75


def virtuoso_binary() -> str | None:
    """The server's executable, or None when Virtuoso is not installed."""
    return shutil.which("virtuoso-t")


def isql_binary() -> str | None:
    """Virtuoso's SQL client (Debian names it ``isql-vt``; ``isql`` is also unixODBC's)."""
    return shutil.which("isql-vt") or shutil.which("isql-v")


@dataclass(frozen=True)
class Buffers:
    """Virtuoso's page cache: ``number`` buffers (NumberOfBuffers), ``dirty`` of them
    (MaxDirtyBuffers) before pages are written out; ``memory_mb`` what they may take."""

    number: int
    dirty: int
    memory_mb: float


def buffers_for(available_bytes: int, *, cap_bytes: int | None = None) -> Buffers:
    """Buffers for a machine with ``available_bytes`` free: 2/3 of it, at most ``cap_bytes``.

    Virtuoso's guidance (the table in its ``virtuoso.ini``) gives two thirds of
    free memory to the page cache and lets three quarters of the buffers be dirty.

    >>> buffers_for(4 * 1024**3)
    Buffers(number=340000, dirty=255000, memory_mb=2730.5)
    >>> buffers_for(24 * 1024**3, cap_bytes=4 * 1024**3).number
    340000
    """
    if available_bytes <= 0:
        raise ValueError(f"available memory must be positive, not {available_bytes}")
    usable = available_bytes * 2 // 3
    if cap_bytes is not None:
        usable = min(usable, cap_bytes * 2 // 3)
    number = max(10_000, round(usable / BYTES_PER_BUFFER, -4))
    number = int(number)
    return Buffers(number, int(number * DIRTY_SHARE), round(number * BYTES_PER_BUFFER / 1024**2, 1))


def available_memory() -> int:
    """Bytes of memory the kernel says are available without swapping (MemAvailable)."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no MemAvailable in /proc/meminfo")


def ini_text(folder: Path, *, isql_port: int, http_port: int, buffers: Buffers,
             dirs_allowed: Sequence[Path] = (), threads: int = 20, query_seconds: int = 0) -> str:
    """A ``virtuoso.ini`` for a database in ``folder``, listening on loopback only.

    ``dirs_allowed``: folders the bulk loader may read (besides ``folder``);
    ``query_seconds``: SPARQL execution limit (0: none; Virtuoso then never returns
    the partial "anytime" answers it gives when a limit is reached).
    """
    allowed = ", ".join([".", str(folder), *(str(d) for d in dirs_allowed)])
    return f"""[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{isql_port}
DirsAllowed = {allowed}
NumberOfBuffers = {buffers.number}
MaxDirtyBuffers = {buffers.dirty}
CheckpointInterval = 60
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {VSP_ROOT}
MaxClientConnections = {threads}
ServerThreads = {threads}
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {query_seconds}
MaxQueryCostEstimationTime = 0
"""


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def loader_script(files: Sequence[TurtleFile]) -> str:
    """isql text that bulk-loads each file into its own named graph, checkpoints, and reports.

    One ``ld_add(file, graph)`` per file (``ld_dir`` would put a folder in one graph),
    then ``rdf_loader_run()``; the report lines ``LOADED <n>`` and
    ``LOADERROR <file> <message>`` are read by :func:`parse_loader_output`.
    """
    lines = ["DELETE FROM DB.DBA.LOAD_LIST;"]
    lines += [f"ld_add({_sql_string(str(f.path))}, {_sql_string(f.graph_iri)});" for f in files]
    lines += [
        "rdf_loader_run();",
        "checkpoint;",
        "SELECT 'LOADED ' || CAST(COUNT(*) AS VARCHAR) FROM DB.DBA.LOAD_LIST WHERE ll_state = 2 AND ll_error IS NULL;",
        "SELECT 'LOADERROR ' || ll_file || ' ' || ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;",
    ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class LoaderReport:
    """What a bulk load said: files loaded, files that failed (file and message), isql errors."""

    loaded: int | None
    file_errors: list[str]
    sql_errors: list[str]

    @property
    def ok(self) -> bool:
        return self.loaded is not None and not self.file_errors and not self.sql_errors


def parse_loader_output(text: str) -> LoaderReport:
    """Read isql's output of :func:`loader_script`.

    >>> parse_loader_output("LOADED 3\\n\\n1 Rows. -- 2 msec.\\n")
    LoaderReport(loaded=3, file_errors=[], sql_errors=[])
    >>> parse_loader_output("*** Error 42000: [Virtuoso Driver][Virtuoso Server]FA003: no such file\\n").ok
    False
    """
    loaded: int | None = None
    file_errors, sql_errors = [], []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("LOADED ") and line.split()[1].isdigit():
            loaded = int(line.split()[1])
        elif line.startswith("LOADERROR "):
            file_errors.append(line.removeprefix("LOADERROR "))
        elif line.startswith("*** Error"):
            sql_errors.append(line)
    return LoaderReport(loaded, file_errors, sql_errors)


def solution_rows(body: bytes) -> list[tuple[str, ...]]:
    """The values of a SPARQL JSON result, row by row, in the header's variable order.

    Terms are compared by their lexical value only: Virtuoso writes ``typed-literal``
    where SPARQL 1.1 writes ``literal``, and both name the same datatypes.

    >>> solution_rows(b'{"head": {"vars": ["a", "b"]}, "results": {"bindings": [{"b": {"type": "typed-literal", "value": "2"}}]}}')
    [('', '2')]
    """
    found: dict[str, Any] = json.loads(body)
    names = found["head"]["vars"]
    return [tuple(b.get(n, {}).get("value", "") for n in names) for b in found["results"]["bindings"]]


#: Triples in our named graphs (Virtuoso's default graph also holds its own system graphs).
OUR_TRIPLES_QUERY = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                     f'FILTER(STRSTARTS(STR(?g), "{GRAPH_BASE}")) }}')


# ---------------------------------------------------------------- a running server


@dataclass(frozen=True)
class Instance:
    """A running Virtuoso: its folder, ports, process and SPARQL endpoint."""

    folder: Path
    isql_port: int
    http_port: int
    process: subprocess.Popen[bytes]

    @property
    def sparql(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def isql(self, script: str, *, timeout: float) -> str:
        """Run isql text against this server as dba; its standard output (errors included)."""
        client = isql_binary()
        if client is None:
            raise RuntimeError("Virtuoso's isql client (isql-vt) is not installed")
        path = self.folder / "script.sql"
        path.write_text(script)
        out = subprocess.run([client, f"127.0.0.1:{self.isql_port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF",
                              "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT", str(path)],
                             capture_output=True, text=True, timeout=timeout)
        return out.stdout + out.stderr


@contextmanager
def running(folder: Path, ini: str, *, isql_port: int, http_port: int, timeout: float = 120) -> Iterator[Instance]:
    """Start ``virtuoso-t`` in the foreground on ``ini`` (written to ``folder``), wait until its
    SPARQL endpoint answers, stop it afterwards. Raises RuntimeError when it exits or does not answer."""
    import httpx

    binary = virtuoso_binary()
    if binary is None:
        raise RuntimeError("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "virtuoso.ini").write_text(ini)
    with open(folder / "stdout.log", "w") as out:
        proc = subprocess.Popen([binary, "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    instance = Instance(folder, isql_port, http_port, proc)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {proc.returncode}; see {folder / 'virtuoso.log'}")
            try:
                if httpx.get(instance.sparql, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"virtuoso-t did not answer within {timeout:.0f} s; see {folder / 'virtuoso.log'}")
            time.sleep(0.3)
        yield instance
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def bulk_load(instance: Instance, files: Sequence[TurtleFile], *, timeout: float = 7200) -> tuple[LoaderReport, float]:
    """Bulk-load ``files`` (one named graph each) into a running instance: its report and the seconds taken,
    the final checkpoint included."""
    script = loader_script(files)
    start = time.perf_counter()
    report = parse_loader_output(instance.isql(script, timeout=timeout))
    return report, time.perf_counter() - start


def our_triples(instance: Instance) -> int:
    """Triples in our named graphs (those under GRAPH_BASE) on a running instance."""
    import httpx

    r = httpx.get(instance.sparql, params={"query": OUR_TRIPLES_QUERY},
                  headers={"Accept": "application/sparql-results+json"}, timeout=600)
    r.raise_for_status()
    return int(solution_rows(r.content)[0][0])
