"""Read access to the graph for pages, dereferencing and discovery.

Pages ask a few whole queries and get plain Python lists back, so the same
page code runs over the embedded store (:class:`EmbeddedBackend`) or an
external SPARQL store (:class:`RemoteBackend`, SPARQL 1.1 Protocol over HTTP).
The dumps are written through the backend too (:meth:`GraphBackend.write_quads`,
:meth:`GraphBackend.write_union`), streamed rather than held in memory.
Every result is read to the end inside the call that ran the query: a
pyoxigraph result iterator must never cross threads. Each query first checks
the request's page deadline (:mod:`sahel_kg.store.deadlines`).

>>> store = pyoxigraph.Store()
>>> store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("http://e/s"), pyoxigraph.NamedNode("http://e/p"),
...                           pyoxigraph.Literal("o"), pyoxigraph.NamedNode("http://e/g")))
>>> backend = EmbeddedBackend(store)
>>> [row["o"].value for row in backend.select("SELECT ?o { ?s ?p ?o }")]
['o']
>>> backend.ask("ASK { <http://e/s> ?p ?o }")
True
>>> len(backend.construct("CONSTRUCT WHERE { ?s ?p ?o }"))
1
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Protocol, TypeVar

import pyoxigraph

from sahel_kg.namespaces import PREFIXES
from sahel_kg.rdf import oxigraph_types as ox
from sahel_kg.rdf.oxigraph_types import Result, Term
from sahel_kg.store.deadlines import check_deadline
from sahel_kg.store.remote import (
    JSON_RESULTS,
    N_TRIPLES,
    RemoteStore,
    ResponseReader,
    StoreUnavailable,
    translate_errors,
)

#: One solution of a SELECT: variable name to bound term (unbound variables are absent).
Row = dict[str, Term]


class GraphBackend(Protocol):
    """Queries over the union of all graphs, results fully read."""

    def select(self, sparql: str) -> list[Row]:
        """The solutions of a SELECT query."""
        ...

    def construct(self, sparql: str) -> list[pyoxigraph.Triple]:
        """The triples of a CONSTRUCT or DESCRIBE query."""
        ...

    def ask(self, sparql: str) -> bool:
        """The answer to an ASK query."""
        ...

    def named_graphs(self) -> list[str]:
        """The IRIs of the named graphs."""
        ...

    def write_quads(self, out: IO[bytes]) -> None:
        """Every quad of every named graph, as N-Quads."""
        ...

    def write_union(self, out: IO[bytes]) -> None:
        """The distinct triples of the union of the graphs, as Turtle."""
        ...


#: The distinct triples of the union (for the Turtle dump).
UNION_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
#: Every quad of the named graphs (for the N-Quads dump of a remote store).
ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


class EmbeddedBackend:
    """A :class:`GraphBackend` over a pyoxigraph store in this process."""

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store

    def _run(self, sparql: str) -> Result:
        check_deadline()
        return self.store.query(sparql, use_default_graph_as_union=True)

    def select(self, sparql: str) -> list[Row]:
        result = self._run(sparql)
        assert isinstance(result, pyoxigraph.QuerySolutions), "select() needs a SELECT query"
        names = [v.value for v in result.variables]
        return [{n: t for n in names if (t := solution[n]) is not None} for solution in result]

    def construct(self, sparql: str) -> list[pyoxigraph.Triple]:
        result = self._run(sparql)
        assert isinstance(result, pyoxigraph.QueryTriples), "construct() needs a CONSTRUCT or DESCRIBE query"
        return list(result)

    def ask(self, sparql: str) -> bool:
        result = self._run(sparql)
        assert isinstance(result, pyoxigraph.QueryBoolean), "ask() needs an ASK query"
        return bool(result)

    def named_graphs(self) -> list[str]:
        """The store's named graphs."""
        return [g.value for g in self.store.named_graphs() if isinstance(g, pyoxigraph.NamedNode)]

    def write_quads(self, out: IO[bytes]) -> None:
        """Streamed by the store itself."""
        self.store.dump(out, pyoxigraph.RdfFormat.N_QUADS)

    def write_union(self, out: IO[bytes]) -> None:
        """Read on this thread, as it is created."""
        triples = ox.triples(self.store.query(UNION_TRIPLES, use_default_graph_as_union=True))
        pyoxigraph.serialize(triples, out, pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES)


_T = TypeVar("_T")
_NODE_ID = re.compile(rb'(?<=[^\\]")nodeID://')


def virtuoso_bnodes(body: bytes) -> bytes:
    """Virtuoso writes blank nodes as ``nodeID://b123`` in SPARQL JSON; make them plain labels.

    >>> virtuoso_bnodes(b'{"type": "bnode", "value": "nodeID://b12"}')
    b'{"type": "bnode", "value": "b12"}'
    """
    return _NODE_ID.sub(b"", body) if b"nodeID://" in body else body


