"""The query page: an editor, example queries, and results as an HTML table.

Served at ``/query`` and at ``/sparql`` when a browser asks for HTML. The
query is always in the URL (``?query=``), so every result is a permalink.
Templates get plain view objects (:class:`ResultsView`, :class:`Cell`), never
RDF terms. :func:`results_page` evaluates the query and reads every row it
shows on the one thread it is called on.

>>> s = Settings(root=Path("/p"))
>>> cell_for(pyoxigraph.NamedNode("https://w3id.org/sahel-harm/id/place/kidal"), s, {})
Cell(text='place:kidal', href='http://localhost:8000/id/place/kidal', label=None, note=None, kind='iri')
>>> cell_for(pyoxigraph.Literal("19", datatype=pyoxigraph.NamedNode(PREFIXES["xsd"] + "integer")), s, {})
Cell(text='19', href=None, label=None, note='xsd:integer', kind='literal')
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

import pyoxigraph
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from .data_status import current_summary
from .example_queries import example_queries
from .namespaces import PREFIXES, compact
from .negotiation import OFFERS, HTML, Kind
from .links import Links
from .settings import Settings
from .deps import RunnerDep, SettingsDep, StoreDep
from .evaluation import PAGE_FORMAT, TRUNCATED_HEADER, Head, kind_of
from .observability import note_query
from .runners import Runner
from .sparql_protocol import (
    ProtocolError, ProtocolRequest, job_for, read_request_query_safely, refuse_service,
)
from .backend import GraphBackend
from .store import ServedStore

router = APIRouter()
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["data_status"] = current_summary  # the stale-data banner of base.html

XSD_STRING = PREFIXES["xsd"] + "string"
LABEL_PROPERTIES = (PREFIXES["skos"] + "prefLabel", PREFIXES["rdfs"] + "label")
DEFAULT_BODY = """SELECT ?claim ?speaker ?source WHERE {
  ?claim a shg:Claim ;
         prov:wasAttributedTo ?speaker ;
         prov:wasDerivedFrom ?source .
}
LIMIT 50"""


def default_query() -> str:
    """What the editor holds before anything is typed: every prefix, then a query."""
    return "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + "\n\n" + DEFAULT_BODY


@dataclass(frozen=True)
class Cell:
    """One value of a results table, ready to show."""

    text: str
    href: str | None = None
    label: str | None = None
    note: str | None = None  # language tag or datatype
    kind: str = "literal"  # iri, bnode, literal, triple


@dataclass(frozen=True)
class Download:
    """A link to the same result in a data format."""

    label: str
    href: str


@dataclass
class ResultsView:
    """Everything the results part of the page shows."""

    kind: Kind | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell | None]] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False
    error: str | None = None
    downloads: list[Download] = field(default_factory=list)
    elapsed_ms: float = 0.0


def cell_for(term: object, links: Links, labels: dict[str, str]) -> Cell:
    """The view of one RDF term."""
    if isinstance(term, pyoxigraph.NamedNode):
        return Cell(compact(term.value), links.local_url(term.value), labels.get(term.value), kind="iri")
    if isinstance(term, pyoxigraph.BlankNode):
        return Cell(f"_:{term.value}", kind="bnode")
    if isinstance(term, pyoxigraph.Literal):
        note = f"@{term.language}" if term.language else None
        if note is None and term.datatype.value != XSD_STRING:
            note = compact(term.datatype.value)
        return Cell(term.value, note=note)
    return Cell(str(term), kind="triple")


def _rows(result: object, limit: int) -> tuple[list[str], list[list[object]], bool]:
    """Column names, the first ``limit`` rows of terms, and whether there were more."""
    if isinstance(result, pyoxigraph.QuerySolutions):
        columns = [v.value for v in result.variables]
        rows: list[list[object]] = []
        for solution in result:
            if len(rows) == limit:
                return columns, rows, True
            rows.append([solution[c] for c in columns])
        return columns, rows, False
    rows = []
    for triple in result:  # type: ignore[attr-defined]
        if len(rows) == limit:
            return ["subject", "predicate", "object"], rows, True
        rows.append([triple.subject, triple.predicate, triple.object])
    return ["subject", "predicate", "object"], rows, False


def fetch_labels(backend: GraphBackend, iris: set[str]) -> dict[str, str]:
    """An English (or untagged, or any) label for each IRI that has one."""
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in iris if ">" not in i)
    query = (f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ <{LABEL_PROPERTIES[0]}> "
             f"<{LABEL_PROPERTIES[1]}> }} ?s ?p ?l }}")
    labels: dict[str, tuple[int, str]] = {}
    for solution in backend.select(query):
        literal = solution["l"]
        rank = {"en": 0, None: 1}.get(getattr(literal, "language", None), 2)
        iri = solution["s"].value
        if iri not in labels or rank < labels[iri][0]:
            labels[iri] = (rank, literal.value)
    return {iri: label for iri, (_, label) in labels.items()}


def downloads(req: ProtocolRequest, kind: Kind) -> list[Download]:
    """Links to the query's result in every data format of its kind."""
    base = [("query", req.query or "")]
    base += [("default-graph-uri", g) for g in req.default_graphs]
    base += [("named-graph-uri", g) for g in req.named_graphs]
    return [Download(o.label, "/sparql?" + urlencode([*base, ("format", o.name)]))
            for o in OFFERS[kind] if o is not HTML]


