"""A SPARQL 1.1 Protocol request read: GET, POST form or POST direct, its dataset, format and checks.

The route (:mod:`sahel_kg.web.routes.sparql`) streams pyoxigraph's own
serialization back.

Evaluation happens elsewhere: :mod:`sahel_kg.query.evaluation` runs a query and
serializes its result (with the row cap), on a worker thread
(:class:`~sahel_kg.query.runners.ThreadRunner`, in-memory stores) or in a worker
process that is killed on its time limit
(:class:`~sahel_kg.query.processes.ProcessRunner`, on-disk stores). A result that
fits in one chunk is sent as a plain response with a Content-Length; larger
ones stream. Over an external store, :func:`sahel_kg.query.forwarding.forward`
takes evaluation's place on the same threads. Before anything runs, a query
that calls a SERVICE is refused unless federation is enabled and safe
(:mod:`sahel_kg.query.federation`).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph
from fastapi import Request
from fastapi.responses import PlainTextResponse, Response

from sahel_kg.namespaces import PREFIXES
from sahel_kg.query.evaluation import QueryJob, kind_of
from sahel_kg.query.federation import check_service_calls, unread_service_refusal
from sahel_kg.rdf.formats import same_format
from sahel_kg.rdf.sparql_text import QueryText, TooManyTokens, read_query
from sahel_kg.settings import Settings

__all__ = ["ProtocolError", "ProtocolRequest", "QueryJob", "dataset_options", "kind_of"]

log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


class ProtocolError(Exception):
    """A request the protocol refuses: an HTTP status and a message for people."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}

    def response(self) -> Response:
        """The plain-text answer."""
        return PlainTextResponse(self.message + "\n", self.status, headers=self.headers)


@dataclass(frozen=True)
class ProtocolRequest:
    """What a protocol request asks, whichever way it was sent."""

    query: str | None = None
    update: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None
    accept: str | None = None
    base_iri: str | None = None

    @property
    def has_dataset(self) -> bool:
        """True when the request names its own dataset (it overrides FROM clauses)."""
        return bool(self.default_graphs or self.named_graphs)


# ---------------------------------------------------------------- reading requests

def _one(params: list[tuple[str, str]], name: str) -> str | None:
    """The value of a parameter given at most once; the same value repeated is given once."""
    values = list(dict.fromkeys(v for k, v in params if k == name))
    if len(values) > 1:
        shown = ", ".join(repr(v if len(v) <= 40 else v[:37] + "...") for v in values)
        raise ProtocolError(400, f"conflicting {name!r} parameters given ({shown}); send one value")
    return values[0] if values else None


#: Parameters that name the result format: ``format`` (Virtuoso), ``output`` (Fuseki), ``results``.
FORMAT_PARAMETERS = ("format", "output", "results")


def _format(params: list[tuple[str, str]]) -> str | None:
    """The result format asked by parameter; the same format named several ways is one.

    SPARQLWrapper sends every one of :data:`FORMAT_PARAMETERS`, each twice for
    some formats (``tsv`` and ``text/tab-separated-values``). Empty values
    are not asked for anything.

    >>> _format([("format", "tsv"), ("format", "text/tab-separated-values"), ("output", "tsv"), ("results", "")])
    'tsv'
    """
    values = list(dict.fromkeys(v for k, v in params if k in FORMAT_PARAMETERS and v.strip()))
    if any(not same_format(values[0], other) for other in values[1:]):
        raise ProtocolError(400, f"conflicting result formats asked ({', '.join(map(repr, values))}); ask for one")
    return values[0] if values else None


