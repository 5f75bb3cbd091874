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

from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph

from sahel_kg.labels import LABEL_PROPS, best_label
from sahel_kg.links import QUERY, Links
from sahel_kg.namespaces import PREFIXES, compact
from sahel_kg.pages.examples import example_queries
from sahel_kg.pages.render import render
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


def _rows(result: pyoxigraph.QuerySolutions | list[pyoxigraph.Quad],
          limit: int) -> tuple[list[str], list[list[object]], bool]:
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
    for triple in result:
        if len(rows) == limit:
            return ["subject", "predicate", "object"], rows, True
        rows.append([triple.subject, triple.predicate, triple.object])
    return ["subject", "predicate", "object"], rows, False


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
    return [Download(o.label, "/sparql?" + urlencode([*base, ("format", o.name)]))
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


def view_of(backend: GraphBackend, links: Links, row_limit: int, dataset: tuple[str, tuple[str, ...], tuple[str, ...]],
            head: Head, body: bytes) -> ResultsView:
    """The view of a result evaluated elsewhere (its rows capped at ``row_limit``).

    ``dataset``: the query and its default and named graph IRIs, for the download links.
    """
    if head.status != 200:
        return ResultsView(error=body.decode("utf-8", "replace").strip())
    result = parse_page_result(head, body)
    kind = kind_of(result)
    view = ResultsView(kind=kind, downloads=downloads(*dataset, kind))
    if isinstance(result, pyoxigraph.QueryBoolean):  # kind "boolean"
        view.boolean = bool(result)
        return view
    view.columns, terms, _ = _rows(result, row_limit)
    view.truncated = TRUNCATED_HEADER in head.headers
    iris = {t.value for row in terms for t in row if isinstance(t, pyoxigraph.NamedNode)}
    labels = fetch_labels(backend, iris)
    view.rows = [[cell_for(t, links, labels) if t is not None else None for t in row] for row in terms]
    return view


def query_page_html(query: str, results: ResultsView | None) -> str:
    """The page with the editor holding ``query`` and, if run, its results."""
    return render("query.html", query=query, results=results, examples=example_queries(),
                  example_links={e.slug: f"{QUERY}?" + urlencode({"query": e.sparql}) for e in example_queries()},
                  prefixes=PREFIXES)
