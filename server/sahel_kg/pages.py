"""Human-readable pages: every entity of the namespace, home, browse lists and search.

:func:`entity_html` renders the page of any IRI of ours (or None when the
graph knows nothing about it); the dereferencing routes call it for the HTML
branch, with :func:`not_found_html` and :func:`gone_html` for the rest. The
router here serves ``/``, ``/browse/{list}`` and ``/search``. Each page is a
view object from :mod:`views`, :mod:`ontology_views` or :mod:`listing`
rendered by an autoescaping Jinja2 template.

>>> kind_of_types({"https://w3id.org/sahel-harm/ontology/StateForce"})
('actor', 'Actor')
>>> kind_of_types({"http://www.w3.org/2002/07/owl#Class"})
('class', 'Class')
"""

from __future__ import annotations

from pathlib import Path
from collections.abc import Iterable
from typing import Annotated, Any
from urllib.parse import urlencode

import pyoxigraph
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from . import ontology_views as ov
from . import views as v
from .backend import GraphBackend
from .data_status import current_summary
from .facts import facts_from_triples, facts_of, safe_iri
from .listing import SPECS, browse_view, home_view, page_meta
from .namespaces import BASE, PREFIXES
from .search import SearchUnavailable, index_for
from .settings import Settings

router = APIRouter()
#: Templates are compiled once: no check of the files for changes at each page.
env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), auto_reload=False,
                  autoescape=select_autoescape(["html", "svg"], default_for_string=True, default=True))


def link_html(link: Any) -> Markup:
    """A link (a :class:`~sahel_kg.views.Link` or a dict with the same keys) as an ``<a>``, escaped.

    The ``link`` filter of the templates, which write the same as the macro
    did: a macro call per link was a fifth of an incident page's rendering.

    >>> str(link_html(v.Link("<b>", "/x?a=1&b=2", "t")))
    '<a href="/x?a=1&amp;b=2" title="t">&lt;b&gt;</a>'
    """
    if not link:
        return Markup("")
    get = link.get if isinstance(link, dict) else lambda key: getattr(link, key, None)
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


def _backend(request: Request) -> GraphBackend:
    return request.app.state.backend  # type: ignore[no-any-return]


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def build_view(backend: GraphBackend, settings: Settings, iri: str, *,
               triples: list[pyoxigraph.Triple] | None = None) -> tuple[str, object] | None:
    """The template and view for an IRI, or None when the graph has nothing on it.

    ``triples``: its description, when already read (dereferencing reads it to
    know whether the IRI is known, moved or retired); else it is read here.
    """
    found = facts_of(backend, [iri]) if triples is None else facts_from_triples(backend, iri, triples)
    if iri not in found:
        return None
    resource = found[iri]
    template, kind = kind_of_types(resource.types)
    builders = {
        "incident": lambda: v.event_view(backend, settings, resource, kind),
        "event": lambda: v.event_view(backend, settings, resource, kind),
        "claim": lambda: v.claim_view(backend, settings, resource),
        "actor": lambda: v.actor_view(backend, settings, resource),
        "place": lambda: v.place_view(backend, settings, resource),
        "source": lambda: v.source_view(backend, settings, resource),
        "ontology": lambda: ov.ontology_view(backend, settings, resource),
        "class": lambda: ov.class_view(backend, settings, resource),
        "property": lambda: ov.property_view(backend, settings, resource),
        "scheme": lambda: ov.scheme_view(backend, settings, resource),
        "concept": lambda: ov.concept_view(backend, settings, resource),
        "shape": lambda: ov.shape_view(backend, settings, resource),
        "generic": lambda: v.GenericView(v.entity_base(settings, resource, kind)),
    }
    return template, builders[template]()


