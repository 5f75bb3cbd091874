"""Evaluating one query and serializing its result, with a cap on its rows.

The same function runs on a worker thread (in-memory stores) and in a worker
process (on-disk stores, see :mod:`sahel_kg.query.processes`). It hands what it
produces to a ``send`` callable, one item at a time: a :class:`Head` (status,
type, headers and the first chunk), then ``bytes`` chunks, then ``None`` at
the end, or an ``Exception`` when evaluation fails after the head went out.

The row cap. A SELECT result is first serialized by pyoxigraph as TSV into a
buffer that counts lines (TSV escapes newlines inside values, so one line is
one row) and stops evaluation as soon as it holds one row more than the cap;
a graph result does the same in N-Triples. A capped result is cut to the cap,
parsed back by pyoxigraph and serialized in the format asked for, with the
``Sahel-Result-Truncated`` header naming the cap. No Python runs per row; the
price is a second serialization, in Rust, of at most ``cap`` rows.

>>> store = pyoxigraph.Store()
>>> for i in range(5):
...     store.add(pyoxigraph.Quad(pyoxigraph.NamedNode(f"http://e/s{i}"),
...                               pyoxigraph.NamedNode("http://e/p"), pyoxigraph.Literal(i)))
>>> items = []
>>> evaluate(store, QueryJob("SELECT ?s { ?s ?p ?o }", format="csv", row_limit=3), items.append, 1024)
>>> head = items[0]
>>> head.status, head.headers, head.body.count(b"\\r\\n"), head.done
(200, {'Sahel-Result-Truncated': '3'}, 4, True)
>>> items = []
>>> evaluate(store, QueryJob("SELECT ?s { ?s ?p ?o }", format="csv", row_limit=5), items.append, 1024)
>>> items[0].headers
{}
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

import pyoxigraph

from sahel_kg.namespaces import PREFIXES
from sahel_kg.rdf import oxigraph_types as ox
from sahel_kg.rdf.formats import HTML, Kind, Offer, choose, offered
from sahel_kg.rdf.oxigraph_types import Result
from sahel_kg.rdf.xml_chars import NotRepresentable, XmlCheck, is_xml_media_type

log = logging.getLogger(__name__)

#: What a query's evaluation hands on: a Head, bytes, None (the end) or an Exception.
Send = Callable[[object], None]
#: The header that says a result was cut to the row cap (its value is the cap).
TRUNCATED_HEADER = "Sahel-Result-Truncated"
#: ``format`` value asking for the page's formats: TSV, N-Triples or JSON by kind.
PAGE_FORMAT = "page"


@dataclass
class Head:
    """First message of a result: status, type, the first chunk, and whether it is all."""

    status: int
    media_type: str
    body: bytes
    done: bool
    headers: dict[str, str] = field(default_factory=dict)


class JobData(TypedDict):
    """A :class:`QueryJob` as JSON-ready data (read back from JSON, the graphs are lists)."""

    query: str
    union: bool
    default_graph: Sequence[str] | None
    named_graphs: Sequence[str] | None
    base_iri: str | None
    accept: str | None
    format: str | None
    row_limit: int | None


class DatasetOptions(TypedDict, total=False):
    """The dataset keywords of ``pyoxigraph.Store.query``."""

    use_default_graph_as_union: bool
    default_graph: list[pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.DefaultGraph]
    named_graphs: list[pyoxigraph.NamedNode | pyoxigraph.BlankNode]


def _graphs(names: Sequence[str] | None) -> tuple[str, ...] | None:
    return tuple(names) if names is not None else None


@dataclass(frozen=True)
class QueryJob:
    """A query with its dataset and how its result is wanted, in plain data.

    Plain strings and numbers only, so a job crosses a process boundary as JSON.

    >>> QueryJob.from_dict(QueryJob("ASK {}").to_dict()) == QueryJob("ASK {}")
    True
    >>> from dataclasses import fields
    >>> set(QueryJob("ASK {}").to_dict()) == {f.name for f in fields(QueryJob)}
    True
    """

    query: str
    union: bool = True
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None
    accept: str | None = None
    format: str | None = None
    row_limit: int | None = None

    def to_dict(self) -> JobData:
        """The job as JSON-ready data."""
        return {"query": self.query, "union": self.union, "default_graph": self.default_graph,
                "named_graphs": self.named_graphs, "base_iri": self.base_iri, "accept": self.accept,
                "format": self.format, "row_limit": self.row_limit}

    @classmethod
    def from_dict(cls, data: JobData) -> QueryJob:
        """The job back from :meth:`to_dict`."""
        return cls(query=data["query"], union=data["union"], default_graph=_graphs(data["default_graph"]),
                   named_graphs=_graphs(data["named_graphs"]), base_iri=data["base_iri"], accept=data["accept"],
                   format=data["format"], row_limit=data["row_limit"])

    def options(self) -> DatasetOptions:
        """Keyword options of ``Store.query`` for this job's dataset."""
        if self.default_graph is not None or self.named_graphs is not None:
            return {"default_graph": [pyoxigraph.NamedNode(g) for g in self.default_graph or ()],
                    "named_graphs": [pyoxigraph.NamedNode(g) for g in self.named_graphs or ()]}
        return {"use_default_graph_as_union": True} if self.union else {}


