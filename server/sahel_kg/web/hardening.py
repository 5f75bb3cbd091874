"""Wiring the protections into an app: the query runner, limits, headers, logs.

:func:`install` is called by :func:`sahel_kg.app.create_app`. The runner is
chosen explicitly: with ``store_dir`` (the app serves an on-disk store and
knows where it is) queries run in worker processes that are killed on their
time limit (:class:`~sahel_kg.query.processes.ProcessRunner`); without it (an
in-memory store, as in most tests) on threads
(:class:`~sahel_kg.query.runners.ThreadRunner`), whose time limit answers the
client but cannot stop pyoxigraph.

>>> import pyoxigraph
>>> from fastapi import FastAPI
>>> app = FastAPI()
>>> install(app, Settings(root=Path("/nowhere")), store_dir=None)
>>> type(app.state.runner).__name__, app.url_path_for("health")
('ThreadRunner', '/-/health')
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from sahel_kg.metrics import Metrics
from sahel_kg.query.runners import Runner, ThreadRunner
from sahel_kg.settings import Settings
from sahel_kg.web import observability
from sahel_kg.web.headers import plain_500
from sahel_kg.web.middleware import Edge
from sahel_kg.web.response_cache import ResponseCache


def make_runner(settings: Settings, store_dir: Path | None, metrics: Metrics, *, remote: bool = False) -> Runner:
    """Worker processes over ``store_dir`` when given, else threads; for an external
    store, threads that forward each query to it (:func:`sahel_kg.query.forwarding.forward`)."""
    if remote:
        from sahel_kg.query.forwarding import forward

        return ThreadRunner(settings, metrics, evaluator=forward, kind="remote")
    if store_dir is None:
        return ThreadRunner(settings, metrics)
    from sahel_kg.query.processes import ProcessRunner

    return ProcessRunner(settings, store_dir, metrics)


def install(app: FastAPI, settings: Settings, *, store_dir: Path | None, remote: bool = False) -> None:
    """Add the runner, the metrics, the response cache, the edge middleware, the catch-all handler
    and /-/ routes."""
    metrics = Metrics()
    app.state.metrics = metrics
    app.state.runner = make_runner(settings, store_dir, metrics, remote=remote)
    app.state.response_cache = ResponseCache(settings.response_cache_bytes) if settings.response_cache_bytes else None
    app.add_middleware(Edge, settings=settings, metrics=metrics, cache=app.state.response_cache)
    app.add_exception_handler(Exception, plain_500)
    app.include_router(observability.router)
