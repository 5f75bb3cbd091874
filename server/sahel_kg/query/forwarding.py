"""``/sparql`` over an external store: a query forwarded by the SPARQL 1.1 Protocol.

:func:`forward` has the signature of :func:`sahel_kg.query.evaluation.evaluate` and
runs on the same worker threads (:class:`~sahel_kg.query.runners.ThreadRunner`),
so admission, the 503 on saturation, the time limit on the first byte and
the back-pressure of a slow client are the same as over the embedded store.

What it does, in order:

1. finds the query's form (SELECT, ASK, CONSTRUCT, DESCRIBE) lexically and
   chooses the format exactly as the embedded endpoint does (406 alike);
2. prefixes the query with one line — ``BASE <endpoint>`` and the ``PREFIX``
   declarations of ours that the query uses without declaring (read by the
   query reader) — so the same queries run (the store's error positions are
   shifted back by that line);
3. POSTs it with the request's ``default-graph-uri`` / ``named-graph-uri``,
   or the union parameters of the store (:meth:`RemoteStore.union_params`)
   when the request names no dataset and the query has no FROM;
4. without a row cap, streams the store's body straight through when it is
   in the format asked for (no Python per row), and otherwise asks for a
   standard format (SPARQL JSON, N-Triples) and re-serializes with pyoxigraph;
5. with a row cap, asks for SPARQL JSON (solutions; engines' TSV varies) or
   N-Triples (graphs), has pyoxigraph parse it as it arrives and serialize it
   as TSV / N-Triples into a buffer that stops at ``cap`` lines (all in Rust),
   closes the store's response as soon as one more row arrives, and writes the
   kept rows in the format asked for, adding ``Sahel-Result-Truncated`` when cut.

Failures: the store's 400 is our 400 with its message; a time-out is the
usual 503 with ``Sahel-Query-Timeout`` (a cut stream once it has started); a
store that cannot be reached or fails is 502, one that accepts no connection
in time 504.

>>> query_kind("PREFIX a: <http://a#> # SELECT in a comment\\n CONSTRUCT WHERE { ?s a:p 'ASK' }")
'graph'
>>> query_kind("base <x:> prefix : <y:> select * {}"), query_kind("ASK {}"), query_kind("garbage")
('solutions', 'boolean', None)
>>> shift_positions("error at 2:25: expected", 1)
'error at 1:25: expected'
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Iterator

import httpx
import pyoxigraph

from sahel_kg.namespaces import PREFIXES
from sahel_kg.query.evaluation import (
    TRUNCATED_HEADER,
    Capped,
    ChunkWriter,
    ClientGone,
    Head,
    LineCapBuffer,
    QueryJob,
    Send,
    failure,
    offer_for,
)
from sahel_kg.query.runners import timed_out
from sahel_kg.rdf import oxigraph_types as ox
from sahel_kg.rdf.formats import Kind, Offer
from sahel_kg.rdf.sparql_text import QueryText, read_query
from sahel_kg.rdf.xml_chars import NotRepresentable
from sahel_kg.store.remote import (
    JSON_RESULTS,
    N_TRIPLES,
    RemoteStore,
    StoreTimeout,
    StoreUnavailable,
    bare,
    store_message,
)

log = logging.getLogger(__name__)

TSV = pyoxigraph.QueryResultsFormat.TSV
_KINDS: dict[str, Kind] = {"SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


def query_kind(query: str | QueryText) -> Kind | None:
    """The kind of result a query gives, read from its form (:func:`sahel_kg.rdf.sparql_text.read_query`)."""
    form = (read_query(query) if isinstance(query, str) else query).form
    return _KINDS[form] if form else None


def prologue(base_iri: str | None, text: QueryText) -> str:
    """One line declaring the base IRI and those of our prefixes the query uses without declaring them.

    >>> prologue(None, read_query("SELECT * { ?s rdfs:label ?l ; ex:p ?o } # skos:x"))
    'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\\n'
    """
    used = {token.text.partition(":")[0] for token in text.tokens if token.kind == "pname"}
    decls = [f"BASE <{base_iri}>"] if base_iri and ">" not in base_iri else []
    decls += [f"PREFIX {name}: <{ns}>" for name, ns in PREFIXES.items() if name in used - set(text.prefixes)]
    return " ".join(decls) + "\n"


def shift_positions(message: str, lines: int) -> str:
    """Error positions in the store's message, counted from the client's first line."""
    def back(m: re.Match[str]) -> str:
        return f"{m.group(1)}{max(int(m.group(2)) - lines, 1)}{m.group(3)}"
    return re.sub(r"(\bat |\bline )(\d+)(:\d+|\b)", back, message)


def dataset_params(remote: RemoteStore, job: QueryJob) -> list[tuple[str, str]]:
    """The request's own dataset, else the store's union, else nothing (the query's FROM)."""
    if job.default_graph is not None or job.named_graphs is not None:
        return ([("default-graph-uri", g) for g in job.default_graph or ()]
                + [("named-graph-uri", g) for g in job.named_graphs or ()])
    if job.union:  # the protocol set it only when the query names no dataset of its own
        return remote.union_params()
    return []


def _standard(kind: Kind) -> str:
    return N_TRIPLES if kind == "graph" else JSON_RESULTS


def wire_format(kind: Kind, offer: Offer, cap: int | None) -> str:
    """The media type asked of the store: the client's, or a line format to count rows in."""
    if cap is not None:  # graphs: N-Triples lines are counted; solutions: SPARQL JSON, capped in Rust
        return N_TRIPLES if kind == "graph" else JSON_RESULTS
    return bare(offer.media_type)


def error_head(status: int, body: bytes, shift: int) -> Head:
    """What the client gets for the store's refusal."""
    message = shift_positions(store_message(body), shift)
    if status in (400, 406, 413, 414, 415, 422):
        return failure(400 if status != 413 else 413, f"SPARQL syntax error or invalid query, as the store "
                       f"reports it: {message}")
    if status in (401, 403, 407):
        log.error("the SPARQL store refused our credentials: %s %s", status, message)
        return failure(502, "the SPARQL store refused this server's credentials")
    if status in (503, 504) or "timeout" in message.lower() or "timed out" in message.lower():
        return failure(503, f"the SPARQL store stopped the query: {message}")
    return failure(502, f"the SPARQL store failed ({status}): {message}")


def forward(remote: RemoteStore, job: QueryJob, send: Send, chunk_bytes: int) -> None:
    """Forward one query to the store and send its result, all on the calling thread."""
    text = read_query(job.query)
    kind = query_kind(text) or "solutions"
    offer = offer_for(kind, job)
    if isinstance(offer, Head):
        send(offer)
        return
    cap = None if kind == "boolean" else job.row_limit
    wanted, standard = wire_format(kind, offer, cap), _standard(kind)
    accept = wanted if wanted == standard else f"{wanted}, {standard};q=0.5"
    head = Head(200, offer.media_type, b"", False)
    writer = ChunkWriter(send, head, chunk_bytes)
    deadline = time.monotonic() + remote.query_timeout
    try:
        with remote.open_query(prologue(job.base_iri, text) + job.query, dataset_params(remote, job),
                               accept) as response:
            if response.status_code != 200:
                send(error_head(response.status_code, response.read(), 1))
                return
            _relay(response, kind, offer, cap, writer, deadline)
        writer.close()
    except ClientGone:
        pass
    except NotRepresentable as exc:
        send(_cut(str(exc)) if writer.started else failure(406, str(exc)))
    except StoreTimeout:
        send(_cut("time limit") if writer.started else timed_out(remote.query_timeout))
    except StoreUnavailable as exc:
        send(_cut(exc.message) if writer.started else failure(exc.status, exc.message))
    except (httpx.HTTPError, SyntaxError, ValueError, OSError) as exc:
        log.warning("forwarded query failed: %r", exc)
        send(_cut(str(exc)) if writer.started else failure(502, f"the SPARQL store sent an unreadable result: {exc}"))


def _cut(why: str) -> Exception:
    """What cuts a stream that had started (the client sees an error, not a short result)."""
    return RuntimeError(f"stream cut: {why}")


def _chunks(response: httpx.Response, deadline: float, url: str, limit: float) -> Iterator[bytes]:
    """The store's body in chunks, within the deadline."""
    from sahel_kg.store.remote import translate_errors

    with translate_errors(url, limit):
        for chunk in response.iter_bytes():
            if time.monotonic() > deadline:
                raise StoreTimeout(503, "time limit")
            yield chunk


def _relay(response: httpx.Response, kind: Kind, offer: Offer, cap: int | None, writer: ChunkWriter,
           deadline: float) -> None:
    got = bare(response.headers.get("content-type"))
    limit = max(deadline - time.monotonic(), 0.0)
    chunks = _chunks(response, deadline, str(response.url), limit)
    if cap is None and got == bare(offer.media_type):
        for chunk in chunks:  # straight through: no parsing at all
            writer.write(chunk)
        return
    if cap is not None and kind == "graph" and got == N_TRIPLES:
        _relay_capped(chunks, kind, offer, cap, writer)
        return
    _reserialize(chunks, got, kind, offer, cap, writer)


def _relay_capped(chunks: Iterable[bytes], kind: Kind, offer: Offer, cap: int, writer: ChunkWriter) -> None:
    buffer = LineCapBuffer(cap + 1 if kind == "solutions" else cap)  # TSV has a header line
    try:
        for chunk in chunks:
            buffer.write(chunk)
    except Capped:
        pass  # the store's response is closed by the caller: it stops there
    if buffer.overflowed:
        writer.add_header(TRUNCATED_HEADER, str(cap))
    body = buffer.value()
    if bare(offer.media_type) == wire_format(kind, offer, cap):
        writer.write(body)
    elif kind == "graph":
        quads = pyoxigraph.parse(body, pyoxigraph.RdfFormat.N_TRIPLES)
        pyoxigraph.serialize(quads, ox.output(writer), offer.rdf_format)
    else:
        pyoxigraph.parse_query_results(body, TSV).serialize(ox.output(writer), offer.results_format)


def _reserialize(chunks: Iterator[bytes], got: str, kind: Kind, offer: Offer, cap: int | None,
                 writer: ChunkWriter) -> None:
    """The store answered in another format than asked: parse it and write the one wanted."""
    from sahel_kg.store.remote import ResponseReader

    reader = ResponseReader(chunks)
    if kind == "graph":
        fmt = pyoxigraph.RdfFormat.from_media_type(got)
        if fmt is None:
            raise StoreUnavailable(502, f"the SPARQL store answered in {got or 'no format'}")
        quads: Iterable[pyoxigraph.Quad] = pyoxigraph.parse(ox.source(reader), fmt)
        if cap is not None:
            quads = _first(quads, cap, writer)
        pyoxigraph.serialize(quads, ox.output(writer), offer.rdf_format)
        return
    results_format = pyoxigraph.QueryResultsFormat.from_media_type(got)
    if results_format is None:
        raise StoreUnavailable(502, f"the SPARQL store answered in {got or 'no format'}")
    result = pyoxigraph.parse_query_results(ox.source(reader), results_format)
    if cap is not None and isinstance(result, pyoxigraph.QuerySolutions):
        buffer = LineCapBuffer(cap + 1)
        try:
            result.serialize(ox.output(buffer), TSV)
        except Capped:
            writer.add_header(TRUNCATED_HEADER, str(cap))
        result = pyoxigraph.parse_query_results(buffer.value(), TSV)
    result.serialize(ox.output(writer), offer.results_format)


def _first(quads: Iterable[pyoxigraph.Quad], cap: int, writer: ChunkWriter) -> list[pyoxigraph.Quad]:
    kept: list[pyoxigraph.Quad] = []
    for quad in quads:
        if len(kept) == cap:
            writer.add_header(TRUNCATED_HEADER, str(cap))
            break
        kept.append(quad)
    return kept
