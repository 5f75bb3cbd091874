"""The query page's content: the editor's default text and a result as plain rows and cells.

Templates get plain view objects (:class:`ResultsView`, :class:`Cell`), never
RDF terms; :func:`query_page_html` renders them with the pages' one Jinja
environment. The route that evaluates the query is
:mod:`sahel_kg.web.routes.query_page`.

>>> links = Links("http://localhost:8000/")
>>> cell_for(pyoxigraph.NamedNode("https://w3id.org/sahel-harm/id/place/kidal"), links, {})
Cell(text='place:kidal', href='http://localhost:8000/id/place/kidal', label=None, note=None, kind='iri')
>>> cell_for(pyoxigraph.Literal("19", datatype=pyoxigraph.NamedNode(PREFIXES["xsd"] + "integer")), links, {})
Cell(text='19', href=None, label=None, note='xsd:integer', kind='literal')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph

from sahel_kg.labels import LABEL_PROPS, best_label
from sahel_kg.links import QUERY, Links
from sahel_kg.namespaces import PREFIXES, compact
from sahel_kg.pages.examples import example_groups, example_queries
from sahel_kg.pages.render import render
from sahel_kg.pages.result_views import chart_leaves_rows_out, chosen_view, suitable_views
from sahel_kg.query.evaluation import TRUNCATED_HEADER, Head, kind_of
from sahel_kg.rdf.formats import HTML, OFFERS, Kind
from sahel_kg.rdf.oxigraph_types import value_of
from sahel_kg.store.backend import GraphBackend

XSD_STRING = PREFIXES["xsd"] + "string"
DEFAULT_BODY = """SELECT ?claim ?speaker ?source WHERE {
  ?claim a shg:Claim ;
         prov:wasAttributedTo ?speaker ;
         prov:wasDerivedFrom ?source .
}
LIMIT 50"""


#: A parser error's position as the engine writes it (``error at 3:8: ...``), line and column from 1.
ERROR_AT = re.compile(r"error at (\d+):(\d+)")
PREFIXED = re.compile(r"(?<![\w<:?$\\])([A-Za-z][\w.-]*):(?=[\w%\\]|\s|$)")
#: A URL longer than this is refused (414) by some servers and proxies: the page POSTs such queries.
LONG_URL = 2000


def used_prefixes(body: str) -> list[str]:
    """Our prefixes that ``body`` writes names with and does not declare, in first-use order.

    >>> used_prefixes("SELECT ?c WHERE { ?c a shg:Claim ; prov:wasAttributedTo <http://x/y> }")
    ['shg', 'prov']
    """
    declared = set(re.findall(r"PREFIX\s+([\w.-]*):", body, re.IGNORECASE))
    found: list[str] = []
    for name in PREFIXED.findall(re.sub(r"<[^>\s]*>|\"[^\"\n]*\"|#[^\n]*", " ", body)):
        if name in PREFIXES and name not in declared and name not in found:
            found.append(name)
    return found


def with_prefixes(body: str) -> str:
    """``body`` with a PREFIX line for each of our prefixes it uses (the server predeclares them all,
    but a query copied elsewhere then still runs)."""
    lines = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in used_prefixes(body)]
    return "\n".join(lines) + "\n\n" + body if lines else body


def default_query() -> str:
    """What the editor holds before anything is typed: the prefixes it uses, then a query."""
    return with_prefixes(DEFAULT_BODY)


def error_position(query: str, message: str) -> tuple[int, int, str] | None:
    """Line, column and the text of that line, for a parser error that names its position.

    >>> error_position("SELECT *\\nWHERE { ?s ?p }", "SPARQL syntax error: error at 2:15: expected")
    (2, 15, 'WHERE { ?s ?p }')
    """
    found = ERROR_AT.search(message)
    if found is None:
        return None
    line, column = int(found[1]), int(found[2])
    lines = query.split("\n")
    return line, column, lines[line - 1] if 0 < line <= len(lines) else ""


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
    """A link to the same result in a data format; ``fields`` are the same request as a form to POST
    to ``/sparql``, for a query too long for a URL."""

    label: str
    href: str
    fields: tuple[tuple[str, str], ...] = ()


@dataclass
class ResultsView:
    """Everything the results part of the page shows."""

    kind: Kind | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell | None]] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False
    error: str | None = None
    error_at: tuple[int, int, str] | None = None  # line, column, the line's text
    downloads: list[Download] = field(default_factory=list)
    elapsed_ms: float = 0.0
    page: int = 1
    first_row: int = 1  # number of the first row shown, from 1
    views: list[str] = field(default_factory=lambda: ["table"])
    view: str = "table"


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


def _rows(result: pyoxigraph.QuerySolutions | list[pyoxigraph.Quad],
          limit: int, skip: int = 0) -> tuple[list[str], list[list[object]], bool, int]:
    """Column names, ``limit`` rows of terms after the first ``skip``, whether there were more, and how many
    rows were read (the result's length when the page is past its end)."""
    if isinstance(result, pyoxigraph.QuerySolutions):
        columns = [v.value for v in result.variables]
        every: Iterator[list[object]] = ([solution[c] for c in columns] for solution in result)
    else:
        columns = ["subject", "predicate", "object"]
        every = ([t.subject, t.predicate, t.object] for t in result)
    rows: list[list[object]] = []
    read = 0
    for read, row in enumerate(every, start=1):
        if read <= skip:
            continue
        if len(rows) == limit:
            return columns, rows, True, read
        rows.append(row)
    return columns, rows, False, read


def fetch_labels(backend: GraphBackend, iris: set[str]) -> dict[str, str]:
    """The label of each IRI that has one, by the one label rule (:func:`sahel_kg.labels.best_label`)."""
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in iris if ">" not in i)
    props = " ".join(f"<{p}>" for p in LABEL_PROPS)
    query = f"SELECT ?s ?p ?l WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {props} }} ?s ?p ?l }}"
    found: dict[str, list[tuple[str, str, str | None]]] = {}
    for solution in backend.select(query):
        literal = solution["l"]
        found.setdefault(value_of(solution["s"]), []).append(
            (value_of(solution["p"]), value_of(literal), getattr(literal, "language", None)))
    return {iri: label[0] for iri, triples in found.items() if (label := best_label(triples))}


