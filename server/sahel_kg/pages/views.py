"""The pieces every page's view is made of: links, cells, statements, dates and bounded lists.

Templates receive dataclasses (strings, numbers, links), never RDF terms.
The views of each page kind are built from these in :mod:`sahel_kg.pages.entities`
(with the claims comparison of :mod:`sahel_kg.pages.claims`),
:mod:`sahel_kg.pages.ontology` and :mod:`sahel_kg.pages.lists`.

>>> link_to(Links("http://localhost:8000/"), "https://w3id.org/sahel-harm/id/place/mali", "Mali")
Link(text='Mali', href='http://localhost:8000/id/place/mali', title='place:mali', lang=None)
>>> human_date("2024-06-20")
'20 June 2024'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, Protocol, TypeVar
from urllib.parse import urlencode

from babel.dates import format_date

from sahel_kg.languages import current
from sahel_kg.links import BROWSE, Links
from sahel_kg.namespaces import BASE, ENTITY_BASE, PREFIXES, compact
from sahel_kg.pages.i18n import N_, _
from sahel_kg.pages.resources import Resource, Value, labels_of, rows
from sahel_kg.store.backend import GraphBackend
from sahel_kg.store.cache import cache_for

P = PREFIXES
SHG, PROV, SEM, GEO = P["shg"], P["prov"], P["sem"], P["geo"]
DCT, SCHEMA, SKOS, RDFS = P["dcterms"], P["schema"], P["skos"], P["rdfs"]
RDF_FORMATS = (("text/turtle", ".ttl", "Turtle"), ("application/ld+json", ".jsonld", "JSON-LD"),
               ("application/n-triples", ".nt", "N-Triples"), ("application/rdf+xml", ".rdf", "RDF/XML"))
#: An incident is also served as the table of the claims about it (``/id/incident/{slug}.csv``).
CLAIMS_CSV = ("text/csv", ".csv", "CSV (its claims)")
FRIENDLY_PROPS = {
    SEM + "hasEarliestBeginTimeStamp": N_("earliest start"), SEM + "hasLatestEndTimeStamp": N_("latest end"),
    SHG + "earliestPublication": N_("earliest publication date"), SHG + "latestPublication": N_("latest publication date"),
}
RESPONSE_STANCES = {"confirms", "disputes", "denies", "disclaims-knowledge"}


#: Classes in words, by local name (what a search result or an ontology term list says a thing is): a class's
#: local name is code ("SourceDocument", "ContextEvent") and never shown.
KIND_WORDS = {
    "Incident": N_("Incident"), "IncidentSeries": N_("Incident series"), "Investigation": N_("Investigation"),
    "Appeal": N_("Appeal"), "ContextEvent": N_("Context event"), "Response": N_("Response"), "Claim": N_("Claim"),
    "SourceDocument": N_("Source document"), "Place": N_("Place"), "Actor": N_("Actor"), "Person": N_("Person"),
    "Organisation": N_("Organisation"), "StateForce": N_("State force"), "ArmedGroup": N_("Armed group"),
    "AnonymousSource": N_("Anonymous source"), "Count": N_("Count"), "CuratorInference": N_("Curator inference"),
    "IncidentRelation": N_("Incident relation"), "Ontology": N_("Ontology"), "Class": N_("Class"),
    "ObjectProperty": N_("Object property"), "DatatypeProperty": N_("Datatype property"),
    "AnnotationProperty": N_("Annotation property"), "Property": N_("Property"), "ConceptScheme": N_("Concept scheme"),
    "Concept": N_("Concept"), "NodeShape": N_("Shape"), "PropertyShape": N_("Property shape"),
}


def kind_words(local: str) -> str:
    """A class's local name in words, in the reader's language; an unknown one split at its capitals.

    >>> kind_words("SourceDocument"), kind_words("GeoFeatureCollection"), kind_words("")
    ('Source document', 'Geo feature collection', '')
    """
    if local in KIND_WORDS:
        return _(KIND_WORDS[local])
    words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", local)
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else local


# ---------------------------------------------------------------- common pieces

@dataclass(frozen=True)
class Link:
    """A link to show: its text, where it goes, and the IRI in short form; ``lang``: the text's language
    when it is not the page's (an English label on a French page), for its lang attribute (WCAG 3.1.2)."""

    text: str
    href: str
    title: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Alternate:
    """The same resource in an RDF format."""

    type: str
    href: str
    label: str


@dataclass
class Meta:
    """What every page's head and heading need."""

    title: str
    kind: str
    canonical: str
    iri: str | None = None
    alternates: list[Alternate] = field(default_factory=list)


@dataclass(frozen=True)
class Inference:
    """A curator inference: the properties it covers and why."""

    properties: list[str]
    reasoning: str


