"""The query page: ``/query`` (and ``/sparql`` when a browser asks for HTML) evaluates and shows a query.

A short query is in the URL (``?query=``, with ``view``, ``page`` and
``types``), so its result is a permalink; the page POSTs a long one (a URL
past :data:`~sahel_kg.pages.results.LONG_URL` characters may be refused 414),
and ``/q/{id}`` (:mod:`sahel_kg.web.routes.short_links`) names either. :func:`results_page` evaluates
the query and reads the rows of the page shown; :mod:`sahel_kg.pages.results`
builds the view. ``/query/terms.json`` lists the terms the editor completes.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from sahel_kg.links import Links
from sahel_kg.pages.completion import completion_document
from sahel_kg.pages.examples import example_queries
from sahel_kg.pages.result_views import VIEWS
from sahel_kg.pages.results import ResultsView, default_query, error_view, query_page_html, view_of
from sahel_kg.query.evaluation import PAGE_FORMAT, TRUNCATED_HEADER
from sahel_kg.query.runners import Runner
from sahel_kg.settings import Settings
from sahel_kg.store.backend import GraphBackend
from sahel_kg.store.ondisk import ServedStore
from sahel_kg.web.deps import BackendDep, RunnerDep, SettingsDep, StoreDep
from sahel_kg.web.observability import note_query
from sahel_kg.web.sparql_request import (
    ProtocolError,
    ProtocolRequest,
    job_for,
    read_request_query_safely,
    refuse_service,
)

router = APIRouter()

#: Deepest page of a result the table pages to (each page re-reads the rows before it).
MAX_PAGE = 1000


@dataclass(frozen=True)
class PageAsk:
    """What the page is asked to show of a query: a view (None: chosen from the result), a page,
    datatypes, and the chart's kind (bars unless ``line``)."""

    view: str | None = None
    page: int = 1
    types: bool = False
    line: bool = False


def page_ask(view: str | None, page: str | int | None, types: str | None, chart: str | None = None) -> PageAsk:
    """The page's parameters, each read leniently: an unknown view or a bad page number falls back."""
    try:
        number = min(max(int(page or 1), 1), MAX_PAGE)
    except ValueError:
        number = 1
    return PageAsk(view if view in VIEWS else None, number, types in ("1", "true", "on", "yes"), chart == "line")


async def evaluate_for_page(store: ServedStore, settings: Settings, req: ProtocolRequest, runner: Runner,
                            backend: GraphBackend, ask: PageAsk = PageAsk()) -> tuple[ResultsView, int]:
    """Run the query through the runner (time limit, row cap) and build the view of the page asked."""
    started = time.perf_counter()
    size = settings.html_row_limit
    try:  # the rows up to the page's end, and one more to tell whether a next page exists
        job = job_for(req, settings, format=PAGE_FORMAT, row_limit=ask.page * size + 1)
    except ProtocolError as exc:
        return error_view(req.query or "", exc.message), exc.status
    head, body = await runner.collect(store, job)
    dataset = (req.query or "", req.default_graphs, req.named_graphs)
    view = await asyncio.to_thread(view_of, backend, Links(settings.public_base_url), size,
                                    dataset, head, body, page=ask.page, asked_view=ask.view)
    view.elapsed_ms = (time.perf_counter() - started) * 1000
    # the query ran, but the page asked for lies past its end (pages.results.past_the_end)
    return view, 404 if view.error and head.status == 200 else head.status


def render(request: Request, query: str, results: ResultsView | None, status: int = 200,
           ask: PageAsk = PageAsk()) -> HTMLResponse:
    """The page with the editor holding ``query`` and, if run, its results."""
    html = query_page_html(query, results, show_types=ask.types, line_chart=ask.line)
    return HTMLResponse(html, status, headers={"Vary": "Accept"})


def editor_page(request: Request, settings: Settings, query: str | None) -> HTMLResponse:
    """The editor, without results."""
    return render(request, query or default_query(), None)


async def results_page(request: Request, store: ServedStore, settings: Settings, req: ProtocolRequest,
                       runner: Runner, ask: PageAsk = PageAsk()) -> HTMLResponse:
    """The editor with the query's results (the error's status and message on an error)."""
    view, status = await evaluate_for_page(store, settings, req, runner, request.app.state.backend, ask)
    response = render(request, req.query or "", view, status, ask)
    if view.truncated:
        response.headers[TRUNCATED_HEADER] = str(settings.html_row_limit)
    return response


async def run_query_page(request: Request, settings: Settings, store: ServedStore, runner: Runner,
                         query: str, ask: PageAsk) -> HTMLResponse:
    """Check the query (size, SERVICE), then show it with its results; a refusal shows its status and message."""
    base_iri = str(request.url_for("sparql"))
    note_query(request, query)
    try:
        text = await read_request_query_safely(ProtocolRequest(query=query), settings)
        refuse_service(request, settings, query, text)
    except ProtocolError as exc:
        return render(request, query, error_view(query, exc.message), exc.status, ask)
    return await results_page(request, store, settings, ProtocolRequest(query=query, base_iri=base_iri), runner, ask)


@router.get("/query", name="query_page", response_class=HTMLResponse)
async def query_page(
    request: Request, settings: SettingsDep, store: StoreDep, runner: RunnerDep,
    query: Annotated[str | None, Query(description="SPARQL query to run and show")] = None,
    example: Annotated[str | None, Query(description="slug of an example query to load")] = None,
    view: Annotated[str | None, Query(description="result view: table, map, timeline or chart")] = None,
    page: Annotated[str | None, Query(description="page of the results table, from 1")] = None,
    types: Annotated[str | None, Query(description="1 to show each value's datatype or language")] = None,
    chart: Annotated[str | None, Query(description="'line' to draw the chart as a line, not bars")] = None,
) -> HTMLResponse:
    """The query page; with ``query`` it also shows the results."""
    if query is None:
        chosen = {e.slug: e.sparql for e in example_queries()}.get(example or "")
        return editor_page(request, settings, chosen)
    return await run_query_page(request, settings, store, runner, query, page_ask(view, page, types, chart))


@router.post("/query", name="query_page_post", response_class=HTMLResponse)
async def query_page_post(request: Request, settings: SettingsDep, store: StoreDep,
                          runner: RunnerDep) -> HTMLResponse:
    """The same page for a query sent as a form (``application/x-www-form-urlencoded``): no URL length limit."""
    try:
        fields = dict(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        return render(request, "", ResultsView(error="the form is not UTF-8 text"), 400)
    query = fields.get("query")
    if not query:
        return render(request, default_query(), ResultsView(error="no query was sent: type one and run it"), 400)
    ask = page_ask(fields.get("view"), fields.get("page"), fields.get("types"), fields.get("chart"))
    return await run_query_page(request, settings, store, runner, query, ask)


@router.get("/query/terms.json", name="query_terms")
async def query_terms(backend: BackendDep) -> JSONResponse:
    """The terms the editor completes: ``{"prefixes": {...}, "terms": [{curie, iri, kind, label, comment}]}``."""
    document = await asyncio.to_thread(completion_document, backend)
    return JSONResponse(document, headers={"Cache-Control": "public, max-age=300"})