def downloads(query: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...], kind: Kind) -> list[Download]:
    """Links to the query's result in every data format of its kind."""
    base = [("query", query)]
    base += [("default-graph-uri", g) for g in default_graphs]
    base += [("named-graph-uri", g) for g in named_graphs]
    return [Download(o.label, "/sparql?" + urlencode([*base, ("format", o.name)]), (*base, ("format", o.name)))
            for o in OFFERS[kind] if o is not HTML]


#: A result as the page reads it back: solutions, a boolean, or a graph's statements (as quads).
PageResult = pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | list[pyoxigraph.Quad]


def parse_page_result(head: Head, body: bytes) -> PageResult:
    """The result a worker sent in a page format, read back by pyoxigraph."""
    media = head.media_type.split(";")[0].strip()
    if media == pyoxigraph.RdfFormat.N_TRIPLES.media_type:
        return list(pyoxigraph.parse(body, pyoxigraph.RdfFormat.N_TRIPLES))
    fmt = pyoxigraph.QueryResultsFormat.from_media_type(media)
    assert fmt is not None, media
    return pyoxigraph.parse_query_results(body, fmt)


def error_view(query: str, message: str) -> ResultsView:
    """The view of a refused or failed query: its message, and where in the query the parser stopped."""
    return ResultsView(error=message, error_at=error_position(query, message))


def past_the_end(query: str, page: int, rows: int, row_limit: int) -> ResultsView:
    """The view of a page number beyond the result's last page (a stale or edited link): says where it ends."""
    last = max(1, -(-rows // row_limit))
    return ResultsView(error=f"page {page} is past the end of this result: it has {rows} rows, {row_limit} a page, "
                             f"so its last page is {last}", page=page)


def view_of(backend: GraphBackend, links: Links, row_limit: int, dataset: tuple[str, tuple[str, ...], tuple[str, ...]],
            head: Head, body: bytes, *, page: int = 1, asked_view: str | None = None) -> ResultsView:
    """The view of one page of a result evaluated elsewhere (``row_limit`` rows a page, pages from 1).

    ``dataset``: the query and its default and named graph IRIs, for the download links.
    ``asked_view``: the view the URL names (table, map, timeline, chart), if any.
    The result must hold the rows up to the page's end and one more, which tells there is a next page.
    """
    if head.status != 200:
        return error_view(dataset[0], body.decode("utf-8", "replace").strip())
    result = parse_page_result(head, body)
    kind = kind_of(result)
    view = ResultsView(kind=kind, downloads=downloads(*dataset, kind), page=page)
    if isinstance(result, pyoxigraph.QueryBoolean):  # kind "boolean"
        view.boolean = bool(result)
        return view
    skip = (page - 1) * row_limit
    view.columns, terms, more, read = _rows(result, row_limit, skip)
    if page > 1 and not terms:
        return past_the_end(dataset[0], page, read, row_limit)
    view.truncated = more or TRUNCATED_HEADER in head.headers and len(terms) == row_limit
    view.first_row = skip + 1
    iris = {t.value for row in terms for t in row if isinstance(t, pyoxigraph.NamedNode)}
    labels = fetch_labels(backend, iris)
    view.rows = [[cell_for(t, links, labels) if t is not None else None for t in row] for row in terms]
    view.views = suitable_views(view.columns, view.rows)
    view.view = chosen_view(asked_view, view.views, partial_chart=chart_leaves_rows_out(view.columns, view.rows))
    return view


def page_link(query: str, **params: str | int) -> str:
    """The query page's URL for ``query`` with these parameters (``view``, ``page``, ``types``)."""
    return f"{QUERY}?" + urlencode([("query", query), *((k, str(v)) for k, v in params.items() if v)])


def query_page_html(query: str, results: ResultsView | None, *, show_types: bool = False,
                    line_chart: bool = False) -> str:
    """The page with the editor holding ``query`` and, if run, its results.

    ``show_types``: print each literal's datatype or language under it.
    ``line_chart``: the chart view draws a line, not bars.
    """
    return render("query.html", query=query, results=results, show_types=show_types, line_chart=line_chart,
                  groups=example_groups(), long_url=LONG_URL, page_link=page_link,
                  example_links={e.slug: page_link(e.sparql) for e in example_queries()},
                  prefixes=PREFIXES)