@dataclass(frozen=True)
class Statement:
    """One property and its values, for the 'all statements' table."""

    prop: Link
    values: list[Cell]


@dataclass(frozen=True)
class Cell:
    """One value in the statements table; blank nodes carry their own statements."""

    text: str
    href: str | None = None
    note: str | None = None
    inner: list[tuple[str, str, str | None]] = field(default_factory=list)  # (property, text, href)


def link_to(links: Links, iri: str, text: str | None = None) -> Link:
    """A link to an IRI: our IRIs go to this server, others to themselves."""
    short = compact(iri)
    return Link(text or short, links.local_url(iri), short)


def value_link(links: Links, value: Value) -> Link:
    """A link for an IRI value, labelled (its label's language said when it is English on another language's page)."""
    link = link_to(links, value.text, value.label)
    return Link(link.text, link.href, link.title, "en") if value.label and fallback_label(value.label_rank) else link


def fallback_label(rank: int) -> bool:
    """Whether a label of this rank (:func:`sahel_kg.labels.lang_rank`) is the English one shown to a reader of
    another language, the data having none in theirs."""
    return current() != "en" and rank == 1


def links_of(links: Links, resource: Resource, prop: str) -> list[Link]:
    """Links for every IRI value of ``prop``, sorted by text."""
    return sorted((value_link(links, v) for v in resource.values(prop) if v.kind == "iri"),
                  key=lambda link: link.text.casefold())


def texts(resource: Resource, prop: str) -> list[str]:
    """The literal values of ``prop``, sorted."""
    return sorted(v.text for v in resource.values(prop) if v.kind == "literal")


def meta_for(links: Links, iri: str, title: str, kind: str) -> Meta:
    """Head data for the page of ``iri``: canonical URL and RDF alternates."""
    url = links.local_url(iri)
    formats = RDF_FORMATS + ((CLAIMS_CSV,) if iri.startswith(BASE + "id/incident/") else ())
    return Meta(title, kind, url, iri, [Alternate(t, url + suffix, label) for t, suffix, label in formats])


