"""An external SPARQL store over HTTP: where it is, how to reach it, what it answers.

:class:`RemoteStore` holds the endpoints (SPARQL 1.1 Query, Update and the
Graph Store Protocol), the credentials and one pooled ``httpx.Client``
(created on first use: nothing connects at construction). It sends queries
by POST (SPARQL 1.1 Protocol, form-encoded) and turns transport failures into
:class:`StoreUnavailable` with the status our clients get: 502 when the
store cannot be reached or fails, 504 when it does not answer in time.

The default graph. Our queries expect the union of all named graphs as the
default graph; ``store_union`` says how the store gets it (see
:meth:`RemoteStore.union_params`).

>>> from pathlib import Path
>>> remote = RemoteStore(Settings(root=Path("/p"), store_url="http://db:7878/query"))
>>> remote.update_url, remote.gsp_url
('http://db:7878/update', 'http://db:7878/store')
>>> remote.union_params()
[]
>>> RemoteStore(Settings(root=Path("/p"), store_url="http://db:8890/sparql")).gsp_url is None
True
>>> public_url("http://user:secret@db:8890/sparql?x=1")
'http://db:8890/sparql'
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import httpx

from sahel_kg.namespaces import BASE
from sahel_kg.settings import Settings

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

log = logging.getLogger(__name__)

JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
#: How long the list of named graphs (for ``store_union = "dataset"``) is reused.
GRAPHS_TTL = 60.0
#: Our named graphs: engines keep system graphs of their own (Virtuoso's virtrdf#, …).
GRAPHS_QUERY = f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
  FILTER(STRSTARTS(STR(?g), "{BASE}graph/")) }} ORDER BY ?g"""


class StoreUnavailable(Exception):
    """The external store could not give an answer: an HTTP status for our client and why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class StoreTimeout(StoreUnavailable):
    """The external store did not answer within the time limit."""


def public_url(url: str) -> str:
    """The URL without credentials, query or fragment (safe to log)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _derived(url: str, last: str) -> str | None:
    """Oxigraph server's layout: ``…/query`` beside ``…/update`` and ``…/store``."""
    return url[: -len("query")] + last if url.rstrip("/").endswith("/query") else None


def bare(media_type: str | None) -> str:
    """A media type without parameters, lower case.

    >>> bare("text/turtle; charset=utf-8")
    'text/turtle'
    """
    return (media_type or "").split(";")[0].strip().lower()