def parse_page_result(head: Head, body: bytes) -> object:
    """The result a worker sent in a page format, read back by pyoxigraph."""
    media = head.media_type.split(";")[0].strip()
    if media == pyoxigraph.RdfFormat.N_TRIPLES.media_type:
        return list(pyoxigraph.parse(body, pyoxigraph.RdfFormat.N_TRIPLES))
    fmt = pyoxigraph.QueryResultsFormat.from_media_type(media)
    assert fmt is not None, media
    return pyoxigraph.parse_query_results(body, fmt)


def view_of(backend: GraphBackend, links: Links, row_limit: int, req: ProtocolRequest, head: Head,
            body: bytes) -> ResultsView:
    """The view of a result evaluated elsewhere (its rows capped at ``row_limit``)."""
    if head.status != 200:
        return ResultsView(error=body.decode("utf-8", "replace").strip())
    result = parse_page_result(head, body)
    kind = kind_of(result)
    view = ResultsView(kind=kind, downloads=downloads(req, kind))
    if kind == "boolean":
        view.boolean = bool(result)
        return view
    view.columns, terms, _ = _rows(result, row_limit)
    view.truncated = TRUNCATED_HEADER in head.headers
    iris = {t.value for row in terms for t in row if isinstance(t, pyoxigraph.NamedNode)}
    labels = fetch_labels(backend, iris)
    view.rows = [[cell_for(t, links, labels) if t is not None else None for t in row] for row in terms]
    return view


async def evaluate_for_page(store: ServedStore, settings: Settings, req: ProtocolRequest, runner: Runner,
                            backend: GraphBackend) -> tuple[ResultsView, int]:
    """Run the query through the runner (time limit, row cap) and build the view."""
    started = time.perf_counter()
    try:
        job = job_for(req, settings, format=PAGE_FORMAT, row_limit=settings.html_row_limit)
    except ProtocolError as exc:
        return ResultsView(error=exc.message), exc.status
    head, body = await runner.collect(store, job)
    view = await asyncio.to_thread(view_of, backend, Links(settings.public_base_url), settings.html_row_limit,
                                    req, head, body)
    view.elapsed_ms = (time.perf_counter() - started) * 1000
    return view, head.status


def render(request: Request, query: str, results: ResultsView | None, status: int = 200) -> HTMLResponse:
    """The page with the editor holding ``query`` and, if run, its results."""
    context = {
        "query": query, "results": results, "examples": example_queries(),
        "example_links": {e.slug: "/query?" + urlencode({"query": e.sparql}) for e in example_queries()},
        "prefixes": PREFIXES,
    }
    response = templates.TemplateResponse(request, "query.html", context, status_code=status)
    response.headers["Vary"] = "Accept"
    return response  # type: ignore[return-value]


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