def entity_html(request: Request, iri: str, *, triples: list[pyoxigraph.Triple] | None = None) -> str | None:
    """The HTML page of an IRI of our namespace, or None if the graph knows nothing about it.

    ``triples``: its description when already read (see :func:`build_view`).
    """
    if not iri.startswith(BASE) or not safe_iri(iri):
        return None
    built = build_view(_backend(request), _settings(request), iri, triples=triples)
    if built is None:
        return None
    template, view = built
    return render(f"{template}.html", page=view, meta=view.base.meta)  # type: ignore[attr-defined]


def _guess(iri: str) -> str:
    """Words to search for, from the last segment of an IRI.

    >>> _guess("https://w3id.org/sahel-harm/id/place/kidal-region")
    'kidal region'
    """
    return v.local_name(iri).replace("-", " ").replace("_", " ")


def not_found_html(request: Request, iri: str) -> str:
    """A helpful page for an IRI the graph does not know: what was asked, search, browse."""
    settings = _settings(request)
    meta = page_meta(settings, "/", "Not found", "Not found")
    return render("not_found.html", meta=meta, iri=iri, guess=_guess(iri),
                  lists=[v.Link(s.title, f"/browse/{n}") for n, s in SPECS.items()])


def gone_html(request: Request, iri: str, replacement: str | None) -> str:
    """The page of a retired IRI, linking to its replacement when there is one."""
    settings = _settings(request)
    meta = page_meta(settings, "/", "Gone", "Retired identifier")
    link = v.link_to(settings, replacement) if replacement else None
    return render("gone.html", meta=meta, iri=iri, replacement=link, guess=_guess(iri),
                  lists=[v.Link(s.title, f"/browse/{n}") for n, s in SPECS.items()])


@router.get("/", name="home", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """What the dataset is, its counts, a timeline, example queries and where to go next."""
    view = home_view(_backend(request), _settings(request))
    return HTMLResponse(render("home.html", page=view, meta=view.meta))


@router.get("/browse", name="browse_index", response_class=HTMLResponse)
def browse_index(request: Request) -> HTMLResponse:
    """The list of lists."""
    meta = page_meta(_settings(request), "/browse", "Browse", "Browse")
    lists = [v.Link(s.title, f"/browse/{n}") for n, s in SPECS.items()]
    return HTMLResponse(render("browse_index.html", meta=meta, lists=lists))


@router.get("/browse/{name}", name="browse", response_class=HTMLResponse)
def browse(
    request: Request, name: str,
    page: Annotated[int, Query(ge=1, description="page number, from 1")] = 1,
    per_page: Annotated[int, Query(ge=1, le=200, description="rows per page")] = 20,
) -> HTMLResponse:
    """A list of incidents, actors, places, sources or claims; other query parameters filter it."""
    if name not in SPECS:
        raise HTTPException(404, f"no list named {name!r}; try one of {', '.join(SPECS)}")
    chosen = {k: val for k, val in request.query_params.items() if k not in ("page", "per_page")}
    view = browse_view(_backend(request), _settings(request), name, chosen, page, per_page)
    return HTMLResponse(render("browse.html", page=view, meta=view.meta))


@router.get("/search", name="search", response_class=HTMLResponse)
def search(request: Request, q: Annotated[str, Query(description="words to find in labels")] = "") -> HTMLResponse:
    """Resources with a label in which every word begins a word, ignoring case and accents.

    503 with Retry-After while the search index is being built.
    """
    settings = _settings(request)
    meta = page_meta(settings, "/search?" + urlencode({"q": q}) if q else "/search", "Search", "Search")
    try:
        hits = index_for(request.app.state, _backend(request)).search(q) if q.strip() else []
    except SearchUnavailable as exc:
        body = render("search_unavailable.html", meta=meta, q=q, message=exc.message, retry_after=exc.retry_after)
        return HTMLResponse(body, 503, headers={"Retry-After": str(exc.retry_after), "Cache-Control": "no-store"})
    results = [(v.link_to(settings, h.entry.iri, h.entry.name), h.entry.kind,
                None if h.entry.main or h.entry.text == h.entry.name else h.entry.text) for h in hits]
    return HTMLResponse(render("search.html", meta=meta, q=q, results=results))