def virtuoso_bnode_chunks(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """:func:`virtuoso_bnodes` over a stream, cut at line ends so no label is split.

    >>> b"".join(virtuoso_bnode_chunks(iter([b'{"value": "node', b'ID://b1"}\\n', b"]"])))
    b'{"value": "b1"}\\n]'
    """
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        cut = data.rfind(b"\n") + 1
        if cut:
            yield virtuoso_bnodes(data[:cut])
        carry = data[cut:]
    if carry:
        yield virtuoso_bnodes(carry)


def _rows(result: object) -> list[Row]:
    assert isinstance(result, pyoxigraph.QuerySolutions), "select() needs a SELECT query"
    names = [v.value for v in result.variables]
    return [{n: t for n in names if (t := solution[n]) is not None} for solution in result]


def _boolean(result: object) -> bool:
    """An ASK's answer; Virtuoso 7 sends it as one solution with a 0/1 ``__ASK_RETVAL``."""
    if isinstance(result, pyoxigraph.QueryBoolean):
        return bool(result)
    assert isinstance(result, pyoxigraph.QuerySolutions), "ask() needs an ASK query"
    return any(t is not None and t.value not in ("0", "false") for s in result for t in s)


class RemoteBackend:
    """A :class:`GraphBackend` over an external SPARQL store (see :mod:`sahel_kg.store.remote`).

    One POST per call; SELECT and ASK results read as SPARQL JSON, graphs as
    N-Triples, both parsed by pyoxigraph. Failures raise
    :class:`~sahel_kg.store.remote.StoreUnavailable` (502 or 504 for the client).
    """

    def __init__(self, remote: RemoteStore) -> None:
        self.remote = remote

    def named_graphs(self) -> list[str]:
        """Our named graphs in the store (its own system graphs left out)."""
        return self.remote.graphs()

    def _results(self, sparql: str, read: Callable[[object], _T]) -> _T:
        """Run a SELECT or ASK and read its parsed result on this thread (an unreadable one is 502)."""
        check_deadline()
        body = virtuoso_bnodes(self.remote.query_bytes(sparql, None, JSON_RESULTS))
        try:
            return read(pyoxigraph.parse_query_results(body, pyoxigraph.QueryResultsFormat.JSON))
        except (SyntaxError, ValueError) as exc:
            message = str(exc)  # the result object must not outlive this frame in a traceback
        raise StoreUnavailable(502, f"the SPARQL store sent an unreadable result: {message}")

    def select(self, sparql: str) -> list[Row]:
        return self._results(sparql, _rows)

    def construct(self, sparql: str) -> list[pyoxigraph.Triple]:
        check_deadline()
        body = self.remote.query_bytes(sparql, None, N_TRIPLES)
        quads: Iterable[pyoxigraph.Quad] = pyoxigraph.parse(body, pyoxigraph.RdfFormat.N_TRIPLES)
        return [quad.triple for quad in quads]  # the parser gives quads in the default graph

    def ask(self, sparql: str) -> bool:
        return self._results(sparql, _boolean)

    @contextmanager
    def _streamed(self, sparql: str, accept: str) -> Iterator[ResponseReader]:
        with self.remote.open_query(sparql, self.remote.union_params(), accept,
                                    timeout=max(self.remote.query_timeout, 600.0)) as response:
            if response.status_code != 200:
                raise StoreUnavailable(502, f"the SPARQL store refused a dump query: {response.status_code}")
            with translate_errors(self.remote.query_url, 600.0):
                yield ResponseReader(virtuoso_bnode_chunks(response.iter_bytes()))

    def write_quads(self, out: IO[bytes]) -> None:
        """One streamed SELECT (one query, so blank nodes keep one identity)."""
        with self._streamed(ALL_QUADS, JSON_RESULTS) as reader:
            rows = ox.solutions(pyoxigraph.parse_query_results(ox.source(reader), pyoxigraph.QueryResultsFormat.JSON))
            quads = (pyoxigraph.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)
            pyoxigraph.serialize(quads, out, pyoxigraph.RdfFormat.N_QUADS)

    def write_union(self, out: IO[bytes]) -> None:
        """One streamed CONSTRUCT in N-Triples, re-serialized as Turtle."""
        with self._streamed(UNION_TRIPLES, N_TRIPLES) as reader:
            triples = pyoxigraph.parse(ox.source(reader), pyoxigraph.RdfFormat.N_TRIPLES)
            pyoxigraph.serialize(triples, out, pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES)
