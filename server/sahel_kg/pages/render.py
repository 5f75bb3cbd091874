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

import re
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape as html_unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pyoxigraph
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from sahel_kg.languages import LANGUAGES, NATIVE_NAMES, current, current_choice
from sahel_kg.linked_data.releases import Edition
from sahel_kg.links import DUMPS, Links
from sahel_kg.namespaces import BASE, PREFIXES, compact, local_name
from sahel_kg.pages import entities
from sahel_kg.pages import ontology as ov
from sahel_kg.pages import summary as sv
from sahel_kg.pages import views as v
from sahel_kg.pages.citation import citation_view
from sahel_kg.pages.i18n import N_, _, gettext, ngettext, pgettext
from sahel_kg.pages.lists import browse_lists, page_meta
from sahel_kg.pages.resources import facts_from_triples, facts_of, labels_of, safe_iri
from sahel_kg.rdf.oxigraph_types import value_of
from sahel_kg.store.backend import GraphBackend
from sahel_kg.store.status import current_summary

#: Templates are compiled once: no check of the files for changes at each page.
env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), auto_reload=False,
                  autoescape=select_autoescape(["html", "svg"], default_for_string=True, default=True),
                  extensions=["jinja2.ext.i18n"])
# newstyle: ``_("… %(n)s", n=x)`` formats after translating, and escapes the values it puts in
env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext)  # type: ignore[attr-defined]


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
    lang = f' lang="{escape(get("lang"))}"' if get("lang") else ""
    return Markup(f'<a href="{escape(get("href"))}"{title}{lang}>{escape(get("text"))}</a>')


def links_html(items: Iterable[Any], empty: str = "—") -> Markup:
    """Links separated by commas, or ``empty`` in a ``none`` span (the ``links`` filter).

    >>> str(links_html([], "none named"))
    '<span class="none">none named</span>'
    """
    shown = [link_html(item) for item in items]
    return Markup(", ".join(shown)) if shown else Markup(f'<span class="none">{escape(empty)}</span>')


@dataclass(frozen=True)
class LanguageLink:
    """One entry of the language switch: the language's code, its name in itself, the link, and whether shown now."""

    lang: str
    name: str
    href: str
    current: bool


def with_lang(url: str, lang: str) -> str:
    """``url`` with its ``lang`` parameter set to ``lang`` (other parameters and the fragment kept).

    >>> with_lang("/browse/claims?stance=denies&lang=en#x", "fr")
    '/browse/claims?stance=denies&lang=fr#x'
    """
    parts = urlsplit(url)
    query = [(k, val) for k, val in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("lang", lang)])))


def add_lang(url: str, lang: str) -> str:
    """:func:`with_lang`, quicker for the usual link, which has no ``lang`` yet (a page has hundreds of links).

    >>> add_lang("/id/x#a", "fr"), add_lang("/browse?page=2", "fr"), add_lang("/b?lang=en", "fr")
    ('/id/x?lang=fr#a', '/browse?page=2&lang=fr', '/b?lang=fr')
    """
    if "lang=" in url:
        return with_lang(url, lang)
    base, hash_, fragment = url.partition("#")
    return f"{base}{'&' if '?' in base else '?'}lang={lang}{hash_}{fragment}"


def language_links() -> list[LanguageLink]:
    """The language switch of every page: this page in each interface language."""
    choice = current_choice()
    return [LanguageLink(lang, NATIVE_NAMES[lang], with_lang(choice.here, lang), lang == choice.lang)
            for lang in LANGUAGES]


env.filters["link"], env.filters["links"] = link_html, links_html
env.globals["data_status"] = current_summary  # the stale-data banner of base.html
#: Whether this request's pages may add online map tiles (the ``online_tiles`` setting; the edge middleware
#: sets it for each request, as it does the data status), read by base.html for static/map.js.
ONLINE_TILES: ContextVar[bool] = ContextVar("sahel_kg_online_tiles", default=False)
env.globals["online_tiles"] = ONLINE_TILES.get
env.globals["lang"] = current  # <html lang> and the switch
env.globals["language_links"] = language_links