class RemoteStore:
    """The external store's endpoints, credentials and HTTP connection pool."""

    def __init__(self, settings: Settings) -> None:
        assert settings.store_url, "a RemoteStore needs settings.store_url"
        self.settings = settings
        self.query_url = settings.store_url
        self.update_url = settings.store_update_url or _derived(self.query_url, "update") or self.query_url
        self.gsp_url = settings.store_gsp_url or _derived(self.query_url, "store")
        self.union = settings.store_union
        self.query_timeout = settings.query_timeout
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()
        self._graphs: tuple[float, list[str]] | None = None

    def __repr__(self) -> str:
        return f"RemoteStore({public_url(self.query_url)!r})"

    # ------------------------------------------------------------ connection

    def auth(self) -> httpx.Auth | None:
        """The configured authentication: bearer token, or user and password."""
        s = self.settings
        if s.store_token is not None:
            return _Bearer(s.store_token.get_secret_value())
        if s.store_user is not None:
            password = s.store_password.get_secret_value() if s.store_password else ""
            if s.store_auth_scheme == "digest":
                return httpx.DigestAuth(s.store_user, password)
            return httpx.BasicAuth(s.store_user, password)
        return None

    def timeout(self, read: float | None = None) -> httpx.Timeout:
        """Connect within ``store_connect_timeout``; read and write within ``read`` (the query limit)."""
        limit = read if read is not None else self.query_timeout
        return httpx.Timeout(limit, connect=self.settings.store_connect_timeout, pool=limit)

    def client(self) -> httpx.Client:
        """The pooled client, created on first use."""
        with self._lock:
            if self._client is None:
                n = self.settings.store_connections
                self._client = httpx.Client(
                    auth=self.auth(), timeout=self.timeout(),
                    limits=httpx.Limits(max_connections=n, max_keepalive_connections=n),
                    headers={"User-Agent": "sahel-kg"},
                )
            return self._client

    def close(self) -> None:
        """Close the pooled connections."""
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    # ------------------------------------------------------------ datasets

    def graphs(self) -> list[str]:
        """The store's named graphs (cached for :data:`GRAPHS_TTL` seconds)."""
        cached = self._graphs
        if cached is not None and time.monotonic() - cached[0] < GRAPHS_TTL:
            return cached[1]
        import pyoxigraph

        from sahel_kg.rdf.oxigraph_types import solutions

        body = self.query_bytes(GRAPHS_QUERY, [], JSON_RESULTS, union=False)
        found = solutions(pyoxigraph.parse_query_results(body, pyoxigraph.QueryResultsFormat.JSON))
        names = [s["g"].value for s in found]
        self._graphs = (time.monotonic(), names)
        return names

    def union_params(self) -> list[tuple[str, str]]:
        """Request parameters that make the default graph the union of all named graphs.

        ``native``: none (the engine's default graph already is the union);
        ``parameter``: Oxigraph's ``union-default-graph``; ``dataset``: every
        named graph as ``default-graph-uri`` and as ``named-graph-uri``
        (standard SPARQL 1.1 Protocol, so ``GRAPH ?g`` still sees them all).
        """
        if self.union == "parameter":
            return [("union-default-graph", "")]
        if self.union == "dataset":
            graphs = self.graphs()
            return [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]
        return []

    # ------------------------------------------------------------ queries

    @contextmanager
    def open_query(self, query: str, params: list[tuple[str, str]], accept: str,
                   *, timeout: float | None = None) -> Iterator[httpx.Response]:
        """POST a query and yield the (streamed, unread) response; transport errors become
        :class:`StoreUnavailable`, a time-out :class:`StoreTimeout`."""
        request = self.client().build_request(
            "POST", self.query_url, data={"query": query, **_multi(params)},
            headers={"Accept": accept}, timeout=self.timeout(timeout),
        )
        with translate_errors(self.query_url, timeout or self.query_timeout):
            response = self.client().send(request, stream=True)
        try:
            yield response
        finally:
            response.close()

    def query_bytes(self, query: str, params: list[tuple[str, str]] | None, accept: str,
                    *, union: bool = True) -> bytes:
        """The whole body of a successful query; any other answer is :class:`StoreUnavailable` (502)."""
        all_params = (self.union_params() if union else []) + list(params or [])
        with self.open_query(query, all_params, accept) as response:
            with translate_errors(self.query_url, self.query_timeout):
                body = response.read()
            if response.status_code != 200:
                raise StoreUnavailable(502, "the SPARQL store refused a query: "
                                       f"{response.status_code} {store_message(body)}")
            return body


def _multi(params: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Repeated parameters as httpx wants them in a form body."""
    out: dict[str, list[str]] = {}
    for key, value in params:
        out.setdefault(key, []).append(value)
    return out


def store_message(body: bytes, limit: int = 2000) -> str:
    """The store's error text, trimmed.

    >>> store_message(b"error at 1:3: expected }\\n")
    'error at 1:3: expected }'
    """
    text = body.decode("utf-8", "replace").strip()
    return text if len(text) <= limit else text[:limit] + "…"


@contextmanager
def translate_errors(url: str, limit: float) -> Iterator[None]:
    """Map httpx failures to what our clients are told (the store's address stays in the log)."""
    try:
        yield
    except (httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        log.warning("SPARQL store %s: no connection in time: %r", public_url(url), exc)
        raise StoreUnavailable(504, "the SPARQL store did not accept a connection in time; "
                               "try again shortly") from None
    except httpx.TimeoutException as exc:
        log.warning("SPARQL store %s: no answer in time: %r", public_url(url), exc)
        raise StoreTimeout(504, f"the SPARQL store did not answer within {limit:g} s") from None
    except httpx.HTTPError as exc:
        log.warning("SPARQL store %s unreachable: %r", public_url(url), exc)
        raise StoreUnavailable(502, "the SPARQL store cannot be reached; try again shortly") from None


class _Bearer(httpx.Auth):
    """``Authorization: Bearer <token>`` on every request."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


class ResponseReader(io.RawIOBase):
    """A streamed httpx response as a binary file object, for pyoxigraph's parsers."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._pending = chunks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        with memoryview(buffer) as view, view.cast("B") as out:  # released before the caller resizes it
            n = min(len(out), len(self._pending))
            out[:n], self._pending = self._pending[:n], self._pending[n:]
        return n
