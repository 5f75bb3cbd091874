"""Human-readable pages as HTML strings: one Jinja environment, the page of every entity kind.

:func:`entity_page` renders the page of any IRI of ours (or None when the
graph knows nothing about it); the dereferencing routes call it for the HTML
branch, with :func:`not_found_page` and :func:`gone_page` for the rest. Each
page is a view object from :mod:`views`, :mod:`ontology_views` or
:mod:`listing` rendered by an autoescaping Jinja2 template. Nothing here
knows HTTP: the routes (:mod:`sahel_kg.web.routes.pages`) pass in a backend and
:class:`~sahel_kg.links.Links`.

>>> kind_of_types({"https://w3id.org/sahel-harm/ontology/StateForce"})
('actor', 'Actor')
>>> kind_of_types({"http://www.w3.org/2002/07/owl#Class"})
('class', 'Class')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from sahel_kg.links import BROWSE, DUMPS, Links
from sahel_kg.namespaces import BASE, PREFIXES, compact, local_name
from sahel_kg.pages import entities
from sahel_kg.pages import ontology as ov
from sahel_kg.pages import summary as sv
from sahel_kg.pages import views as v
from sahel_kg.pages.lists import SPECS, page_meta
from sahel_kg.pages.resources import facts_from_triples, facts_of, safe_iri
from sahel_kg.rdf.oxigraph_types import value_of
from sahel_kg.store.backend import GraphBackend
from sahel_kg.store.status import current_summary

#: Templates are compiled once: no check of the files for changes at each page.
env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), auto_reload=False,
                  autoescape=select_autoescape(["html", "svg"], default_for_string=True, default=True))


def link_html(link: Any) -> Markup:
    """A link (a :class:`~sahel_kg.pages.views.Link` or a dict with the same keys) as an ``<a>``, escaped.

    The ``link`` filter of the templates, which write the same as the macro
    did: a macro call per link was a fifth of an incident page's rendering.

    >>> str(link_html(v.Link("<b>", "/x?a=1&b=2", "t")))
    '<a href="/x?a=1&amp;b=2" title="t">&lt;b&gt;</a>'
    """
    if not link:
        return Markup("")
    def get(key: str) -> Any:
        return link.get(key) if isinstance(link, dict) else getattr(link, key, None)

    title = f' title="{escape(get("title"))}"' if get("title") else ""
    return Markup(f'<a href="{escape(get("href"))}"{title}>{escape(get("text"))}</a>')


def links_html(items: Iterable[Any], empty: str = "—") -> Markup:
    """Links separated by commas, or ``empty`` in a ``none`` span (the ``links`` filter).

    >>> str(links_html([], "none named"))
    '<span class="none">none named</span>'
    """
    shown = [link_html(item) for item in items]
    return Markup(", ".join(shown)) if shown else Markup(f'<span class="none">{escape(empty)}</span>')


env.filters["link"], env.filters["links"] = link_html, links_html
env.globals["data_status"] = current_summary  # the stale-data banner of base.html

SHG, OWL, SKOS, SH = PREFIXES["shg"], PREFIXES["owl"], PREFIXES["skos"], PREFIXES["sh"]
RDFS_LABEL = PREFIXES["rdfs"] + "label"
#: rdf:type → (template, kind shown), first match wins.
KINDS: list[tuple[str, str, str]] = [
    (SHG + "Incident", "incident", "Incident"),
    (SHG + "IncidentSeries", "event", "Incident series"),
    (SHG + "Investigation", "event", "Investigation"),
    (SHG + "Appeal", "event", "Appeal"),
    (SHG + "ContextEvent", "event", "Context event"),
    (SHG + "Response", "event", "Response"),
    (SHG + "Claim", "claim", "Claim"),
    (SHG + "SourceDocument", "source", "Source document"),
    (SHG + "Place", "place", "Place"),
    *[(SHG + c, "actor", "Actor") for c in ("Actor", "Person", "Organisation", "StateForce", "ArmedGroup",
                                             "AnonymousSource")],
    (OWL + "Ontology", "ontology", "Ontology"),
    (OWL + "Class", "class", "Class"),
    (OWL + "ObjectProperty", "property", "Property"),
    (OWL + "DatatypeProperty", "property", "Property"),
    (PREFIXES["rdf"] + "Property", "property", "Property"),
    (SKOS + "ConceptScheme", "scheme", "Concept scheme"),
    (SKOS + "Concept", "concept", "Concept"),
    (SH + "NodeShape", "shape", "Shape"),
    (SHG + "IncidentSummary", "summary", "Incident summary (computed)"),
    (PREFIXES["prov"] + "Plan", "rule", "Derivation rule"),
    (SH + "PropertyShape", "shape", "Shape"),
]


def kind_of_types(types: set[str]) -> tuple[str, str]:
    """The template name and the kind label for a resource with these types."""
    for type_iri, template, label in KINDS:
        if type_iri in types:
            return template, label
    return "generic", "Resource"


def render(template: str, **context: Any) -> str:
    """A template rendered with autoescaping."""
    return env.get_template(template).render(**context)




def build_view(backend: GraphBackend, links: Links, iri: str, *,
               triples: list[pyoxigraph.Triple] | None = None) -> tuple[str, v.EntityPage] | None:
    """The template and view for an IRI, or None when the graph has nothing on it.

    ``triples``: its description, when already read (dereferencing reads it to
    know whether the IRI is known, moved or retired); else it is read here.
    """
    found = facts_of(backend, [iri]) if triples is None else facts_from_triples(backend, iri, triples)
    if iri not in found:
        return None
    resource = found[iri]
    template, kind = kind_of_types(resource.types)
    builders: dict[str, Callable[[], v.EntityPage]] = {
        "incident": lambda: entities.event_view(backend, links, resource, kind),
        "event": lambda: entities.event_view(backend, links, resource, kind),
        "claim": lambda: entities.claim_view(backend, links, resource),
        "actor": lambda: entities.actor_view(backend, links, resource),
        "place": lambda: entities.place_view(backend, links, resource),
        "source": lambda: entities.source_view(backend, links, resource),
        "ontology": lambda: ov.ontology_view(backend, links, resource),
        "class": lambda: ov.class_view(backend, links, resource),
        "property": lambda: ov.property_view(backend, links, resource),
        "scheme": lambda: ov.scheme_view(backend, links, resource),
        "concept": lambda: ov.concept_view(backend, links, resource),
        "shape": lambda: ov.shape_view(backend, links, resource),
        "summary": lambda: sv.summary_page_view(backend, links, resource),
        "rule": lambda: sv.rule_view(links, resource),
        "generic": lambda: v.GenericView(v.entity_base(links, resource, kind)),
    }
    return template, builders[template]()


def entity_page(backend: GraphBackend, links: Links, iri: str, *,
                triples: list[pyoxigraph.Triple] | None = None) -> str | None:
    """The HTML page of an IRI of our namespace, or None if the graph knows nothing about it.

    ``triples``: its description when already read (see :func:`build_view`).
    """
    if not iri.startswith(BASE) or not safe_iri(iri):
        return None
    built = build_view(backend, links, iri, triples=triples)
    if built is None:
        return None
    template, view = built
    return render(f"{template}.html", page=view, meta=view.base.meta)


@dataclass(frozen=True)
class SubjectGroup:
    """The statements of one subject: its cell, then (property link, value cell) rows."""

    subject: v.Cell
    rows: list[tuple[v.Link, v.Cell]]


@dataclass(frozen=True)
class TriplesView:
    """A page of plain statements grouped by subject (VoID, a named graph's content, a version IRI)."""

    title: str
    intro: str | None
    groups: list[SubjectGroup]
    count: int
    shown: int


#: Most statements one plain-statements page shows (the data formats hold them all).
TRIPLES_SHOWN = 2000


def _term_cell(links: Links, term: object, labels: dict[str, str]) -> v.Cell:
    if isinstance(term, pyoxigraph.NamedNode):
        label = labels.get(term.value)
        return v.Cell(label or compact(term.value), links.local_url(term.value),
                      compact(term.value) if label else None)
    if isinstance(term, pyoxigraph.Literal):
        note = f"@{term.language}" if term.language else (
            compact(term.datatype.value) if not term.datatype.value.endswith("#string") else None)
        return v.Cell(term.value, note=note)
    return v.Cell(f"_:{getattr(term, 'value', term)}", note="blank node")


def triples_view(links: Links, triples: list[pyoxigraph.Triple], title: str,
                 intro: str | None = None) -> TriplesView:
    """Statements grouped by subject, labels taken from the statements themselves."""
    labels = {value_of(t.subject): t.object.value for t in triples
              if t.predicate.value in (RDFS_LABEL, SKOS + "prefLabel") and isinstance(t.object, pyoxigraph.Literal)}
    groups: dict[object, list[tuple[v.Link, v.Cell]]] = {}
    for t in triples[:TRIPLES_SHOWN]:
        prop = v.Link(labels.get(t.predicate.value) or compact(t.predicate.value),
                      links.local_url(t.predicate.value), t.predicate.value)
        groups.setdefault(t.subject, []).append((prop, _term_cell(links, t.object, labels)))
    return TriplesView(title, intro, [SubjectGroup(_term_cell(links, s, labels), rows) for s, rows in groups.items()],
                       len(triples), min(len(triples), TRIPLES_SHOWN))


def triples_page(links: Links, iri: str, triples: list[pyoxigraph.Triple], *, title: str, kind: str,
                 intro: str | None = None, url: str | None = None) -> str:
    """A page of plain statements about (or in) ``iri``, on the site layout; ``url``: its page, if not the IRI's."""
    meta = v.meta_for(links, iri, title, kind)
    if url is not None:
        meta = v.Meta(title, kind, url, iri, [v.Alternate(t, url + suffix, label) for t, suffix, label in v.RDF_FORMATS])
    return render("triples.html", page=triples_view(links, triples, title, intro), meta=meta)


@dataclass(frozen=True)
class DumpItem:
    """One full dump as listed: name, link, format, what it holds, size."""

    name: str
    href: str
    format: str
    holds: str
    size: str


#: What each dump's format is called and what it holds, by its content type.
DUMP_KINDS = {"application/n-quads": ("N-Quads, gzipped", "{n:,} quads: every named graph"),
              "text/turtle": ("Turtle, gzipped", "{n:,} triples: the union of the graphs")}


def dumps_page(links: Links, dumps: list[Any]) -> str:
    """The page listing the full dumps (:class:`sahel_kg.linked_data.dumps.Dump`)."""
    meta = page_meta(links, DUMPS, "Full dumps", "Full dumps")
    items = [DumpItem(d.name, links.dumps(d.name), DUMP_KINDS[d.media_type][0],
                      DUMP_KINDS[d.media_type][1].format(n=d.triples), f"{d.size / 1024:,.0f} KiB") for d in dumps]
    return render("dumps.html", meta=meta, dumps=items)


def _guess(iri: str) -> str:
    """Words to search for, from the last segment of an IRI.

    >>> _guess("https://w3id.org/sahel-harm/id/place/kidal-region")
    'kidal region'
    """
    return local_name(iri).replace("-", " ").replace("_", " ")


def not_found_page(links: Links, iri: str) -> str:
    """A helpful page for an IRI the graph does not know: what was asked, search, browse."""
    meta = page_meta(links, "/", "Not found", "Not found")
    return render("not_found.html", meta=meta, iri=iri, guess=_guess(iri),
                  lists=[v.Link(s.title, f"{BROWSE}/{n}") for n, s in SPECS.items()])


def gone_page(links: Links, iri: str, replacement: str | None) -> str:
    """The page of a retired IRI, linking to its replacement when there is one."""
    meta = page_meta(links, "/", "Gone", "Retired identifier")
    link = v.link_to(links, replacement) if replacement else None
    return render("gone.html", meta=meta, iri=iri, replacement=link, guess=_guess(iri),
                  lists=[v.Link(s.title, f"{BROWSE}/{n}") for n, s in SPECS.items()])


#: The titles of the error pages browsers are shown, by HTTP status.
ERROR_TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 406: "Not acceptable",
                410: "Gone", 413: "Request too large", 414: "Address too long", 422: "Invalid parameters",
                431: "Headers too large", 500: "Server error", 502: "Bad gateway", 503: "Unavailable",
                504: "Gateway timeout"}


def error_page(status: int, message: str | list[str], *, title: str | None = None, path: str = "") -> str:
    """The HTML page of an error (an unknown path, a method not allowed, …) on the site's layout.

    ``message``: what went wrong, a paragraph per item; ``path``: the path asked for, its last
    segment offered as a search.

    >>> page = error_page(404, "Nothing is served at /nope.", path="/nope")
    >>> '<html lang="en">' in page and "<title>Not found — Sahel Harm Graph</title>" in page and 'value="nope"' in page
    True
    """
    lines = [message] if isinstance(message, str) else message
    guess = path.rstrip("/").rsplit("/", 1)[-1].replace("-", " ").replace("_", " ") if path else ""
    return render("error.html", meta=None, status=status, title=title or ERROR_TITLES.get(status, "Error"),
                  message=lines, guess=guess, lists=[v.Link(s.title, f"{BROWSE}/{n}") for n, s in SPECS.items()])