def script_words() -> dict[str, str]:
    """The words static/map.js and static/query.js show, in the page's language (``<body data-words>``).

    The scripts hold no English of their own: each phrase is here, with ``{name}`` slots they fill in.
    """
    return {
        "map": _("Map"), "timeline": _("Timeline"), "chart": _("Chart"), "table": _("Table"),
        "places": _("Places on a map: {n}"),
        "withCoordinates": _("Rows with coordinates: {shown} of {total}."),
        "datedRows": _("Dated rows, earliest first: {n}"),
        "fromTo": _("From {start} to {end} ({columns})."),
        "barChart": _("{value} by row, bar chart"), "lineChart": _("{value} by row, line chart"),
        "valueBy": _("{value} by {label}."),
        "showBars": _("Show as bars"), "showLine": _("Show as a line"),
        "reading": _("Reading the full result…"),
        "notDrawn": _("{view}: could not be drawn: {error}"),
        "error": _("error"),
        "boundaries": _("Boundaries: Natural Earth"), "osm": _("© OpenStreetMap contributors"),
        "zoomIn": _("Zoom in"), "zoomOut": _("Zoom out"),
    }


env.globals["script_words"] = script_words

#: Paths whose answers are not pages written in a language (files, data, the protocol endpoint): links to
#: them stay as they are.
NOT_PAGES = re.compile(r"^/(static/|sparql|\.well-known/|dumps/)|\.(ttl|jsonld|nt|nq|rdf|csv|tsv|json|gz)(\?|#|$)")
_TAG = re.compile(r"<(a|form)\b([^>]*)>", re.I)
_URL_ATTR = re.compile(r'\b(href|action)="([^"]*)"')


def _site_path(url: str, site: str) -> str | None:
    """The path of ``url`` when it is one of the site's own pages, else None."""
    if url.startswith("/") and not url.startswith("//"):
        path = url
    elif site and url.startswith(site):
        path = "/" + url[len(site):].lstrip("/")
    else:
        return None
    return None if NOT_PAGES.search(path) else path


def keep_language(html: str) -> str:
    """Links and GET forms to the site's own pages, carrying the ``lang`` the reader chose by ``?lang=``.

    A language chosen from the Accept-Language header needs nothing: the browser sends it again.
    Links to data, files and the SPARQL endpoint, the language switch's own links, and the head's
    canonical and alternate links, are left alone: the canonical URL of a page is the same in every language.

    >>> from sahel_kg.languages import Choice, answering_in
    >>> with answering_in(Choice("fr", True, "/", "http://x/")):
    ...     keep_language('<a href="/browse?page=2">b</a> <a href="http://x/id/a">a</a> <a href="/id/a.ttl">t</a>'
    ...                   ' <form method="get" action="/search"> <a href="/search?q=l&#39;Est&amp;x=1">s</a>')
    '<a href="/browse?page=2&amp;lang=fr">b</a> <a href="http://x/id/a?lang=fr">a</a> <a href="/id/a.ttl">t</a> \
<form method="get" action="/search"><input type="hidden" name="lang" value="fr"> \
<a href="/search?q=l&#39;Est&amp;x=1&amp;lang=fr">s</a>'
    """
    choice = current_choice()
    if not choice.explicit:
        return html

    def rewrite(tag: re.Match[str]) -> str:
        name, attrs = tag.group(1).lower(), tag.group(2)
        found = _URL_ATTR.search(attrs)
        if not found or (name == "a" and re.search(r'\b(rel="alternate"|download|hreflang=)', attrs)):  # the switch
            return tag.group(0)
        url = html_unescape(found.group(2))
        if _site_path(url, choice.site) is None or (name == "form" and 'method="post"' in attrs.lower()):
            return tag.group(0)
        if name == "form":
            return tag.group(0) + f'<input type="hidden" name="lang" value="{choice.lang}">'
        new = escape(add_lang(url, choice.lang))
        return tag.group(0).replace(found.group(0), f'{found.group(1)}="{new}"', 1)

    return _TAG.sub(rewrite, html)