def human_date(text: str | None) -> str:
    """An ISO date as '20 June 2024' (in French '20 juin 2024'; other text unchanged)."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return text or ""
    return format_date(day, "d MMMM y", locale=current())


def window_text(start: str | None, end: str | None) -> str:
    """A time window in words, saying which bound is missing.

    >>> window_text("2024-05-19", "2024-05-19"), window_text(None, "2024-12-31")
    ('19 May 2024', 'no later than 31 December 2024')
    >>> window_text("2024-11-30", None), window_text(None, None)
    ('no earlier than 30 November 2024', 'not known')
    """
    if start and end:
        return human_date(start) if start == end else f"{human_date(start)} – {human_date(end)}"
    if end:
        return _("no later than %(date)s") % {"date": human_date(end)}
    if start:
        return _("no earlier than %(date)s") % {"date": human_date(start)}
    return _("not known")


def inferences(resource: Resource) -> list[Inference]:
    """The curator inferences recorded on a resource."""
    found = []
    for value in resource.values(SHG + "curatorInference"):
        if value.node is None:
            continue
        props = [_(FRIENDLY_PROPS[v.text]) if v.text in FRIENDLY_PROPS else v.label or compact(v.text)
                 for v in value.node.values(SHG + "inferredProperty")]
        found.append(Inference(sorted(props), value.node.text(SHG + "reasoning") or ""))
    return found


def statements(links: Links, resource: Resource) -> list[Statement]:
    """Every property of a resource with its values, for the full statements table."""
    result = []
    for prop in sorted(resource.props, key=compact):
        label = resource.prop_labels.get(prop)
        prop_link = Link(f"{label} ({compact(prop)})" if label else compact(prop), links.local_url(prop), prop)
        result.append(Statement(prop_link, [cell_for(links, v) for v in resource.props[prop]]))
    return result


def cell_for(links: Links, value: Value) -> Cell:
    """A statements-table cell for a value."""
    if value.kind == "iri":
        return Cell(value.label or compact(value.text), links.local_url(value.text),
                    compact(value.text) if value.label else None)
    if value.kind == "bnode" and value.node is not None:
        inner = [(compact(p), v.label or (compact(v.text) if v.kind == "iri" else v.text),
                  links.local_url(v.text) if v.kind == "iri" else None)
                 for p in sorted(value.node.props) for v in value.node.props[p]]
        return Cell("", inner=inner)
    note = f"@{value.lang}" if value.lang else (compact(value.datatype) if value.datatype and
                                                 not value.datatype.endswith("#string") else None)
    return Cell(value.text, note=note)


# ---------------------------------------------------------------- bounded lists

#: Items shown per list on an entity page; the rest are one "more" link away.
SHOWN = 50
#: Claims shown per list on an actor's page (it has six lists).
ACTOR_SHOWN = 20
#: How many of the claims an actor made are looked at for denials (see :func:`actor_sections`).
DENIAL_WINDOW = 250
#: Lists are counted up to this many; a longer one says "more than" (counting is a scan).
COUNT_CAP = 500


_T = TypeVar("_T")


@dataclass
class Part(Generic[_T]):
    """A bounded list on a page: how many in all, the first few, and where to see them all.

    ``total`` is exact up to :data:`COUNT_CAP`; ``capped`` says there are more than that.
    A "more" link is set only when some are not shown.
    """

    total: int
    items: list[_T]  # ClaimRow, Link or EventItem
    more: str | None = None
    capped: bool = False
    scope: str | None = None  # when only part of the matches were looked at
    listed_above: int = 0  # items left out because an earlier list on the page shows them

    @property
    def count_text(self) -> str:
        """The count in words: '12', 'more than 500' for a capped count, or with its scope."""
        text = _("more than %(num)s") % {"num": self.total} if self.capped else str(self.total)
        return f"{text} {self.scope}" if self.scope else text

    def __iter__(self) -> Iterator[_T]:
        return iter(self.items)

    def __bool__(self) -> bool:
        return self.total > 0 or self.scope is not None


def sections_query(sections: dict[str, str], shown: int = SHOWN, caps: dict[str, int] | None = None) -> str:
    """For each named pattern binding ``?s``: how many distinct ``?s`` (up to :data:`COUNT_CAP` + 1),
    and the first ``shown`` of them as the store gives them. ``caps`` sets a lower
    cap for some lists (a list whose every match needs a second look).

    Neither part sorts or labels: over tens of thousands of matches a sort or a
    label join costs seconds, while a LIMIT without ORDER BY stops early.
    """
    parts = []
    for key, pattern in sections.items():
        parts.append(f'{{ {{ SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s WHERE {{ {pattern} }} '
                     f'LIMIT {(caps or {}).get(key, COUNT_CAP) + 1} }} }} BIND("{key}" AS ?sec) }}')
        parts.append(f'{{ {{ SELECT DISTINCT ?s WHERE {{ {pattern} }} LIMIT {shown} }} BIND("{key}" AS ?sec) }}')
    return "SELECT ?sec ?n ?s WHERE { " + " UNION ".join(parts) + " }"


def sections(backend: GraphBackend, patterns: dict[str, str], shown: int = SHOWN,
             caps: dict[str, int] | None = None) -> dict[str, tuple[int, list[str]]]:
    """Counts and first IRIs of several lists (one query); see :func:`sections_query`."""
    found: dict[str, tuple[int, list[str]]] = {key: (0, []) for key in patterns}
    for r in rows(backend, sections_query(patterns, shown, caps)):
        total, items = found[r["sec"]]
        if "n" in r:
            found[r["sec"]] = (int(r["n"]), items)
        elif "s" in r:
            items.append(r["s"])
    return found


#: The kind of entity each browse filter names, so a link can give its slug rather than the IRI.
FILTER_KINDS = {"speaker": "actor", "affiliated": "actor", "perpetrator": "actor", "mentions": "actor",
                "agent": "actor", "publisher": "actor", "source": "source", "about": "incident",
                "region": "place", "within": "place", "written_in": "place"}


def browse_href(name: str, **filters: str) -> str:
    """The browse list ``name`` with filters; IRIs of ours by their slug.

    >>> browse_href("claims", speaker=BASE + "id/actor/un", source=BASE + "id/place/x")
    '/browse/claims?speaker=un&source=https%3A%2F%2Fw3id.org%2Fsahel-harm%2Fid%2Fplace%2Fx'
    """
    def short(key: str, iri: str) -> str:
        base = f"{BASE}id/{FILTER_KINDS.get(key, '-')}/"
        return iri[len(base):] if iri.startswith(base) and "/" not in iri[len(base):] else iri
    return f"{BROWSE}/{name}?" + urlencode({k: short(k, v) for k, v in filters.items()})


def part(total: int, items: list[_T], more: str | None, key: Callable[[_T], str],
         cap: int = COUNT_CAP) -> Part[_T]:
    """A :class:`Part` of items sorted by ``key``, with its "more" link only when some are not shown."""
    return Part(min(total, cap), sorted(items, key=key), more if total > len(items) else None, total > cap)


def by_text(link: Link) -> str:
    """The order of links in a list: by their text, case folded."""
    return link.text.casefold()


def links_part(links: Links, total: int, iris: list[str], found: dict[str, Resource], more: str | None) -> Part[Link]:
    """A :class:`Part` of links, labelled from ``found``."""
    return part(total, [link_to(links, i, found[i].label if i in found else None) for i in iris], more, key=by_text)


# ---------------------------------------------------------------- entity pages

@dataclass(frozen=True)
class Segment:
    """A piece of prose: text, a link where it names something of the graph."""

    text: str
    href: str | None = None


@dataclass
class EntityView:
    """Fields every entity page has; ``comment_parts``: the comment as shown (see :func:`public_text`)."""

    meta: Meta
    label: str
    types: list[Link]
    comment: str | None
    inferences: list[Inference]
    statements: list[Statement]
    comment_parts: list[Segment] = field(default_factory=list)
    comment_lang: str | None = None  # the comment's language tag, for its lang attribute (WCAG 3.1.2)
    label_lang: str | None = None  # the label's, when not the page's


class EntityPage(Protocol):
    """The view of any entity page: its own fields and the common part, ``base``."""

    @property
    def base(self) -> EntityView: ...


def entity_base(links: Links, resource: Resource, kind: str) -> EntityView:
    """The common part of an entity's view."""
    comment = resource.first(RDFS + "comment")
    text = comment.text if comment else None
    return EntityView(meta_for(links, resource.id, resource.label, _(kind)), resource.label,
                      links_of(links, resource, P["rdf"] + "type"), text,
                      inferences(resource), statements(links, resource), [Segment(text)] if text else [],
                      comment.lang if comment else None,
                      resource.label_lang if resource.label_lang != current() else None)