class ClientGone(Exception):
    """The response was abandoned; evaluation stops at its next write."""


class Capped(Exception):
    """Raised by :class:`LineCapBuffer` to stop evaluation once the cap is passed."""


class LineCapBuffer:
    """A file object that keeps at most ``lines`` lines and stops the writer after.

    >>> b = LineCapBuffer(2)
    >>> b.write(b"a\\nb\\n")
    4
    >>> b.write(b"c\\n")
    Traceback (most recent call last):
    ...
    sahel_kg.query.evaluation.Capped
    >>> b.value(), b.overflowed
    (b'a\\nb\\n', True)
    """

    def __init__(self, lines: int):
        self._limit, self._lines, self.overflowed = lines, 0, False
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        self._buffer += data
        self._lines += data.count(b"\n")
        if self._lines > self._limit:
            self.overflowed = True
            raise Capped
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: everything stays in memory."""

    def value(self) -> bytes:
        """The first ``lines`` complete lines."""
        data = bytes(self._buffer)
        if not self.overflowed:
            return data
        end = -1
        for _ in range(self._limit):
            end = data.index(b"\n", end + 1)
        return data[: end + 1]


class ChunkWriter:
    """The file object results are serialized into: buffers, then sends chunks."""

    def __init__(self, send: Send, head: Head, chunk_bytes: int):
        self._send_item, self._head, self._size = send, head, chunk_bytes
        self._buffer = bytearray()
        self._head_sent = False
        # XML bodies are checked as they go out: a literal may hold what XML cannot carry
        self._check = XmlCheck() if is_xml_media_type(head.media_type) else None

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) >= self._size:
            self._send(done=False)
        return len(data)

    @property
    def started(self) -> bool:
        """True once the head (status and first chunk) has gone out."""
        return self._head_sent

    def add_header(self, name: str, value: str) -> None:
        """A header for the head (only before it has gone out)."""
        assert not self._head_sent, "the head has already been sent"
        self._head.headers[name] = value

    def flush(self) -> None:
        """pyoxigraph flushes at the end; chunks are sent by size and at :meth:`close`."""

    def close(self) -> None:
        """Send what is left and the end mark."""
        self._send(done=True)

    def _send(self, *, done: bool) -> None:
        body, self._buffer = bytes(self._buffer), bytearray()
        if self._check is not None:
            self._check(body)
        if not self._head_sent:
            self._head.body, self._head.done, self._head_sent = body, done, True
            self._send_item(self._head)
            return
        if body:
            self._send_item(body)
        if done:
            self._send_item(None)


def failure(status: int, message: str, headers: dict[str, str] | None = None) -> Head:
    """A complete plain-text answer."""
    return Head(status, "text/plain; charset=utf-8", (message + "\n").encode(), True, headers or {})


def page_offer(kind: Kind) -> Offer:
    """The format the HTML results view reads a result in (parsed back by pyoxigraph)."""
    if kind == "graph":
        return Offer("nt", pyoxigraph.RdfFormat.N_TRIPLES.media_type, "N-Triples",
                     rdf_format=pyoxigraph.RdfFormat.N_TRIPLES)
    fmt = pyoxigraph.QueryResultsFormat.TSV if kind == "solutions" else pyoxigraph.QueryResultsFormat.JSON
    return Offer(fmt.file_extension, fmt.media_type, fmt.name, results_format=fmt)


def kind_of(result: object) -> Kind:
    """The kind of a pyoxigraph query result."""
    if isinstance(result, pyoxigraph.QuerySolutions):
        return "solutions"
    if isinstance(result, pyoxigraph.QueryBoolean):
        return "boolean"
    return "graph"


#: A result as it is serialized: as the engine gave it, or read back after capping (a graph as quads).
Rows = Result | list[pyoxigraph.Quad]


def capped(result: Result, kind: Kind, cap: int | None) -> tuple[Rows, bool]:
    """The result cut to ``cap`` rows (re-read by pyoxigraph) and whether it was cut."""
    if cap is None or kind == "boolean":
        return result, False
    if kind == "solutions":
        buffer = LineCapBuffer(cap + 1)  # the header line, then one line per row
        try:
            ox.solutions(result).serialize(ox.output(buffer), pyoxigraph.QueryResultsFormat.TSV)
        except Capped:
            pass
        return pyoxigraph.parse_query_results(buffer.value(), pyoxigraph.QueryResultsFormat.TSV), buffer.overflowed
    buffer = LineCapBuffer(cap)
    try:
        ox.triples(result).serialize(ox.output(buffer), pyoxigraph.RdfFormat.N_TRIPLES)
    except Capped:
        pass
    return list(pyoxigraph.parse(buffer.value(), pyoxigraph.RdfFormat.N_TRIPLES)), buffer.overflowed


def _serialize(result: Rows, offer: Offer, writer: ChunkWriter) -> None:
    if isinstance(result, list):  # a graph read back after capping
        pyoxigraph.serialize(result, ox.output(writer), offer.rdf_format)
    elif isinstance(result, pyoxigraph.QueryTriples):
        result.serialize(ox.output(writer), offer.rdf_format)
    else:
        result.serialize(ox.output(writer), offer.results_format)


def offer_for(kind: Kind, job: QueryJob) -> Offer | Head:
    """The format a job's result is sent in, or the 406 when none is acceptable."""
    if job.format == PAGE_FORMAT:
        return page_offer(kind)
    offer = choose(kind, job.accept, job.format)
    if offer is None or offer is HTML:
        asked = f"format {job.format!r}" if job.format else f"Accept: {job.accept}"
        return failure(406, f"cannot answer this query with {asked}; offered: " + ", ".join(offered(kind)[:-1]))
    return offer


