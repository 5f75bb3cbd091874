"""``sahel-kg build --store-url URL``: validate, then load every graph into an external store.

Each Turtle file becomes one named graph (the same IRIs as the embedded
build, :mod:`sahel_kg.project`), sent with the SPARQL 1.1 Graph Store
Protocol: ``PUT <gsp>?graph=<iri>`` replaces the graph, so running the load
again replaces and never duplicates. A file is streamed from disk (behind one
``@base <graph IRI> .`` line, so relative IRIs resolve as in the embedded
build), never read whole into memory. Graphs of ours that the store holds but
the files no longer have are reported, and dropped with ``--prune``
(``DROP SILENT GRAPH`` on the Update endpoint).

>>> b"".join(TurtleBody(Path(__file__), "http://g/x").chunks(10))[:22]
b'@base <http://g/x> .\\n"'
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph

from sahel_kg.derive.rules import DERIVED_GRAPH, Rule, load_rules
from sahel_kg.derive.run import derive
from sahel_kg.namespaces import BASE
from sahel_kg.project import TurtleFile, build_inputs, turtle_files
from sahel_kg.rdf.oxigraph_types import solutions
from sahel_kg.settings import Settings
from sahel_kg.store.ondisk import inputs_hash
from sahel_kg.store.remote import (
    JSON_RESULTS,
    RemoteStore,
    StoreUnavailable,
    public_url,
    store_message,
    translate_errors,
)

Log = Callable[[str], None]
#: Seconds one graph may take to upload and load.
PUT_TIMEOUT = 600.0
CHUNK = 1 << 16
COUNTS = f"""SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
  FILTER(STRSTARTS(STR(?g), "{BASE}graph/")) }} GROUP BY ?g"""


class LoadError(Exception):
    """The store refused a graph or could not be reached."""


@dataclass
class LoadReport:
    """What a load did."""

    graphs: int = 0
    triples: int = 0
    bytes: int = 0
    seconds: float = 0.0
    stale: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def text(self, where: str) -> str:
        """One paragraph for people."""
        lines = [f"loaded {self.graphs} graphs, {self.triples} triples, {self.bytes} bytes "
                 f"into {where} in {self.seconds:.2f} s"]
        if self.dropped:
            lines.append(f"dropped {len(self.dropped)} graphs no longer in the files")
        elif self.stale:
            lines.append(f"{len(self.stale)} graphs in the store are no longer in the files "
                         "(left alone; --prune drops them): " + ", ".join(self.stale[:5]))
        return "\n".join(lines)


class TurtleBody:
    """A Turtle file as a request body: an ``@base`` line, then its bytes, read in chunks.

    Iterable again from the start (HTTP digest authentication sends a body twice).
    """

    def __init__(self, path: Path, graph_iri: str) -> None:
        self.path, self.prefix = path, f"@base <{graph_iri}> .\n".encode()

    def __len__(self) -> int:
        return len(self.prefix) + os.path.getsize(self.path)

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        """The body, chunk by chunk."""
        yield self.prefix
        with open(self.path, "rb") as handle:
            while chunk := handle.read(size):
                yield chunk

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks()


def put_graph(remote: RemoteStore, graph_iri: str, body: TurtleBody) -> int:
    """Replace one named graph with a file's content; the bytes sent."""
    if not remote.gsp_url:
        raise LoadError("no Graph Store Protocol endpoint: set SAHEL_KG_STORE_GSP_URL (or --store-gsp-url)")
    size = len(body)
    with translate_errors(remote.gsp_url, PUT_TIMEOUT):
        response = remote.client().put(
            remote.gsp_url, params={"graph": graph_iri}, content=body,
            headers={"Content-Type": "text/turtle", "Content-Length": str(size)},
            timeout=remote.timeout(PUT_TIMEOUT),
        )
    if response.status_code not in (200, 201, 204):
        raise LoadError(f"{graph_iri}: the store answered {response.status_code} {store_message(response.content, 500)}")
    return size


def graph_counts(remote: RemoteStore) -> dict[str, int]:
    """Triples per named graph of ours in the store."""
    body = remote.query_bytes(COUNTS, [], JSON_RESULTS, union=False)
    result = solutions(pyoxigraph.parse_query_results(body, pyoxigraph.QueryResultsFormat.JSON))
    return {s["g"].value: int(s["n"].value) for s in result}