#: How curators' notes name a source document (by its capture's number, "source 003") or a claim (by its
#: identifier, "claim wa24-…"): code for the curators, shown to readers as the document's or claim's title.
REFERENCE = re.compile(r"\b(?P<source>[Ss]ource (?P<number>\d{3}))\b|\b(?P<claim>claim (?P<slug>[a-z0-9]+(?:-[a-z0-9]+)+))\b")


def capture_numbers(backend: GraphBackend) -> dict[str, str]:
    """Each source document by the number its capture file starts with ("003" → its IRI); remembered per store."""
    def read() -> dict[str, str]:
        found = rows(backend, f"SELECT ?s ?f WHERE {{ ?s <{SHG}captureFile> ?f }}")
        return {r["f"][:3]: r["s"] for r in found if r["f"][:3].isdigit()}
    numbers: dict[str, str] = cache_for(backend).constants.remember("capture numbers", read)
    return numbers


def public_text(backend: GraphBackend, links: Links, text: str | None) -> list[Segment]:
    """A curator's note as readers see it: "source 003" and "claim some-slug" become the document's or the
    claim's title, linked (two queries at most, none for a note that names neither).

    >>> import pyoxigraph
    >>> from sahel_kg.store.backend import EmbeddedBackend
    >>> store = pyoxigraph.Store()
    >>> store.load(b'<https://w3id.org/sahel-harm/id/source/a> <https://w3id.org/sahel-harm/ontology/captureFile> "003_x.txt" ; '
    ...            b'<http://purl.org/dc/terms/title> "The Report" .', format=pyoxigraph.RdfFormat.TURTLE)
    >>> [(s.text, s.href) for s in public_text(EmbeddedBackend(store), Links("http://h/"), "As source 003 says.")]
    [('As ', None), ('“The Report”', 'http://h/id/source/a'), (' says.', None)]
    """
    if not text:
        return []
    found = list(REFERENCE.finditer(text))
    if not found:
        return [Segment(text)]
    numbers = capture_numbers(backend) if any(m.group("number") for m in found) else {}
    iris = {m.start(): numbers.get(m.group("number") or "") or (f"{ENTITY_BASE}claim/{m.group('slug')}"
                                                                  if m.group("slug") else "") for m in found}
    labels = labels_of(backend, [i for i in iris.values() if i])
    parts, at = [], 0
    for m in found:
        iri = iris[m.start()]
        if iri not in labels:
            continue  # not a document or claim of the graph: left as written
        word, title = m.group(0).split(" ")[0], labels[iri][0]  # "source", "Source" or "claim"; the title
        if word == "Source":  # begins a sentence
            shown = _("The document “%(title)s”") % {"title": title}
        elif word == "claim":
            shown = _("the claim “%(title)s”") % {"title": title}
        else:
            shown = f"“{title}”"
        parts += [Segment(text[at:m.start()]), Segment(shown, links.local_url(iri))]
        at = m.end()
    parts.append(Segment(text[at:]))
    return [p for p in parts if p.text]


@dataclass
class GenericView:
    """Anything else of ours: its statements."""

    base: EntityView