SHG, OWL, SKOS, SH = PREFIXES["shg"], PREFIXES["owl"], PREFIXES["skos"], PREFIXES["sh"]
RDFS_LABEL = PREFIXES["rdfs"] + "label"
#: rdf:type → (template, kind shown), first match wins.
#: The kinds are English, marked for the catalogue, and translated by the view (views.entity_base).
KINDS: list[tuple[str, str, str]] = [
    (SHG + "Incident", "incident", N_("Incident")),
    (SHG + "IncidentSeries", "event", N_("Incident series")),
    (SHG + "Investigation", "event", N_("Investigation")),
    (SHG + "Appeal", "event", N_("Appeal")),
    (SHG + "ContextEvent", "event", N_("Context event")),
    (SHG + "Response", "event", N_("Response")),
    (SHG + "Claim", "claim", N_("Claim")),
    (SHG + "SourceDocument", "source", N_("Source document")),
    (SHG + "Place", "place", N_("Place")),
    *[(SHG + c, "actor", N_("Actor")) for c in ("Actor", "Person", "Organisation", "StateForce", "ArmedGroup",
                                                 "AnonymousSource")],
    (OWL + "Ontology", "ontology", N_("Ontology")),
    (OWL + "Class", "class", N_("Class")),
    (OWL + "ObjectProperty", "property", N_("Property")),
    (OWL + "DatatypeProperty", "property", N_("Property")),
    (PREFIXES["rdf"] + "Property", "property", N_("Property")),
    (SKOS + "ConceptScheme", "scheme", N_("Concept scheme")),
    (SKOS + "Concept", "concept", N_("Concept")),
    (SH + "NodeShape", "shape", N_("Shape")),
    (SHG + "IncidentSummary", "summary", N_("Incident summary (computed)")),
    (PREFIXES["prov"] + "Plan", "rule", N_("Derivation rule")),
    (SH + "PropertyShape", "shape", N_("Shape")),
]


def kind_of_types(types: set[str]) -> tuple[str, str]:
    """The template name and the kind label for a resource with these types."""
    for type_iri, template, label in KINDS:
        if type_iri in types:
            return template, label
    return "generic", N_("Resource")


def render(template: str, **context: Any) -> str:
    """A template rendered with autoescaping, in the response's language (its links keeping a chosen ``lang``)."""
    return keep_language(env.get_template(template).render(**context))




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
    view = builders[template]()
    view.base.comment_parts = v.public_text(backend, links, view.base.comment)
    return template, view


def entity_page(backend: GraphBackend, links: Links, iri: str, *,
                triples: list[pyoxigraph.Triple] | None = None, edition: Edition | None = None) -> str | None:
    """The HTML page of an IRI of our namespace, or None if the graph knows nothing about it.

    ``triples``: its description when already read (see :func:`build_view`); ``edition``: which
    release the served data is, for "How to cite" (default: none, no release yet).
    """
    if not iri.startswith(BASE) or not safe_iri(iri):
        return None
    built = build_view(backend, links, iri, triples=triples)
    if built is None:
        return None
    template, view = built
    cite = citation_view(links, iri, view.base.label, edition or Edition(None, None, None), datetime.now(UTC).date())
    return render(f"{template}.html", page=view, meta=view.base.meta, cite=cite)


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
                 intro: str | None = None, backend: GraphBackend | None = None) -> TriplesView:
    """Statements grouped by subject, labels taken from the statements themselves and, given a backend,
    by the one label rule from the store (one query: a named graph's classes and properties are labelled
    in the ontology's graph, not in it)."""
    labels = {value_of(t.subject): t.object.value for t in triples
              if t.predicate.value in (RDFS_LABEL, SKOS + "prefLabel") and isinstance(t.object, pyoxigraph.Literal)}
    if backend is not None:
        named = {t.predicate.value for t in triples[:TRIPLES_SHOWN]} | {
            term.value for t in triples[:TRIPLES_SHOWN] for term in (t.subject, t.object)
            if isinstance(term, pyoxigraph.NamedNode)}
        labels |= {iri: label[0] for iri, label in labels_of(backend, named).items()}
    groups: dict[object, list[tuple[v.Link, v.Cell]]] = {}
    for t in triples[:TRIPLES_SHOWN]:
        prop = v.Link(labels.get(t.predicate.value) or compact(t.predicate.value),
                      links.local_url(t.predicate.value), t.predicate.value)
        groups.setdefault(t.subject, []).append((prop, _term_cell(links, t.object, labels)))
    return TriplesView(title, intro, [SubjectGroup(_term_cell(links, s, labels), rows) for s, rows in groups.items()],
                       len(triples), min(len(triples), TRIPLES_SHOWN))