def from_params(params: list[tuple[str, str]], *, accept: str | None, base_iri: str) -> ProtocolRequest:
    """Build a request from (name, value) pairs.

    >>> r = from_params([("query", "ASK {}"), ("named-graph-uri", "http://a"),
    ...                  ("named-graph-uri", "http://b")], accept=None, base_iri="http://h/sparql")
    >>> r.named_graphs, r.has_dataset
    (('http://a', 'http://b'), True)
    >>> from_params([("query", "ASK {}"), ("format", "json"), ("format", "json")], accept=None, base_iri="").format
    'json'
    >>> from_params([("query", "ASK {}"), ("query", "SELECT * {}")], accept=None, base_iri="")
    Traceback (most recent call last):
    ...
    sahel_kg.web.sparql_request.ProtocolError: conflicting 'query' parameters given ('ASK {}', 'SELECT * {}'); send one value
    """
    query, update = _one(params, "query"), _one(params, "update")
    if query is not None and update is not None:
        raise ProtocolError(400, "a request carries either a query or an update, not both")
    return ProtocolRequest(
        query=query, update=update,
        default_graphs=tuple(v for k, v in params if k in ("default-graph-uri", "using-graph-uri")),
        named_graphs=tuple(v for k, v in params if k in ("named-graph-uri", "using-named-graph-uri")),
        format=_format(params),
        accept=accept, base_iri=base_iri,
    )


def _media_type(request: Request) -> tuple[str, str | None]:
    raw = request.headers.get("content-type", "")
    media, _, rest = raw.partition(";")
    charset = re.search(r"charset\s*=\s*\"?([\w-]+)", rest, re.I)
    return media.strip().lower(), charset.group(1).lower() if charset else None


def _utf8(body: bytes, charset: str | None) -> str:
    if charset not in (None, "utf-8", "utf8", "us-ascii"):
        raise ProtocolError(415, f"the body must be UTF-8, not {charset}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the body is not valid UTF-8: {exc}") from None


async def read_request(request: Request) -> ProtocolRequest:
    """Parse any of the protocol's three ways of sending an operation."""
    params = list(request.query_params.multi_items())
    accept, base_iri = request.headers.get("accept"), str(request.url.replace(query="", fragment=""))
    if request.method != "POST":
        return from_params(params, accept=accept, base_iri=base_iri)
    media, charset = _media_type(request)
    body = _utf8(await request.body(), charset)
    if media == FORM:
        return from_params(params + parse_qsl(body, keep_blank_values=True), accept=accept, base_iri=base_iri)
    if media in (QUERY_TYPE, UPDATE_TYPE):
        if any(k in ("query", "update") for k, _ in params):
            raise ProtocolError(400, "a direct POST carries the operation in the body, not in the URL")
        key = "query" if media == QUERY_TYPE else "update"
        return from_params(params + [(key, body)], accept=accept, base_iri=base_iri)
    raise ProtocolError(
        415, f"unsupported Content-Type {media or '(none)'!r}; send {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}",
    )


# ---------------------------------------------------------------- datasets

def _iris(values: tuple[str, ...]) -> list[pyoxigraph.NamedNode]:
    try:
        return [pyoxigraph.NamedNode(v) for v in values]
    except ValueError as exc:
        raise ProtocolError(400, f"invalid graph IRI: {exc}") from None


def dataset_options(req: ProtocolRequest, text: QueryText) -> dict[str, object]:
    """Keyword options of ``Store.query`` for the request's dataset.

    The protocol's graphs win over FROM clauses, which win over our default:
    the union of all graphs as the default graph. ``text`` is the request's
    query as read by :func:`sahel_kg.rdf.sparql_text.read_query`.

    >>> dataset_options(ProtocolRequest(query="ASK {}"), read_query("ASK {}"))
    {'use_default_graph_as_union': True}
    >>> dataset_options(ProtocolRequest(query="ASK {}", named_graphs=("http://g",)), read_query("ASK {}"))
    {'default_graph': [], 'named_graphs': [<NamedNode value=http://g>]}
    >>> dataset_options(ProtocolRequest(query="ASK FROM <http://g> {}"), read_query("ASK FROM <http://g> {}"))
    {}
    """
    if req.has_dataset:
        return {"default_graph": _iris(req.default_graphs), "named_graphs": _iris(req.named_graphs)}
    if text.has_dataset_clause:
        return {}
    return {"use_default_graph_as_union": True}


