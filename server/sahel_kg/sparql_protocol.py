"""``/sparql``: the SPARQL 1.1 Protocol for queries, over the embedded store.

Reading the request (GET, POST form, POST direct), choosing the dataset and
the format, and streaming pyoxigraph's own serialization back.

Threading. pyoxigraph result iterators must be read by the thread that
created them (another thread aborts the process). So a query is evaluated
*and* serialized by one call on one worker thread (:class:`QueryRunner`),
which writes chunks through a bounded bridge (:class:`ChunkBridge`) that the
async response drains; Python never touches a result object anywhere else.
A result that fits in one chunk is sent as a plain response with a
Content-Length; larger ones stream, the worker waiting while the client is
slower than the serializer, and stopping when the client goes away.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import parse_qsl

import pyoxigraph
from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, Response, StreamingResponse

from .namespaces import PREFIXES
from .negotiation import HTML, Kind, choose, offered, wants_html
from .settings import Settings, SettingsDep
from .store import StoreDep

log = logging.getLogger(__name__)
router = APIRouter()

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
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise ProtocolError(400, f"more than one {name!r} parameter given; send exactly one")
    return values[0] if values else None


def from_params(params: list[tuple[str, str]], *, accept: str | None, base_iri: str) -> ProtocolRequest:
    """Build a request from (name, value) pairs.

    >>> r = from_params([("query", "ASK {}"), ("named-graph-uri", "http://a"),
    ...                  ("named-graph-uri", "http://b")], accept=None, base_iri="http://h/sparql")
    >>> r.named_graphs, r.has_dataset
    (('http://a', 'http://b'), True)
    >>> from_params([("query", "ASK {}"), ("query", "ASK {}")], accept=None, base_iri="")
    Traceback (most recent call last):
    ...
    sahel_kg.sparql_protocol.ProtocolError: more than one 'query' parameter given; send exactly one
    """
    query, update = _one(params, "query"), _one(params, "update")
    if query is not None and update is not None:
        raise ProtocolError(400, "a request carries either a query or an update, not both")
    return ProtocolRequest(
        query=query, update=update,
        default_graphs=tuple(v for k, v in params if k in ("default-graph-uri", "using-graph-uri")),
        named_graphs=tuple(v for k, v in params if k in ("named-graph-uri", "using-named-graph-uri")),
        format=_one(params, "format") or _one(params, "output"),
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

_SKIP = re.compile(
    r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\""
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*",
    re.S,
)


def has_from_clause(query: str) -> bool:
    """True when the query names its dataset with FROM / FROM NAMED.

    >>> has_from_clause("SELECT * FROM <http://g> { ?s ?p ?o }")
    True
    >>> has_from_clause('SELECT * { ?s ?p "FROM" } # from here')
    False
    >>> has_from_clause("select * from named ex:g where { }")
    True
    """
    return re.search(r"\bFROM\b", _SKIP.sub(" ", query), re.I) is not None


def _iris(values: tuple[str, ...]) -> list[pyoxigraph.NamedNode]:
    try:
        return [pyoxigraph.NamedNode(v) for v in values]
    except ValueError as exc:
        raise ProtocolError(400, f"invalid graph IRI: {exc}") from None


def dataset_options(req: ProtocolRequest) -> dict[str, object]:
    """Keyword options of ``Store.query`` for the request's dataset.

    The protocol's graphs win over FROM clauses, which win over our default:
    the union of all graphs as the default graph.

    >>> dataset_options(ProtocolRequest(query="ASK {}"))
    {'use_default_graph_as_union': True}
    >>> dataset_options(ProtocolRequest(query="ASK {}", named_graphs=("http://g",)))
    {'default_graph': [], 'named_graphs': [<NamedNode value=http://g>]}
    """
    if req.has_dataset:
        return {"default_graph": _iris(req.default_graphs), "named_graphs": _iris(req.named_graphs)}
    if req.query is not None and has_from_clause(req.query):
        return {}
    return {"use_default_graph_as_union": True}


def kind_of(result: object) -> Kind:
    """The kind of a pyoxigraph query result."""
    if isinstance(result, pyoxigraph.QuerySolutions):
        return "solutions"
    if isinstance(result, pyoxigraph.QueryBoolean):
        return "boolean"
    return "graph"


# ---------------------------------------------------------------- the thread bridge

class ClientGone(Exception):
    """The response was abandoned; the worker stops serializing."""


@dataclass
class Head:
    """First message of a result: status, type, the first chunk, and whether it is all."""

    status: int
    media_type: str
    body: bytes
    done: bool
    headers: dict[str, str] = field(default_factory=dict)


class ChunkBridge:
    """A bounded channel from one worker thread to the event loop.

    The worker blocks in :meth:`send` while ``capacity`` chunks wait unread;
    :meth:`cancel` (the response went away) makes it raise :class:`ClientGone`.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, capacity: int):
        self._loop = loop
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._slots = threading.Semaphore(capacity)
        self._cancelled = threading.Event()

    def send(self, item: object) -> None:
        """Worker side: hand one item to the loop, waiting for room."""
        while not self._slots.acquire(timeout=0.2):
            if self._cancelled.is_set():
                raise ClientGone
        if self._cancelled.is_set():
            raise ClientGone
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)
        except RuntimeError:  # the loop is closed: the server is stopping
            raise ClientGone from None

    async def receive(self) -> object:
        """Loop side: the next item."""
        item = await self._queue.get()
        self._slots.release()
        return item

    @property
    def cancelled(self) -> bool:
        """True once the response side gave up."""
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Loop side: stop the worker at its next write."""
        self._cancelled.set()
        self._slots.release()


class ChunkWriter:
    """The file object pyoxigraph serializes into: buffers, then sends chunks."""

    def __init__(self, bridge: ChunkBridge, head: Head, chunk_bytes: int):
        self._bridge, self._head, self._size = bridge, head, chunk_bytes
        self._buffer = bytearray()
        self._head_sent = False

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) >= self._size:
            self._send(done=False)
        return len(data)

    @property
    def started(self) -> bool:
        """True once the head (status and first chunk) has gone out."""
        return self._head_sent

    def flush(self) -> None:
        """pyoxigraph flushes at the end; chunks are sent by size and at :meth:`close`."""

    def close(self) -> None:
        """Send what is left and the end mark."""
        self._send(done=True)

    def _send(self, *, done: bool) -> None:
        body, self._buffer = bytes(self._buffer), bytearray()
        if not self._head_sent:
            self._head.body, self._head.done, self._head_sent = body, done, True
            self._bridge.send(self._head)
            return
        if body:
            self._bridge.send(body)
        if done:
            self._bridge.send(None)


@dataclass(frozen=True)
class QueryJob:
    """A query with its dataset options and how its result is wanted."""

    query: str
    options: dict[str, object]
    base_iri: str | None
    accept: str | None
    format: str | None


def _failure(status: int, message: str) -> Head:
    return Head(status, "text/plain; charset=utf-8", (message + "\n").encode(), True)


def evaluate(store: pyoxigraph.Store, job: QueryJob, bridge: ChunkBridge, chunk_bytes: int) -> None:
    """Run one query and serialize its result, all on the calling (worker) thread."""
    try:
        try:
            result = store.query(job.query, base_iri=job.base_iri, prefixes=PREFIXES, **job.options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            bridge.send(_failure(400, f"SPARQL syntax error: {exc}"))
            return
        kind = kind_of(result)
        offer = choose(kind, job.accept, job.format)
        if offer is None or offer is HTML:
            asked = f"format {job.format!r}" if job.format else f"Accept: {job.accept}"
            bridge.send(_failure(406, f"cannot answer this query with {asked}; offered: " + ", ".join(offered(kind)[:-1])))
            return
        writer = ChunkWriter(bridge, Head(200, offer.media_type, b"", False), chunk_bytes)
        try:
            result.serialize(writer, offer.results_format or offer.rdf_format)  # type: ignore[union-attr, arg-type]
        except Exception as exc:  # evaluation errors surface while serializing
            if not bridge.cancelled:
                log.warning("query failed: %s", exc)
                bridge.send(exc if writer.started else _failure(500, f"query evaluation failed: {exc}"))
            return
        writer.close()
    except ClientGone:
        pass


class QueryRunner:
    """The pool of worker threads that evaluate queries."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.pool = ThreadPoolExecutor(settings.query_workers, thread_name_prefix="sparql")

    async def run(self, store: pyoxigraph.Store, job: QueryJob) -> Response:
        """Evaluate a job on a worker and answer with its (possibly streamed) result."""
        bridge = ChunkBridge(asyncio.get_running_loop(), self.settings.queue_chunks)
        self.pool.submit(evaluate, store, job, bridge, self.settings.chunk_bytes)
        try:
            head = await bridge.receive()
        except BaseException:
            bridge.cancel()
            raise
        assert isinstance(head, Head)
        headers = {"Vary": "Accept", **head.headers}
        if head.done:
            return Response(head.body, head.status, headers=headers, media_type=head.media_type)
        return StreamingResponse(_drain(bridge, head.body), head.status, headers=headers, media_type=head.media_type)

    def close(self) -> None:
        """Stop accepting queries; running ones finish."""
        self.pool.shutdown(wait=False, cancel_futures=True)