def drop_graph(remote: RemoteStore, graph_iri: str) -> None:
    """Remove one named graph (SPARQL 1.1 Update)."""
    with translate_errors(remote.update_url, PUT_TIMEOUT):
        response = remote.client().post(remote.update_url, data={"update": f"DROP SILENT GRAPH <{graph_iri}>"},
                                        timeout=remote.timeout(PUT_TIMEOUT))
    if response.status_code not in (200, 204):
        raise LoadError(f"dropping {graph_iri}: {response.status_code} {store_message(response.content, 500)}")


def derived_turtle(files: Sequence[TurtleFile], rules: Sequence[Rule], build_id: str, target: Path) -> None:
    """Write to ``target`` the derived graph of ``files`` (as Turtle), computed in a store in memory.

    The embedded build derives inside its own store; an external store is only
    sent graphs, so the rules run here on a copy of the files (memory grows with
    the data: about 1 GB per 5M triples).
    """
    from sahel_kg.curation.build import _quads

    store = pyoxigraph.Store()
    store.bulk_extend(_quads(files))
    derive(store, rules, build_id)
    store.dump(str(target), format=pyoxigraph.RdfFormat.TURTLE, from_graph=pyoxigraph.NamedNode(DERIVED_GRAPH))


def load_files(remote: RemoteStore, files: Sequence[TurtleFile], *, prune: bool = False,
               log: Log = print, rules: Sequence[Rule] = (), build_id: str = "0" * 16) -> LoadReport:
    """Put every file into its graph, then the derived graph when there are rules, then count what the store holds."""
    started, report = time.perf_counter(), LoadReport()
    for f in files:
        report.bytes += put_graph(remote, f.graph_iri, TurtleBody(f.path, f.graph_iri))
        report.graphs += 1
    loaded = {f.graph_iri for f in files}
    if rules:
        with tempfile.TemporaryDirectory() as scratch:
            derived = Path(scratch) / "derived.ttl"
            derived_turtle(files, rules, build_id, derived)
            report.bytes += put_graph(remote, DERIVED_GRAPH, TurtleBody(derived, DERIVED_GRAPH))
        report.graphs += 1
        loaded.add(DERIVED_GRAPH)
    counts = graph_counts(remote)
    report.triples = sum(n for g, n in counts.items() if g in loaded)
    report.stale = sorted(set(counts) - loaded)
    if prune:
        for graph in report.stale:
            drop_graph(remote, graph)
        report.dropped = report.stale
    report.seconds = time.perf_counter() - started
    return report


def load_project(root: Path, settings: Settings, *, prune: bool = False, log: Log = print) -> LoadReport:
    """Load the project's files into the store ``settings.store_url`` names (no validation here)."""
    remote = RemoteStore(settings)
    try:
        files = turtle_files(root)
        return load_files(remote, files, prune=prune, log=log, rules=load_rules(root),
                          build_id=inputs_hash(root, build_inputs(root, files)))
    finally:
        remote.close()


def run_load(args: argparse.Namespace) -> int:
    """``sahel-kg build --store-url``: validate, then load; 1 when refused, 2 when the store fails."""
    from sahel_kg.curation.build import check
    from sahel_kg.settings import settings_of

    settings = settings_of(args)
    root = settings.project_root
    conforms, text = check(root, sources_dir=settings.sources_dir)
    if not conforms:
        print(text, file=sys.stderr)
        if not args.force:
            print("validation failed; fix the data or use --force", file=sys.stderr)
            return 1
        print("validation failed; loading anyway because of --force", file=sys.stderr)
    try:
        report = load_project(root, settings, prune=getattr(args, "prune", False))
    except (LoadError, StoreUnavailable) as exc:
        print(f"load failed: {exc}", file=sys.stderr)
        return 2
    except httpx.HTTPError as exc:
        print(f"load failed: {exc!r}", file=sys.stderr)
        return 2
    print(report.text(public_url(RemoteStore(settings).gsp_url or settings.store_url or "")))
    return 0