def read_request_query(req: ProtocolRequest, *, max_tokens: int | None = None) -> QueryText:
    """The request's query as the server reads it (once per request: SERVICE check, dataset, form).

    400 past ``max_tokens``: the engine parses and plans recursively, and chains
    of about 10,000 operators, patterns or UNIONs overflow its stack.
    """
    try:
        return read_query(req.query or "", prefixes=PREFIXES, max_tokens=max_tokens)
    except TooManyTokens as exc:
        raise ProtocolError(400, f"the query is too long: more than {exc.limit} tokens; split it "
                            "(a long VALUES list into several queries)") from None


def job_for(req: ProtocolRequest, settings: Settings, *, text: QueryText | None = None,
            format: str | None = None, row_limit: int | None = None) -> QueryJob:
    """The job that evaluates a protocol request (graph IRIs are checked here, 400 if bad).

    ``text`` is the query as already read for this request, if it was.
    """
    options = dataset_options(req, text or read_request_query(req))
    graphs = {k: tuple(t.value for t in v) for k, v in options.items() if isinstance(v, list)}
    return QueryJob(
        req.query or "", union=bool(options.get("use_default_graph_as_union")),
        default_graph=graphs.get("default_graph"), named_graphs=graphs.get("named_graphs"),
        base_iri=req.base_iri, accept=req.accept, format=format or req.format,
        row_limit=row_limit if row_limit is not None else settings.result_row_limit,
    )


def refuse_service(request: Request, settings: Settings, query: str, text: QueryText) -> None:
    """403 before evaluation for a query whose SERVICE calls are not allowed.

    Where the runner's workers have a network (:attr:`Runner.isolated` false),
    also for any query that holds the word SERVICE beyond the clauses read.
    """
    refusal = check_service_calls(text.services, enabled=settings.federation, allowed=settings.service_allow_list)
    if refusal is None and not request.app.state.runner.isolated:
        refusal = unread_service_refusal(query, text.services)
    if refusal:
        request.app.state.metrics.inc("sahel_service_refusals_total")
        raise ProtocolError(403, refusal)


#: Deepest nesting of brackets accepted: the engine's parser recurses on each (3,000 levels crash it).
MAX_QUERY_DEPTH = 256


def refuse_too_deep(text: QueryText) -> None:
    """400 for a query nested too deeply for the engine to read safely (3,000 brackets crash its parser)."""
    if text.depth > MAX_QUERY_DEPTH:
        raise ProtocolError(400, f"the query nests brackets {text.depth} deep, at most {MAX_QUERY_DEPTH}")


async def read_request_query_safely(req: ProtocolRequest, settings: Settings) -> QueryText:
    """:func:`read_request_query` within ``max_query_tokens``, then :func:`refuse_too_deep`; off the
    event loop for a long query (reading is linear, but the loop serves everyone)."""
    limit = settings.max_query_tokens
    if len(req.query or "") > 8192:
        text = await asyncio.to_thread(read_request_query, req, max_tokens=limit)
    else:
        text = read_request_query(req, max_tokens=limit)
    refuse_too_deep(text)
    return text


# ---------------------------------------------------------------- updates

def refuse_update(request: Request, settings: Settings) -> Response:
    """Updates: 403 without the configured token, 501 with it (the store is read-only)."""
    if request.method != "POST":
        return ProtocolError(405, "updates must be POSTed", {"Allow": "POST"}).response()
    token = settings.update_token.get_secret_value() if settings.update_token else ""
    given = request.headers.get("authorization", "")
    scheme, _, credentials = given.partition(" ")
    if not token or scheme.lower() != "bearer" or not hmac.compare_digest(credentials.encode(), token.encode()):
        return ProtocolError(403, "this endpoint is read-only: SPARQL updates are not accepted. "
                             "Curated data changes go through data/ttl/ and a rebuild.").response()
    return ProtocolError(501, "updates are authorised but not implemented: the server's store is "
                         "opened read-only. Edit data/ttl/ and run `sahel-kg build`.").response()
