"""Access log, metrics and health: what an operator sees of the server.

- Every request is logged as one JSON line on the ``sahel_kg.access`` logger:
  method, path (without its query string), route, status, duration, and for
  SPARQL requests the first 16 hex digits of the query's SHA-256 — never the
  query text and never the client's address.
- ``/-/metrics``: the Prometheus text format — requests by route and status,
  a latency histogram by route, query timeouts, rejections by reason
  (saturated, 413, 414, 431) and refused SERVICE calls.
- ``/-/health``: the store answers a cheap ASK, and the query workers' state.

>>> m = Metrics()
>>> m.inc("sahel_query_timeouts_total")
>>> m.observe("/sparql", 0.02)
>>> text = m.render()
>>> "sahel_query_timeouts_total 1" in text, 'sahel_request_duration_seconds_bucket{route="/sparql",le="0.025"} 1' in text
(True, True)
>>> query_digest("ASK {}") == query_digest("ASK {}"), len(query_digest("ASK {}"))
(True, 16)
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Scope

from sahel_kg.metrics import Metrics

access_log = logging.getLogger("sahel_kg.access")
router = APIRouter()


def query_digest(query: str) -> str:
    """A short, stable fingerprint of a query for logs (not reversible in practice)."""
    return hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def configure_access_log(stream: Any = None) -> None:
    """Send the access log's JSON lines to stderr (once), unless already configured."""
    if access_log.handlers:
        return
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access_log.addHandler(handler)
    access_log.setLevel(logging.INFO)
    access_log.propagate = False


def route_of(scope: Scope) -> str:
    """The matched route's path template, so metrics have few distinct labels."""
    route = scope.get("route")
    path = getattr(route, "path", None) or getattr(route, "path_format", None)
    if path:
        return str(path)
    raw = scope.get("path", "")
    if scope.get("endpoint") is not None:  # a plain Starlette route (``/sparql``): no path parameters
        return str(raw)
    return "/static" if raw.startswith("/static/") else "(unmatched)"


def record_request(metrics: Metrics, scope: Scope, status: int, seconds: float) -> None:
    """Count one answered request and write its access log line."""
    route = route_of(scope)
    metrics.inc("sahel_requests_total", route=route, status=str(status))
    metrics.observe(route, seconds)
    if access_log.isEnabledFor(logging.INFO):
        entry: dict[str, Any] = {
            "ts": round(time.time(), 3), "method": scope.get("method"), "path": scope.get("path"),
            "route": route, "status": status, "ms": round(seconds * 1000, 2),
        }
        digest = scope.get("state", {}).get("query_sha")
        if digest:
            entry["query_sha256"] = digest
        access_log.info(json.dumps(entry, separators=(",", ":")))


def note_query(request: Request, query: str) -> None:
    """Let the access log name this request's query by its digest."""
    request.state.query_sha = query_digest(query)


@router.get("/-/metrics", name="metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus metrics."""
    body = request.app.state.metrics.render()
    return PlainTextResponse(body, media_type="text/plain; version=0.0.4; charset=utf-8")


def _store_answers(backend: Any) -> bool:
    return bool(backend.ask("ASK { ?s ?p ?o }"))


@router.get("/-/health", name="health", include_in_schema=False)
async def health(request: Request) -> Response:
    """Whether the store answers and the query workers are up (503 when not), and whether the
    store is the build of the project's files as they are now (``data``, see :mod:`data_status`)."""
    state = request.app.state
    try:
        has_data = await asyncio.to_thread(_store_answers, state.backend)
        store_ok = True
    except Exception:  # a broken store is what this reports
        has_data, store_ok = False, False
    workers = state.runner.state()
    ok = store_ok and bool(workers.get("ready", 1))
    store: dict[str, object] = {"open": store_ok, "has_data": has_data}
    if hasattr(state.store, "query_url"):  # an external store (its address stays private)
        store.update(kind="remote", reachable=store_ok)
    data = await asyncio.to_thread(state.data_status.summary) if hasattr(state, "data_status") else None
    # A stale store still answers: health stays 200 and says so, for people, not for restarts.
    cache = getattr(state, "response_cache", None)
    body = {"status": "ok" if ok else "unavailable", "store": store, "workers": workers, "data": data,
            "response_cache": cache.summary() if cache is not None else None}
    return JSONResponse(body, 200 if ok else 503, headers={"Cache-Control": "no-store"})