async def _drain(bridge: ChunkBridge, first: bytes) -> AsyncIterator[bytes]:
    try:
        yield first
        while True:
            item = await bridge.receive()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, bytes)
            yield item
    finally:
        bridge.cancel()


async def get_runner(request: Request) -> QueryRunner:
    """The app's query runner."""
    return request.app.state.runner  # type: ignore[no-any-return]


RunnerDep = Annotated[QueryRunner, Depends(get_runner)]


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


# ---------------------------------------------------------------- the route

@router.api_route("/sparql", methods=["GET", "POST"], name="sparql")
async def sparql(request: Request, settings: SettingsDep, store: StoreDep, runner: RunnerDep) -> Response:
    """The SPARQL endpoint. Async because the work is handed to :class:`QueryRunner`."""
    try:
        req = await read_request(request)
        if req.update is not None:
            return refuse_update(request, settings)
        if req.query is None:
            return await _no_query(request, req, settings, store)
        if wants_html(req.accept, req.format):
            from .query_page import results_page

            return await asyncio.to_thread(results_page, request, store, settings, req)
        job = QueryJob(req.query, dataset_options(req), req.base_iri, req.accept, req.format)
        return await runner.run(store, job)
    except ProtocolError as exc:
        return exc.response()


async def _no_query(request: Request, req: ProtocolRequest, settings: Settings, store: pyoxigraph.Store) -> Response:
    if request.method == "POST":
        raise ProtocolError(400, "no 'query' or 'update' given")
    if wants_html(req.accept, req.format):
        from .query_page import editor_page

        return editor_page(request, settings, query=None)
    from .service_description import description_response

    return await asyncio.to_thread(description_response, store, req.base_iri or "", req.accept, req.format)