def evaluate(store: pyoxigraph.Store, job: QueryJob, send: Send, chunk_bytes: int, *, isolated: bool = False) -> None:
    """Run one query and serialize its result, all on the calling thread.

    Never raises for the query's sake: every failure is sent, as a
    :func:`failure` head before the result has started (status chosen by
    :func:`evaluation_failure`), as an exception after. ``isolated`` says the
    calling process has no network (:mod:`sahel_kg.query.isolation`).
    """
    try:
        try:
            result = store.query(job.query, base_iri=job.base_iri, prefixes=PREFIXES, **job.options())
        except SyntaxError as exc:
            send(failure(400, f"SPARQL syntax error: {exc}"))
            return
        except (ClientGone, MemoryError):
            raise
        except Exception as exc:  # the engine evaluates eagerly in places (unsupported functions)
            send(evaluation_failure(exc, isolated=isolated))
            return
        kind = kind_of(result)
        offer = offer_for(kind, job)
        if isinstance(offer, Head):
            send(offer)
            return
        _stream(result, kind, offer, job, send, chunk_bytes, isolated)
    except ClientGone:
        pass


#: Words of a storage fault in the engine's I/O errors (the rest of its I/O errors are network calls).
_STORAGE_MESSAGES = ("io error", "corruption", "no such file", "permission denied", "rocksdb")


def evaluation_failure(exc: Exception, *, isolated: bool = False) -> Head:
    """The answer to a query whose evaluation failed; who is at fault decides the status.

    - any call out of an isolated worker (a SERVICE the text check missed: it
      could not connect, or the engine refused its scheme or port): 403,
      federation is off, and the event is logged;
    - a SERVICE endpoint that failed or could not be reached: 502;
    - a storage fault: 500, logged, with no detail for the client;
    - a result holding a character its format cannot carry (:mod:`sahel_kg.rdf.xml_chars`): 406;
    - anything else the engine raises (an unsupported function, an argument of
      the wrong type, an unbound SERVICE variable): 400 with the engine's message.

    >>> evaluation_failure(RuntimeError("The custom function <http://e/f> is not supported")).status
    400
    >>> evaluation_failure(OSError("Error 500 returned by http://e/sparql")).status
    502
    >>> evaluation_failure(OSError("Network is unreachable (os error 101)"), isolated=True).status
    403
    """
    message = str(exc)
    if isinstance(exc, NotRepresentable):
        return failure(406, message)
    if isinstance(exc, OSError) and not isinstance(exc, io.UnsupportedOperation):
        if any(words in message.lower() for words in _STORAGE_MESSAGES):
            log.error("the store failed during a query: %s", message)
            return failure(500, "the store could not be read; the error has been logged")
        if isolated:  # no network here: any call was a SERVICE the query reader did not see
            log.warning("a SERVICE call the query reader missed was stopped by the worker's isolation: %s", message)
            return failure(403, "this query tried to call another endpoint (SERVICE); federated queries are "
                           "disabled on this endpoint")
        return failure(502, f"a SERVICE endpoint failed or could not be reached: {message}")
    return failure(400, f"query evaluation failed: {message}")


def _stream(result: Result, kind: Kind, offer: Offer, job: QueryJob, send: Send, chunk_bytes: int,
            isolated: bool) -> None:
    head = Head(200, offer.media_type, b"", False)
    writer = ChunkWriter(send, head, chunk_bytes)
    try:
        rows, truncated = capped(result, kind, job.row_limit)
        if truncated:
            head.headers[TRUNCATED_HEADER] = str(job.row_limit)
        _serialize(rows, offer, writer)
        writer.close()
    except (ClientGone, MemoryError):
        raise
    except Exception as exc:  # evaluation errors surface while serializing
        log.warning("query failed: %s", exc)
        send(exc if writer.started else evaluation_failure(exc, isolated=isolated))
