"""The query page: ``/query`` (and ``/sparql`` when a browser asks for HTML) evaluates and shows a query.

The query is always in the URL (``?query=``), so every result is a permalink.
:func:`results_page` evaluates the query and reads every row it shows on the
one thread it is called on; :mod:`sahel_kg.pages.results` builds the view.
"""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from sahel_kg.links import Links
from sahel_kg.pages.examples import example_queries
from sahel_kg.pages.results import ResultsView, default_query, query_page_html, view_of
from sahel_kg.query.evaluation import PAGE_FORMAT, TRUNCATED_HEADER
from sahel_kg.query.runners import Runner
from sahel_kg.settings import Settings
from sahel_kg.store.backend import GraphBackend
from sahel_kg.store.ondisk import ServedStore
from sahel_kg.web.deps import RunnerDep, SettingsDep, StoreDep
from sahel_kg.web.observability import note_query
from sahel_kg.web.sparql_request import (
    ProtocolError,
    ProtocolRequest,
    job_for,
    read_request_query_safely,
    refuse_service,
)

router = APIRouter()

async def evaluate_for_page(store: ServedStore, settings: Settings, req: ProtocolRequest, runner: Runner,
                            backend: GraphBackend) -> tuple[ResultsView, int]:
    """Run the query through the runner (time limit, row cap) and build the view."""
    started = time.perf_counter()
    try:
        job = job_for(req, settings, format=PAGE_FORMAT, row_limit=settings.html_row_limit)
    except ProtocolError as exc:
        return ResultsView(error=exc.message), exc.status
    head, body = await runner.collect(store, job)
    dataset = (req.query or "", req.default_graphs, req.named_graphs)
    view = await asyncio.to_thread(view_of, backend, Links(settings.public_base_url), settings.html_row_limit,
                                    dataset, head, body)
    view.elapsed_ms = (time.perf_counter() - started) * 1000
    return view, head.status


def render(request: Request, query: str, results: ResultsView | None, status: int = 200) -> HTMLResponse:
    """The page with the editor holding ``query`` and, if run, its results."""
    return HTMLResponse(query_page_html(query, results), status, headers={"Vary": "Accept"})


def editor_page(request: Request, settings: Settings, query: str | None) -> HTMLResponse:
    """The editor, without results."""
    return render(request, query or default_query(), None)


async def results_page(request: Request, store: ServedStore, settings: Settings, req: ProtocolRequest,
                       runner: Runner) -> HTMLResponse:
    """The editor with the query's results (the error's status and message on an error)."""
    view, status = await evaluate_for_page(store, settings, req, runner, request.app.state.backend)
    response = render(request, req.query or "", view, status)
    if view.truncated:
        response.headers[TRUNCATED_HEADER] = str(settings.html_row_limit)
    return response


@router.get("/query", name="query_page", response_class=HTMLResponse)
async def query_page(
    request: Request, settings: SettingsDep, store: StoreDep, runner: RunnerDep,
    query: Annotated[str | None, Query(description="SPARQL query to run and show")] = None,
    example: Annotated[str | None, Query(description="slug of an example query to load")] = None,
) -> HTMLResponse:
    """The query page; with ``query`` it also shows the results."""
    if query is None:
        chosen = {e.slug: e.sparql for e in example_queries()}.get(example or "")
        return editor_page(request, settings, chosen)
    base_iri = str(request.url_for("sparql"))
    note_query(request, query)
    try:
        text = await read_request_query_safely(ProtocolRequest(query=query), settings)
        refuse_service(request, settings, query, text)
    except ProtocolError as exc:
        return render(request, query, ResultsView(error=exc.message), exc.status)
    return await results_page(request, store, settings, ProtocolRequest(query=query, base_iri=base_iri), runner)