def triples_page(links: Links, iri: str, triples: list[pyoxigraph.Triple], *, title: str, kind: str,
                 intro: str | None = None, url: str | None = None, backend: GraphBackend | None = None) -> str:
    """A page of plain statements about (or in) ``iri``, on the site layout; ``url``: its page, if not the IRI's;
    ``backend``: where to read the labels the statements do not carry."""
    meta = v.meta_for(links, iri, title, kind)
    if url is not None:
        meta = v.Meta(title, kind, url, iri, [v.Alternate(t, url + suffix, label) for t, suffix, label in v.RDF_FORMATS])
    return render("triples.html", page=triples_view(links, triples, title, intro, backend), meta=meta)


@dataclass(frozen=True)
class DumpItem:
    """One full dump as listed: name, link, format, what it holds, size."""

    name: str
    href: str
    format: str
    holds: str
    size: str


#: What each dump's format is called and what it holds, by its content type.
DUMP_KINDS = {"application/n-quads": (N_("N-Quads, gzipped"), N_("%(num)s quads: every named graph")),
              "text/turtle": (N_("Turtle, gzipped"), N_("%(num)s triples: the union of the graphs"))}


def dumps_page(links: Links, dumps: list[Any]) -> str:
    """The page listing the full dumps (:class:`sahel_kg.linked_data.dumps.Dump`)."""
    meta = page_meta(links, DUMPS, _("Full dumps"), _("Full dumps"))
    items = [DumpItem(d.name, links.dumps(d.name), _(DUMP_KINDS[d.media_type][0]),
                      _(DUMP_KINDS[d.media_type][1]) % {"num": format_decimal(d.triples, locale=current())},
                      f"{format_decimal(round(d.size / 1024), locale=current())} KiB")
             for d in dumps]
    return render("dumps.html", meta=meta, dumps=items)


@dataclass(frozen=True)
class ExportItem:
    """One row of the exports page."""

    name: str
    filename: str
    href: str
    title: str
    description: str


def exports_page(links: Links, exports: list[ExportItem]) -> str:
    """The page listing the CSV exports (``/exports``)."""
    return render("exports.html", meta=page_meta(links, "/exports", _("Exports"), _("Exports")), exports=exports)


def _guess(iri: str) -> str:
    """Words to search for, from the last segment of an IRI.

    >>> _guess("https://w3id.org/sahel-harm/id/place/kidal-region")
    'kidal region'
    """
    return local_name(iri).replace("-", " ").replace("_", " ")


def not_found_page(links: Links, iri: str) -> str:
    """A helpful page for an IRI the graph does not know: what was asked, search, browse."""
    meta = page_meta(links, "/", _("Not found"), _("Not found"))
    return render("not_found.html", meta=meta, iri=iri, guess=_guess(iri),
                  lists=browse_lists())


def gone_page(links: Links, iri: str, replacement: str | None) -> str:
    """The page of a retired IRI, linking to its replacement when there is one."""
    meta = page_meta(links, "/", _("Gone"), _("Retired identifier"))
    link = v.link_to(links, replacement) if replacement else None
    return render("gone.html", meta=meta, iri=iri, replacement=link, guess=_guess(iri),
                  lists=browse_lists())


#: The titles of the error pages browsers are shown, by HTTP status.
ERROR_TITLES = {400: N_("Bad request"), 404: N_("Not found"), 405: N_("Method not allowed"),
                406: N_("Not acceptable"), 410: N_("Gone"), 413: N_("Request too large"), 414: N_("Address too long"),
                422: N_("Invalid parameters"), 431: N_("Headers too large"), 500: N_("Server error"),
                502: N_("Bad gateway"), 503: N_("Unavailable"), 504: N_("Gateway timeout")}


class OtherLanguage(str):
    """Text in a given language whatever the page's (a library's English message): shown with ``lang``."""

    lang: str

    def __new__(cls, text: str, lang: str) -> OtherLanguage:
        made = super().__new__(cls, text)
        made.lang = lang
        return made


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
    return render("error.html", meta=None, status=status, title=title or _(ERROR_TITLES.get(status, N_("Error"))),
                  message=lines, guess=guess, lists=browse_lists())
