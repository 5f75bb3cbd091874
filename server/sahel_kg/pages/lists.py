"""Views of the pages that are not entities: home, and the browse lists with filters and paging.

Each list is one :class:`ListSpec`: a core pattern binding ``?s`` and
``?label``, filters that add patterns, and the columns of a row. A page costs
five queries (total up to a cap, the page's rows, their columns, their counts,
the filter choices) and reads a bounded part of the list whatever its size.
Labels are read in English (or untagged): terms, concepts, actors and places
carry French labels beside their English ones, and a list shows each thing once.

>>> slug_or_iri("kidal-region", "https://w3id.org/sahel-harm/id/place/")
'https://w3id.org/sahel-harm/id/place/kidal-region'
>>> slug_or_iri("x> }", "https://w3id.org/sahel-harm/id/place/") is None
True
>>> valid_date("2024-06-01"), valid_date("2024-13-01")
(True, False)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from sahel_kg.labels import RDFS_LABEL, SKOS_PREF, label_optional
from sahel_kg.languages import current
from sahel_kg.links import BROWSE, QUERY, Links
from sahel_kg.namespaces import BASE, ENTITY_BASE, PREFIXES, local_name
from sahel_kg.pages.charts import Timeline, TimelineInput, timeline
from sahel_kg.pages.examples import example_queries
from sahel_kg.pages.i18n import N_, _
from sahel_kg.pages.resources import labels_of, rows, safe_iri
from sahel_kg.pages.views import Link, Meta, link_to, window_text
from sahel_kg.store.backend import GraphBackend
from sahel_kg.store.cache import cache_for

P = PREFIXES
SHG, SEM, GEO, SKOS, DCT, PROV = P["shg"], P["sem"], P["geo"], P["skos"], P["dcterms"], P["prov"]
SCHEMA = P["schema"]
VOCAB = BASE + "vocab/"


def slug_or_iri(value: str, base: str) -> str | None:
    """An IRI from a slug under ``base`` or a full IRI; None when unusable in a query."""
    iri = value if "://" in value else base + value
    return iri if safe_iri(iri) else None


def valid_date(value: str) -> bool:
    """True for an ISO calendar date."""
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def page_meta(links: Links, path: str, title: str, kind: str) -> Meta:
    """Head data for a page that is not an entity (``title`` and ``kind`` already in the reader's language)."""
    return Meta(title, kind, links.page(path))


def browse_lists() -> list[Link]:
    """The browse lists, named in the reader's language."""
    return [Link(_(s.title), f"{BROWSE}/{n}") for n, s in SPECS.items()]


# ---------------------------------------------------------------- home

@dataclass(frozen=True)
class Stat:
    """A count on the home page, linking to its list."""

    label: str
    count: int
    href: str
    more: bool = False  # more than ``count``


@dataclass
class HomeView:
    """The home page."""

    meta: Meta
    stats: list[Stat]
    timeline: Timeline
    incidents: list[tuple[str, Link, str]]  # (sort key, link, window)
    examples: list[Link]
    schemes: list[Link]


#: Incidents on the home page's timeline: the most recent ones.
HOME_INCIDENTS = 30
#: The home page counts each kind of thing up to this many (counting is a scan).
HOME_COUNT_CAP = 10_000
#: The kinds counted on the home page: class, words, browse list.
HOME_CLASSES = [("Incident", N_("incidents"), "incidents"), ("Claim", N_("claims"), "claims"),
                ("SourceDocument", N_("source documents"), "sources"), ("Actor", N_("actors"), "actors"),
                ("Place", N_("places"), "places")]
#: How far back from the latest start date the timeline looks first, in days (then wider, then everything).
LATEST_WINDOWS = (92, 366, 3653)


@dataclass(frozen=True)
class HomeData:
    """What the home page shows of a store, links not yet made: the same for all of the store's life."""

    counts: tuple[int, ...]  # per HOME_CLASSES, capped at HOME_COUNT_CAP + 1
    incidents: tuple[dict[str, str], ...]  # i, l, start, end; newest first
    schemes: tuple[tuple[str, str | None], ...]  # IRI, label


def home_view(backend: GraphBackend, links: Links) -> HomeView:
    """Counts, the timeline of the latest incidents, example queries and the vocabularies.

    The figures are read once per store (see :func:`home_data`) and remembered:
    the store served is read-only; only the links are made per request.
    """
    data = cache_for(backend).constants.remember(("home", current()), lambda: home_data(backend))
    stats = [Stat(_(label), min(n, HOME_COUNT_CAP), f"{BROWSE}/{path}", n > HOME_COUNT_CAP)
             for (_class, label, path), n in zip(HOME_CLASSES, data.counts)]
    items = [TimelineInput(r.get("l", local_name(r["i"])), links.local_url(r["i"]),
                           window_text(r.get("start"), r.get("end")), _date(r.get("start")), _date(r.get("end")))
             for r in data.incidents]
    return HomeView(
        page_meta(links, "/", _("Sahel Harm Graph"), _("Dataset")), stats, timeline(items),
        [(i.text, Link(i.label, i.href), i.text) for i in items],
        [Link(q.title, f"{QUERY}?" + urlencode({"query": q.sparql}), q.description) for q in example_queries()],
        sorted((link_to(links, iri, label) for iri, label in data.schemes), key=lambda x: x.text),
    )


def home_data(backend: GraphBackend) -> HomeData:
    """The home page's figures (four to six queries): capped counts, the latest incidents, the schemes."""
    subqueries = " ".join(f"{{ SELECT (COUNT(*) AS ?n{i}) WHERE {{ SELECT DISTINCT ?x{i} WHERE {{ "
                          f"?x{i} a/<{P['rdfs']}subClassOf>* <{SHG}{c}> }} LIMIT {HOME_COUNT_CAP + 1} }} }}"
                          for i, (c, _, _) in enumerate(HOME_CLASSES))
    counts = rows(backend, f"SELECT * WHERE {{ {subqueries} }}")[0]
    latest = latest_incidents(backend, HOME_INCIDENTS)
    # Their labels and end dates by VALUES: joined in one query with the sorted
    # part, the store read every incident (13 s at 100k).
    values = " ".join(f"<{i}>" for i in latest)
    found = rows(backend, f"""SELECT ?i ?l ?start ?end WHERE {{ VALUES ?i {{ {values} }} ?i a <{SHG}Incident> .
      {label_optional('?i', 'l')} OPTIONAL {{ ?i <{SEM}hasEarliestBeginTimeStamp> ?start }}
      OPTIONAL {{ ?i <{SEM}hasLatestEndTimeStamp> ?end }} }}""") if latest else []
    # newest first, as latest_incidents chose them: by start; then those known only by their end; then the undated
    found.sort(key=lambda r: ("start" in r, r.get("start") or r.get("end") or "", r.get("l", "")), reverse=True)
    schemes = rows(backend, f"SELECT ?s ?l WHERE {{ ?s a <{SKOS}ConceptScheme> {label_optional('?s', 'l', SKOS_PREF)} }}")
    return HomeData(tuple(int(counts.get(f"n{i}", 0)) for i in range(len(HOME_CLASSES))), tuple(found),
                    tuple((r["s"], r.get("l")) for r in schemes))


def latest_incidents(backend: GraphBackend, n: int) -> list[str]:
    """The ``n`` incidents that start last, without sorting every one; then, when fewer than ``n``
    have a start date, those known only by their end (latest first), then the undated ones.

    Incidents only: other events (context events, investigations, appeals) have start
    dates too, and counted here they took places the home page then left empty.
    An incident said to be "no later than" a date has no start date; leaving those out
    left the home page showing 5 of 9 incidents.

    The latest start date is found first (a scan, no sort); then only the starts
    within a window before it are sorted, the window widened until it holds
    ``n`` (sorting all 210,000 start dates took 0.34 s; the two scans 0.15 s).
    No tie-break on ``?i``: comparing IRIs in the sort made it 40 times slower.
    """
    start, end = f"<{SEM}hasEarliestBeginTimeStamp>", f"<{SEM}hasLatestEndTimeStamp>"
    incident = f"FILTER EXISTS {{ ?i a <{SHG}Incident> }}"
    top = rows(backend, f"SELECT (MAX(?start) AS ?m) WHERE {{ ?i {start} ?start }}")
    latest = _date((top[0] if top else {}).get("m"))
    found: list[str] = []
    for days in (*(LATEST_WINDOWS if latest else ()), None):
        since = (f'FILTER(?start >= "{(latest - timedelta(days=days)).isoformat()}"^^<{P["xsd"]}date>)'
                 if days and latest else "")
        found = [r["i"] for r in rows(backend, f"SELECT ?i WHERE {{ ?i {start} ?start {since} {incident} }} "
                                               f"ORDER BY DESC(?start) LIMIT {n}")]
        if len(found) >= n:
            return found
    if len(found) < n:  # few dated incidents: a small store, so these scans are small too
        found += [r["i"] for r in rows(backend, f"SELECT ?i WHERE {{ ?i {end} ?end FILTER NOT EXISTS {{ ?i {start} ?s }} "
                                                f"{incident} }} ORDER BY DESC(?end) LIMIT {n - len(found)}")]
    if len(found) < n:
        found += [r["i"] for r in rows(backend, f"SELECT ?i WHERE {{ ?i a <{SHG}Incident> FILTER NOT EXISTS {{ ?i {start} ?s }} "
                                                f"FILTER NOT EXISTS {{ ?i {end} ?e }} }} LIMIT {n - len(found)}")]
    return found


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


# ---------------------------------------------------------------- browse lists

@dataclass(frozen=True)
class Option:
    """One choice of a filter."""

    value: str
    text: str
    selected: bool


@dataclass(frozen=True)
class FilterView:
    """A filter control: a select with options, or a date input when ``options`` is None."""

    name: str
    label: str
    value: str
    options: list[Option] | None


@dataclass(frozen=True)
class TableCell:
    """A table cell: text, perhaps a link."""

    text: str
    href: str | None = None
    linkable: bool = False  # the column links, even where this row has nothing to link to


@dataclass
class BrowseView:
    """One page of a browse list."""

    meta: Meta
    name: str
    columns: list[str]
    rows: list[list[TableCell]]
    total: int
    page: int
    pages: int
    filters: list[FilterView]
    prev_href: str | None = None
    next_href: str | None = None
    errors: list[str] = field(default_factory=list)
    lists: list[Link] = field(default_factory=list)
    long_list: bool = False  # more than SORT_CAP: total not known exactly, rows in the store's order


@dataclass(frozen=True)
class ListSpec:
    """How to list one kind of thing."""

    name: str
    title: str
    core: str  # binds ?s and ?label
    select: str  # extra projected expressions (aggregates allowed), grouped by ?s ?label
    detail: str  # patterns for the extra columns
    columns: list[str]
    cells: Callable[[Links, dict[str, str]], list[TableCell]]
    filters: dict[str, Callable[[str], str | None]] = field(default_factory=dict)
    facets: str = ""  # SELECT ?facet ?x ?xl for filter choices, read from vocabularies, never from every row
    labels: dict[str, str] = field(default_factory=dict)
    counted: str = ""  # a pattern binding ?c for each row ($), counted per row up to ROW_COUNT_CAP into ?count


def _cell(links: Links, row: dict[str, str], iri: str, label: str) -> TableCell:
    return TableCell(row.get(label) or (local_name(row[iri]) if iri in row else ""),
                     links.local_url(row[iri]) if iri in row else None, linkable=True)


def linked_columns(links: Links, name: str) -> list[bool]:
    """Which columns of the list ``name`` hold links: from its definition, not from the rows of one page,
    so that every page of a list as CSV or JSON has the same columns."""
    return [cell.linkable for cell in SPECS[name].cells(links, {})]


def _text(row: dict[str, str], name: str) -> TableCell:
    return TableCell(row.get(name, ""))


def _iri_filter(base: str, pattern: str) -> Callable[[str], str | None]:
    """A filter on one IRI (``$`` in ``pattern``); paths are written from the given IRI outwards,
    as a path ending in a constant the store evaluated from every subject."""
    def build(value: str) -> str | None:
        iri = slug_or_iri(value, base)
        return pattern.replace("$", f"<{iri}>") if iri else None
    return build


def _iris_filter(base: str, pattern: str, var: str) -> Callable[[str], str | None]:
    """A filter taking one value or several separated by commas (any of them matches)."""
    def build(value: str) -> str | None:
        iris = [slug_or_iri(v.strip(), base) for v in value.split(",") if v.strip()]
        if not iris or None in iris:
            return None
        return pattern.replace("$", f"?{var}") + f" VALUES ?{var} {{ {' '.join(f'<{i}>' for i in iris)} }}"
    return build


def _date_filter(pattern: str) -> Callable[[str], str | None]:
    return lambda value: pattern.replace("$", f'"{value}"^^<{P["xsd"]}date>') if valid_date(value) else None


#: The places offered as region filters: countries, regions and wider (a gazetteer has
#: thousands of villages; a filter still takes any place's slug). Places only: events carry
#: a place precision too (how closely their place is known), and are no region.
LARGE_PLACES = (f"VALUES ?pr {{ <{VOCAB}place-precision/supranational> <{VOCAB}place-precision/country> "
                f"<{VOCAB}place-precision/region> }} ?x <{SHG}placePrecision> ?pr ; a <{SHG}Place> ; "
                f"<{RDFS_LABEL}> ?xl FILTER(LANG(?xl) IN ('en', '')) .")

SPECS: dict[str, ListSpec] = {
    "incidents": ListSpec(
        "incidents", N_("Incidents"), f"?s a <{SHG}Incident> ; <{RDFS_LABEL}> ?label FILTER(LANG(?label) IN ('en', '')) .",
        "(SAMPLE(?p) AS ?place) (SAMPLE(?pl) AS ?placel) (SAMPLE(?t) AS ?type) (SAMPLE(?tl) AS ?typel) "
        "(SAMPLE(?st) AS ?start) (SAMPLE(?en) AS ?end) (SAMPLE(?g) AS ?grade) (SAMPLE(?gl) AS ?gradel)",
        f"OPTIONAL {{ ?s <{SEM}hasPlace> ?p OPTIONAL {{ ?p <{RDFS_LABEL}> ?pl FILTER(LANG(?pl) IN ('en', '')) }} }} "
        f"OPTIONAL {{ ?s <{SEM}eventType> ?t OPTIONAL {{ ?t <{SKOS_PREF}> ?tl FILTER(LANG(?tl) IN ('en', '')) }} }} "
        f"OPTIONAL {{ ?s <{SEM}hasEarliestBeginTimeStamp> ?st }} OPTIONAL {{ ?s <{SEM}hasLatestEndTimeStamp> ?en }} "
        f"OPTIONAL {{ ?gs <{SHG}summarises> ?s ; <{SHG}grade> ?g OPTIONAL {{ ?g <{SKOS_PREF}> ?gl FILTER(LANG(?gl) IN ('en', '')) }} }}",
        [N_("Incident"), N_("Type"), N_("Place"), N_("When"), N_("Grade (computed)"), N_("Claims")],
        lambda s, r: [_cell(s, r, "s", "label"), _cell(s, r, "type", "typel"), _cell(s, r, "place", "placel"),
                      TableCell(window_text(r.get("start"), r.get("end"))), _cell(s, r, "grade", "gradel"),
                      _text(r, "count")],
        {"region": _iri_filter(ENTITY_BASE + "place/", f"?rx <{GEO}sfWithin>* $ . ?s <{SEM}hasPlace> ?rx ."),
         "type": _iri_filter(VOCAB + "incident-type/", f"?tx <{SKOS}broader>* $ . ?s <{SEM}eventType> ?tx ."),
         "from": _date_filter(f"FILTER NOT EXISTS {{ ?s <{SEM}hasLatestEndTimeStamp> ?e0 FILTER(?e0 < $) }}"),
         "to": _date_filter(f"FILTER NOT EXISTS {{ ?s <{SEM}hasEarliestBeginTimeStamp> ?b0 FILTER(?b0 > $) }}"),
         # the grade is computed by the build (derived graph, ontology/rules/grade.rq), never asserted
         "grade": _iri_filter(VOCAB + "grade/", f"?gx <{SHG}grade> $ ; <{SHG}summarises> ?s .")},
        f"""SELECT DISTINCT ?facet ?x ?xl WHERE {{
          {{ BIND("region" AS ?facet) {LARGE_PLACES} }}
          UNION {{ BIND("type" AS ?facet) ?x <{SKOS}inScheme> <{VOCAB}incident-type> ; <{SKOS_PREF}> ?xl FILTER(LANG(?xl) IN ('en', '')) }}
          UNION {{ BIND("grade" AS ?facet) ?x <{SKOS}inScheme> <{VOCAB}grade> ; <{SKOS_PREF}> ?xl FILTER(LANG(?xl) IN ('en', '')) }} }}""",
        {"region": N_("Region or place"), "type": N_("Type"), "from": N_("From"), "to": N_("To"),
         "grade": N_("Grade (computed)")},
        f"?c <{SHG}about> $ .",
    ),
    "actors": ListSpec(
        "actors", N_("Actors"), f"?s a/<{P['rdfs']}subClassOf>* <{SHG}Actor> ; <{RDFS_LABEL}> ?label FILTER(LANG(?label) IN ('en', '')) .",
        '(GROUP_CONCAT(DISTINCT STR(?cat); separator=" ") AS ?cats_iris) (GROUP_CONCAT(DISTINCT ?alt; separator=", ") AS ?alts)',
        f"OPTIONAL {{ ?s <{SHG}actorCategory> ?cat }} OPTIONAL {{ ?s <{SKOS}altLabel> ?alt }}",
        [N_("Actor"), N_("Also known as"), N_("Category"), N_("Claims made")],
        lambda s, r: [_cell(s, r, "s", "label"), _text(r, "alts"), _text(r, "cats"), _text(r, "count")],
        {"category": _iri_filter(VOCAB + "actor-category/", f"?s <{SHG}actorCategory> $ .")},
        f"""SELECT DISTINCT ?facet ?x ?xl WHERE {{ BIND("category" AS ?facet)
          ?x <{SKOS}inScheme> <{VOCAB}actor-category> ; <{SKOS_PREF}> ?xl FILTER(LANG(?xl) IN ('en', '')) }}""",
        {"category": N_("Category")},
        f"?c <{PROV}wasAttributedTo> $ .",
    ),
    "places": ListSpec(
        "places", N_("Places"), f"?s a <{SHG}Place> ; <{RDFS_LABEL}> ?label FILTER(LANG(?label) IN ('en', '')) .",
        "(SAMPLE(?w) AS ?within) (SAMPLE(?wl) AS ?withinl) (SAMPLE(?pr) AS ?precision) (SAMPLE(?prl) AS ?precisionl)",
        f"OPTIONAL {{ ?s <{GEO}sfWithin> ?w OPTIONAL {{ ?w <{RDFS_LABEL}> ?wl FILTER(LANG(?wl) IN ('en', '')) }} }} "
        f"OPTIONAL {{ ?s <{SHG}placePrecision> ?pr OPTIONAL {{ ?pr <{SKOS_PREF}> ?prl FILTER(LANG(?prl) IN ('en', '')) }} }}",
        [N_("Place"), N_("Kind"), N_("Within"), N_("Events here or below")],
        lambda s, r: [_cell(s, r, "s", "label"), _cell(s, r, "precision", "precisionl"), _cell(s, r, "within", "withinl"),
                      _text(r, "count")],
        {"within": _iri_filter(ENTITY_BASE + "place/", f"?s <{GEO}sfWithin>+ $ .")},
        f"""SELECT DISTINCT ?facet ?x ?xl WHERE {{ BIND("within" AS ?facet) {LARGE_PLACES} }}""",
        {"within": N_("Within")},
        f"?x <{GEO}sfWithin>* $ . ?c <{SEM}hasPlace> ?x .",
    ),
    "sources": ListSpec(
        "sources", N_("Source documents"), f"?s a <{SHG}SourceDocument> ; <{DCT}title> ?label .",
        "(SAMPLE(?pub) AS ?publisher) (SAMPLE(?publ) AS ?publisherl) (SAMPLE(?ea) AS ?earliest) "
        "(SAMPLE(?la) AS ?latest) (SAMPLE(?is) AS ?issued)",
        f"OPTIONAL {{ ?s <{DCT}publisher>|<{DCT}creator> ?pub OPTIONAL {{ ?pub <{RDFS_LABEL}> ?publ FILTER(LANG(?publ) IN ('en', '')) }} }} "
        f"OPTIONAL {{ ?s <{SHG}earliestPublication> ?ea }} OPTIONAL {{ ?s <{SHG}latestPublication> ?la }} "
        f"OPTIONAL {{ ?s <{DCT}issued> ?is }}",
        [N_("Title"), N_("Publisher or author"), N_("Published"), N_("Claims")],
        lambda s, r: [_cell(s, r, "s", "label"), _cell(s, r, "publisher", "publisherl"),
                      TableCell(r.get("issued") or window_text(r.get("earliest"), r.get("latest"))), _text(r, "count")],
        {"publisher": _iri_filter(ENTITY_BASE + "actor/", f"?s <{DCT}publisher>|<{DCT}creator> $ ."),
         "written_in": _iri_filter(ENTITY_BASE + "place/", f"?wx <{GEO}sfWithin>* $ . ?s <{SCHEMA}locationCreated> ?wx .")},
        "", {"publisher": N_("Publisher or author"), "written_in": N_("Written in")},
        f"?c <{PROV}wasDerivedFrom> $ .",
    ),
    "claims": ListSpec(
        "claims", N_("Claims"), f"?s a <{SHG}Claim> ; <{RDFS_LABEL}> ?label FILTER(LANG(?label) IN ('en', '')) .",
        "(SAMPLE(?st) AS ?stance) (SAMPLE(?stl) AS ?stancel) (SAMPLE(?a) AS ?about) (SAMPLE(?al) AS ?aboutl) "
        "(SAMPLE(?d) AS ?doc) (SAMPLE(?dl) AS ?docl)",
        f"OPTIONAL {{ ?s <{SHG}stance> ?st OPTIONAL {{ ?st <{SKOS_PREF}> ?stl FILTER(LANG(?stl) IN ('en', '')) }} }} "
        f"OPTIONAL {{ ?s <{SHG}about> ?a OPTIONAL {{ ?a <{RDFS_LABEL}> ?al FILTER(LANG(?al) IN ('en', '')) }} }} "
        f"OPTIONAL {{ ?s <{PROV}wasDerivedFrom> ?d OPTIONAL {{ ?d <{DCT}title> ?dl }} }}",
        [N_("Claim"), N_("Stance"), N_("About"), N_("Source document")],
        lambda s, r: [_cell(s, r, "s", "label"), _cell(s, r, "stance", "stancel"), _cell(s, r, "about", "aboutl"),
                      _cell(s, r, "doc", "docl")],
        {"stance": _iris_filter(VOCAB + "stance/", f"?s <{SHG}stance> $ .", "stance0"),
         "about": _iri_filter(ENTITY_BASE + "incident/", f"?s <{SHG}about> $ ."),
         "speaker": _iri_filter(ENTITY_BASE + "actor/", f"?s <{PROV}wasAttributedTo> $ ."),
         "affiliated": _iri_filter(ENTITY_BASE + "actor/", f"?am <{SCHEMA}affiliation> $ . ?s <{PROV}wasAttributedTo> ?am ."),
         "perpetrator": _iri_filter(ENTITY_BASE + "actor/", f"?s <{SHG}allegedPerpetrator> $ ."),
         "mentions": _iri_filter(ENTITY_BASE + "actor/", f"?s <{SHG}mentions> $ ."),
         "agent": _iri_filter(ENTITY_BASE + "actor/", f"?qa <{PROV}agent> $ . ?s <{PROV}qualifiedInfluence>|<{PROV}qualifiedAttribution> ?qa ."),
         "source": _iri_filter(ENTITY_BASE + "source/", f"?s <{PROV}wasDerivedFrom> $ .")},
        f"""SELECT DISTINCT ?facet ?x ?xl WHERE {{ BIND("stance" AS ?facet)
          ?x <{SKOS}inScheme> <{VOCAB}stance> ; <{SKOS_PREF}> ?xl FILTER(LANG(?xl) IN ('en', '')) }}""",
        {"stance": N_("Stance"), "about": N_("About incident"), "speaker": N_("Said by"), "affiliated": N_("Said by someone affiliated with"),
         "perpetrator": N_("Alleged perpetrator"), "mentions": N_("Mentions"), "agent": N_("Spoken for or relayed by"),
         "source": N_("Source document")},
    ),
}


def _filter_patterns(spec: ListSpec, chosen: dict[str, str]) -> tuple[str, list[str]]:
    patterns, errors = [], []
    for name, value in chosen.items():
        if not value or name not in spec.filters:
            continue
        pattern = spec.filters[name](value)
        if pattern is None:
            errors.append(_("Ignored the “%(filter)s” filter: “%(value)s” is not a valid value.")
                          % {"filter": _(spec.labels.get(name, name)), "value": value})
        else:
            patterns.append(pattern)
    return " ".join(patterns), errors


def _filters(backend: GraphBackend, spec: ListSpec, chosen: dict[str, str]) -> list[FilterView]:
    """The filter controls: those with choices, the date inputs, and any other filter in use."""
    options: dict[str, list[Option]] = {}
    if spec.facets:
        found = rows(backend, f"{spec.facets} LIMIT {FACET_CAP}")
        labels = labels_of(backend, {r["x"] for r in found})  # the reader's language where the data has it
        for r in found:
            r["xl"] = labels[r["x"]][0] if r["x"] in labels else r.get("xl", local_name(r["x"]))
        for r in sorted(found, key=lambda r: r["xl"].casefold()):
            slug = local_name(r["x"])
            options.setdefault(r["facet"], []).append(Option(slug, r["xl"], chosen.get(r["facet"]) in (slug, r["x"])))
    shown = []
    for name, english in spec.labels.items():
        label = _(english)
        value = chosen.get(name, "")
        if name in ("from", "to"):
            shown.append(FilterView(name, label, value, None))
        elif options.get(name) or value:
            choices = options.get(name, [])
            if value and not any(o.selected for o in choices):
                choices = [*choices, Option(value, value, True)]
            shown.append(FilterView(name, label, value, choices))
    return shown


#: A list longer than this is not sorted by label (sorting it would read every label) but
#: shown in the store's order, by identifier; its total is given as "more than".
SORT_CAP = 2000
#: Choices offered per filter form (a filter still takes any value typed into the URL).
FACET_CAP = 300
#: Per-row counts (claims of an incident, events in a place, ...) stop at this.
ROW_COUNT_CAP = 1000


def _row_counts(backend: GraphBackend, spec: ListSpec, iris: list[str]) -> dict[str, str]:
    """Each row's count, capped (one query: a capped subquery per row)."""
    if not spec.counted or not iris:
        return {}
    parts = [f"{{ {{ SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?c WHERE {{ {spec.counted.replace('$', f'<{iri}>')} }} "
             f"LIMIT {ROW_COUNT_CAP + 1} }} }} BIND(<{iri}> AS ?s) }}" for iri in iris]
    found = rows(backend, "SELECT ?s ?n WHERE { " + " UNION ".join(parts) + " }")
    return {r["s"]: (f"{ROW_COUNT_CAP}+" if int(r["n"]) > ROW_COUNT_CAP else r["n"]) for r in found}


def browse_view(backend: GraphBackend, links: Links, name: str, chosen: dict[str, str],
                page: int = 1, per_page: int = 20) -> BrowseView:
    """One page of the list ``name`` with the chosen filters (five queries).

    The total is counted up to :data:`SORT_CAP`; a list that long is paged in the
    store's order rather than sorted by label, so no page reads the whole list.
    """
    spec = SPECS[name]
    extra, errors = _filter_patterns(spec, chosen)
    where = f"{extra} {spec.core}"  # the filters first: the store tends to start from the first pattern
    # Counted from the filters, the kind checked per match: joined with the filters,
    # the kind's pattern made the store plan a scan (region filter at 100k: 1 s, not 0.25 s).
    counted = f"{extra} FILTER EXISTS {{ {spec.core} }}" if extra else spec.core
    total = int(rows(backend, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s WHERE {{ {counted} }} "
                              f"LIMIT {SORT_CAP + 1} }}")[0].get("n", 0))
    long_list = total > SORT_CAP
    per_page = max(1, min(per_page, 200))
    pages = max(1, math.ceil(total / per_page))
    page = max(1, page) if long_list else max(1, min(page, pages))
    order = "" if long_list else "ORDER BY LCASE(STR(?label)) ?s"
    ids = rows(backend, f"SELECT DISTINCT ?s ?label WHERE {{ {where} }} {order} "
                        f"LIMIT {per_page} OFFSET {(page - 1) * per_page}")
    found = relabel(backend, _details(backend, spec, ids))
    counts = _row_counts(backend, spec, [r["s"] for r in ids])
    for r in found:
        if r["s"] in counts:
            r["count"] = counts[r["s"]]
    kept = {k: v for k, v in chosen.items() if v and k in spec.filters}
    def href(p: int) -> str:
        return f"{BROWSE}/{name}?" + urlencode({**kept, "page": p,
                                                **({"per_page": per_page} if per_page != 20 else {})})

    has_next = len(ids) == per_page if long_list else page < pages
    return BrowseView(
        page_meta(links, f"{BROWSE}/{name}", _(spec.title), _("Browse")), name, [_(c) for c in spec.columns],
        [spec.cells(links, r) for r in found], total, page, pages, _filters(backend, spec, chosen),
        href(page - 1) if page > 1 else None, href(page + 1) if has_next else None, errors,
        browse_lists(), long_list,
    )


def relabel(backend: GraphBackend, found: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows whose labels (``label`` for ``s``; ``xl`` for each IRI column ``x``) follow the one label rule,
    and whose ``x_iris`` columns (IRIs separated by spaces) become ``x``: their labels, sorted (one query at most).

    The lists' queries read English labels, so that each thing is one row and the order is
    the same in every language; a reader of another language sees its labels where the data has them.
    """
    pairs = {("s", "label")} | {(key, key + "l") for r in found for key in r if key + "l" in r}
    if current() == "en":
        pairs = set()
    many = {key for r in found for key in r if key.endswith("_iris")}
    wanted = {r[key] for r in found for key, _l in pairs if key in r}
    wanted |= {iri for r in found for key in many for iri in r.get(key, "").split()}
    labels = labels_of(backend, wanted) if wanted else {}
    for r in found:
        for key, label in pairs:
            if key in r and r[key] in labels:
                r[label] = labels[r[key]][0]
        for key in many:
            names = [labels[i][0] if i in labels else local_name(i) for i in r.pop(key, "").split()]
            r[key.removesuffix("_iris")] = ", ".join(sorted(names, key=str.casefold))
    return found


def _details(backend: GraphBackend, spec: ListSpec, ids: list[dict[str, str]]) -> list[dict[str, str]]:
    """The columns of the rows of one page, in the page's order (one query, none for an empty page)."""
    if not ids:
        return []
    values = " ".join(f"<{r['s']}>" for r in ids)
    found = {r["s"]: r for r in rows(backend, f"""SELECT ?s ?label {spec.select} WHERE {{
      VALUES ?s {{ {values} }} {spec.core} {spec.detail} }} GROUP BY ?s ?label""")}
    return [found.get(r["s"], r) for r in ids]
