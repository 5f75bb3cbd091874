"""Plain view objects for the entity pages, built from a few whole queries.

Templates receive these dataclasses (strings, numbers, links), never RDF
terms. Each ``*_view`` function asks the backend a handful of queries at
most, whatever the number of rows it shows.

>>> link_to(Links("http://localhost:8000/"), "https://w3id.org/sahel-harm/id/place/mali", "Mali")
Link(text='Mali', href='http://localhost:8000/id/place/mali', title='place:mali')
>>> human_date("2024-06-20")
'20 June 2024'
>>> parse_wkt("POINT(-8.0029 12.6392)")
(12.6392, -8.0029)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from sahel_kg.store.backend import GraphBackend
from sahel_kg.pages.charts import RangeChart, RangeInput, range_chart
from sahel_kg.pages.resources import MAX_SUBJECTS, Resource, Value, facts, facts_of, rows
from sahel_kg.labels import LABEL_PROPS, RDFS_LABEL, SKOS_ALT
from sahel_kg.namespaces import BASE, PREFIXES, compact, local_name
from sahel_kg.links import BROWSE, Links
from sahel_kg.store.cache import cache_for

P = PREFIXES
SHG, PROV, SEM, GEO = P["shg"], P["prov"], P["sem"], P["geo"]
DCT, SCHEMA, SKOS, RDFS = P["dcterms"], P["schema"], P["skos"], P["rdfs"]
RDF_FORMATS = (("text/turtle", ".ttl", "Turtle"), ("application/ld+json", ".jsonld", "JSON-LD"),
               ("application/n-triples", ".nt", "N-Triples"), ("application/rdf+xml", ".rdf", "RDF/XML"))
FRIENDLY_PROPS = {
    SEM + "hasEarliestBeginTimeStamp": "earliest start", SEM + "hasLatestEndTimeStamp": "latest end",
    SHG + "earliestPublication": "earliest publication date", SHG + "latestPublication": "latest publication date",
}
RESPONSE_STANCES = {"confirms", "disputes", "denies", "disclaims-knowledge"}


# ---------------------------------------------------------------- common pieces

@dataclass(frozen=True)
class Link:
    """A link to show: its text, where it goes, and the IRI in short form."""

    text: str
    href: str
    title: str | None = None


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
    """A link for an IRI value, labelled."""
    return link_to(links, value.text, value.label)


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
    return Meta(title, kind, url, iri, [Alternate(t, url + suffix, label) for t, suffix, label in RDF_FORMATS])


def human_date(text: str | None) -> str:
    """An ISO date as '20 June 2024' (other text unchanged)."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return text or ""
    return f"{day.day} {day.strftime('%B')} {day.year}"


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
        return f"no later than {human_date(end)}"
    if start:
        return f"no earlier than {human_date(start)}"
    return "not known"


def inferences(resource: Resource) -> list[Inference]:
    """The curator inferences recorded on a resource."""
    found = []
    for value in resource.values(SHG + "curatorInference"):
        if value.node is None:
            continue
        props = [FRIENDLY_PROPS.get(v.text, v.label or compact(v.text))
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


# ---------------------------------------------------------------- places and maps

@dataclass(frozen=True)
class PlaceStep:
    """One place in a geo:sfWithin chain."""

    link: Link
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class MapView:
    """A map box: coordinates if known (perhaps a containing place's), else why not."""

    place: str
    lat: float | None
    lon: float | None
    note: str
    shown: Link | None = None


def parse_wkt(wkt: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) from a WKT point, which gives longitude first."""
    match = re.search(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", wkt or "", re.I)
    return (float(match.group(2)), float(match.group(1))) if match else None


def place_chain(backend: GraphBackend, links: Links, place: str) -> list[PlaceStep]:
    """The place and every place containing it, innermost first (one query, none when remembered).

    A place's chain is the same for every page of a store's life, so it is
    remembered per store (see :mod:`sahel_kg.store.cache`); the links are made here.
    """
    found = cache_for(backend).chains.remember(place, lambda: chain_rows(backend, place))
    info = {r["a"]: r for r in found}
    chain, current = [], place
    while current in info and len(chain) < 20:
        row = info[current]
        point = parse_wkt(row.get("wkt"))
        chain.append(PlaceStep(link_to(links, current, row.get("l")), *(point or (None, None))))
        current = row.get("parent", "")
    return chain


def chain_rows(backend: GraphBackend, place: str) -> tuple[dict[str, str], ...]:
    """The rows behind :func:`place_chain`: each place up the chain, its label, parent and WKT."""
    return tuple(rows(backend, f"""SELECT ?a ?l ?parent ?wkt WHERE {{
      <{place}> <{GEO}sfWithin>* ?a . OPTIONAL {{ ?a <{RDFS_LABEL}> ?l FILTER(LANG(?l) IN ('en', '')) }}
      OPTIONAL {{ ?a <{GEO}sfWithin> ?parent }} OPTIONAL {{ ?a <{GEO}hasGeometry>/<{GEO}asWKT> ?wkt }} }}"""))


def map_view(chain: list[PlaceStep]) -> MapView | None:
    """The map for the first place of the chain, falling back to a containing place."""
    if not chain:
        return None
    name = chain[0].link.text
    for step in chain:
        if step.lat is not None:
            note = "" if step is chain[0] else (f"No coordinates are recorded for {name}; "
                                                  f"the map shows {step.link.text}, which contains it.")
            return MapView(name, step.lat, step.lon, note, step.link)
    return MapView(name, None, None, f"No coordinates are recorded for {name} or the places containing it.")


# ---------------------------------------------------------------- claims

@dataclass(frozen=True)
class CountView:
    """One figure of a claim, as the speaker put it."""

    what: str
    text: str
    low: int | None
    best: int | None
    high: int | None
    qualifier: str
    qualifier_label: str
    subtotal: bool = False
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ClaimRef:
    """A link to a claim, with its anchor on an incident page."""

    text: str
    href: str
    anchor: str


@dataclass(frozen=True)
class Speaker:
    """Who made a claim and whom they belong to."""

    link: Link
    affiliation: Link | None = None
    job: str | None = None


@dataclass
class ClaimRow:
    """Everything shown about one claim."""

    ref: ClaimRef
    label: str
    stance: Link | None
    stance_slug: str
    speakers: list[Speaker]
    roles: list[tuple[str, Link]]
    about: list[Link]
    total: CountView | None
    other_counts: list[CountView]
    victim_status: list[Link]
    victim_groups: list[Link]
    populations: list[Link]
    perpetrators: list[Link]
    methods: list[Link]
    mentions: list[Link]
    characterisations: list[str]
    speaker_words: list[str]
    quotes: list[str]
    source: Link | None
    publishers: list[Link]
    creators: list[Link]
    source_date: str
    comment: str | None
    responds_to: list[ClaimRef] = field(default_factory=list)
    answered_by: list[ClaimRef] = field(default_factory=list)
    part_of: list[Link] = field(default_factory=list)

    @property
    def is_response(self) -> bool:
        """True for claims that answer others."""
        return bool(self.responds_to)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def count_text(qualifier: str, low: int | None, best: int | None, high: int | None) -> str:
    """A figure in words, faithful to how it was put.

    >>> count_text("at-least", 60, None, None), count_text("approximately", None, 30, None)
    ('at least 60', 'around 30')
    >>> count_text("dozens", 24, None, None), count_text("more-than", 31, None, None)
    ('dozens (read as at least 24)', 'more than 30')
    """
    if qualifier == "exact" and best is not None:
        return str(best)
    if qualifier == "at-least" and low is not None:
        return f"at least {low}"
    if qualifier == "more-than" and low is not None:
        return f"more than {low - 1}"
    if qualifier == "approximately" and best is not None:
        return f"around {best}"
    if qualifier == "dozens":
        return f"dozens (read as at least {low})" if low is not None else "dozens"
    if qualifier == "unquantified":
        return "no number given"
    parts = [f"{name} {n}" for name, n in (("low", low), ("best", best), ("high", high)) if n is not None]
    return ", ".join(parts) or "no number given"


def count_view(node: Resource) -> CountView:
    """A count blank node as a :class:`CountView`."""
    ctype = node.first(SHG + "countType")
    qual = node.first(SHG + "countQualifier")
    low, best, high = (_int(node.text(SHG + n)) for n in ("low", "best", "high"))
    qslug = local_name(qual.text) if qual else ""
    details = [v.label or local_name(v.text) for prop in (SHG + "victimGroup", SHG + "method")
               for v in node.values(prop)]
    if comment := node.text(RDFS_LABEL.replace("label", "comment")):
        details.append(comment)
    return CountView(ctype.display if ctype else "count", count_text(qslug, low, best, high), low, best, high,
                     qslug, qual.display if qual else "", node.text(SHG + "subtotal") in ("true", "1"), sorted(details))


def claim_ref(links: Links, iri: str, label: str) -> ClaimRef:
    """A claim link with its page anchor."""
    return ClaimRef(label, links.local_url(iri), "claim-" + local_name(iri))


def _source_bits(links: Links, source: Resource | None) -> tuple[list[Link], list[Link], str]:
    if source is None:
        return [], [], ""
    issued = source.text(DCT + "issued")
    when = human_date(issued) if issued else window_text(source.text(SHG + "earliestPublication"),
                                                          source.text(SHG + "latestPublication"))
    return links_of(links, source, DCT + "publisher"), links_of(links, source, DCT + "creator"), when


def claim_row(links: Links, claim: Resource, related: dict[str, Resource]) -> ClaimRow:
    """A claim's row from its facts and those of its speakers and source."""
    speakers = []
    for value in claim.values(PROV + "wasAttributedTo"):
        person = related.get(value.text)
        affiliation = person.first(SCHEMA + "affiliation") if person else None
        speakers.append(Speaker(value_link(links, value), value_link(links, affiliation) if affiliation else None,
                                person.text(SCHEMA + "jobTitle") if person else None))
    roles = []
    # relays and principals are qualified influences; older data may still carry qualified attributions
    for value in claim.values(PROV + "qualifiedInfluence") + claim.values(PROV + "qualifiedAttribution"):
        if value.node and (agent := value.node.first(PROV + "agent")):
            role = value.node.first(PROV + "hadRole")
            roles.append((role.display if role else "attributed to", value_link(links, agent)))
    counts = [count_view(v.node) for v in claim.values(SHG + "count") if v.node is not None]
    killed = [c for c in counts if c.what == "killed" and not c.subtotal]
    total = killed[0] if killed else None
    source = claim.first(PROV + "wasDerivedFrom")
    publishers, creators, when = _source_bits(links, related.get(source.text) if source else None)
    stance = claim.first(SHG + "stance")
    return ClaimRow(
        ref=claim_ref(links, claim.id, claim.label), label=claim.label,
        stance=value_link(links, stance) if stance else None,
        stance_slug=local_name(stance.text) if stance else "", speakers=speakers, roles=sorted(roles, key=str),
        about=links_of(links, claim, SHG + "about"), total=total,
        other_counts=[c for c in counts if c is not total],
        victim_status=links_of(links, claim, SHG + "victimStatus"),
        victim_groups=links_of(links, claim, SHG + "victimGroup"),
        populations=links_of(links, claim, SHG + "targetedPopulation"),
        perpetrators=links_of(links, claim, SHG + "allegedPerpetrator"),
        methods=links_of(links, claim, SHG + "method"), mentions=links_of(links, claim, SHG + "mentions"),
        characterisations=texts(claim, SHG + "characterisation"),
        speaker_words=texts(claim, SHG + "speakerWords"),
        quotes=sorted(v.node.text(P["oa"] + "exact") or "" for v in claim.values(SHG + "quote") if v.node),
        source=value_link(links, source) if source else None, publishers=publishers, creators=creators,
        source_date=when, comment=claim.text(RDFS + "comment"),
        responds_to=[claim_ref(links, v.text, v.display) for v in claim.values(SHG + "respondsTo")],
        part_of=links_of(links, claim, SHG + "allegedPartOf"),
    )


def claim_rows(links: Links, claims: dict[str, Resource], related: dict[str, Resource]) -> list[ClaimRow]:
    """Rows for claims, each knowing which of the others answer it."""
    built = {iri: claim_row(links, c, related) for iri, c in claims.items()}
    for row in built.values():
        for target in row.responds_to:
            for other in built.values():
                if other.ref.href == target.href:
                    other.answered_by.append(row.ref)
    return list(built.values())


def _figure(row: ClaimRow) -> int:
    count = row.total
    return max((n for n in (count.low, count.best, count.high) if n is not None), default=-1) if count else -1


def comparison_order(rows_: list[ClaimRow]) -> list[ClaimRow]:
    """Claims with the largest figures first; each response right after the last claim it answers."""
    originals = sorted((r for r in rows_ if not r.is_response), key=lambda r: (-_figure(r), r.label))
    ordered = list(originals)
    for response in sorted((r for r in rows_ if r.is_response), key=lambda r: r.label):
        targets = [i for i, r in enumerate(ordered) if r.ref in response.responds_to or
                   any(t.href == r.ref.href for t in response.responds_to)]
        ordered.insert(max(targets) + 1 if targets else len(ordered), response)
    return ordered


def chart_for(rows_: list[ClaimRow]) -> RangeChart | None:
    """The fatality-range picture of the claims that give a total death toll."""
    items = [RangeInput(_speaker_names(r), "#" + r.ref.anchor, r.total.text, r.total.low, r.total.best,
                        r.total.high, r.total.qualifier) for r in rows_ if r.total is not None]
    return range_chart(items) if items else None


def _speaker_names(row: ClaimRow) -> str:
    names = " & ".join(s.link.text for s in row.speakers) or row.label
    return names if len(names) <= 38 else names[:36] + "…"


def claims_selector(pattern: str) -> str:
    """A selector for claims matching ``pattern`` (which uses ``?s``).

    The type is checked with FILTER EXISTS: as a joined triple pattern the
    store may start from it and scan every claim before the selective pattern.
    """
    return f"{pattern} FILTER EXISTS {{ ?s a <{SHG}Claim> }}"


#: From a claim to the speakers and source documents its row shows.
RELATED = f"<{PROV}wasAttributedTo>|<{PROV}wasDerivedFrom>"
#: What a claim's row shows of its speakers and source documents (see :func:`claim_row`):
#: only these of their triples are read.
RELATED_PROPS = (*LABEL_PROPS, SCHEMA + "affiliation", SCHEMA + "jobTitle", DCT + "publisher", DCT + "creator",
                 DCT + "issued", SHG + "earliestPublication", SHG + "latestPublication")


def split_claims(found: dict[str, Resource]) -> tuple[dict[str, Resource], dict[str, Resource]]:
    """Claims read with their speakers and sources (see :data:`RELATED`), told apart."""
    claims = {iri: r for iri, r in found.items() if SHG + "Claim" in r.types}
    return claims, found


def rows_by_iri(backend: GraphBackend, links: Links, iris: list[str]) -> dict[str, ClaimRow]:
    """The rows of the given claims (two queries: the claims with their speakers and sources, and labels)."""
    claims, related = split_claims(facts_of(backend, iris, hop=RELATED, hop_props=RELATED_PROPS))
    claims = {iri: claims[iri] for iri in iris if iri in claims}
    return dict(zip(claims, claim_rows(links, claims, related)))


# ---------------------------------------------------------------- bounded lists

#: Items shown per list on an entity page; the rest are one "more" link away.
SHOWN = 50
#: Claims shown per list on an actor's page (it has six lists).
ACTOR_SHOWN = 20
#: How many of the claims an actor made are looked at for denials (see :func:`actor_sections`).
DENIAL_WINDOW = 250
#: Lists are counted up to this many; a longer one says "more than" (counting is a scan).
COUNT_CAP = 500


@dataclass
class Part:
    """A bounded list on a page: how many in all, the first few, and where to see them all.

    ``total`` is exact up to :data:`COUNT_CAP`; ``capped`` says there are more than that.
    A "more" link is set only when some are not shown.
    """

    total: int
    items: list  # type: ignore[type-arg]  # ClaimRow, Link or EventItem
    more: str | None = None
    capped: bool = False
    scope: str | None = None  # when only part of the matches were looked at

    @property
    def count_text(self) -> str:
        """The count in words: '12', 'more than 500' for a capped count, or with its scope."""
        text = f"more than {self.total}" if self.capped else str(self.total)
        return f"{text} {self.scope}" if self.scope else text

    def __iter__(self):  # type: ignore[no-untyped-def]
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


def part(total: int, items: list, more: str | None, key=lambda item: item.text.casefold(),  # type: ignore[no-untyped-def,type-arg]
         cap: int = COUNT_CAP) -> Part:
    """A :class:`Part` of items sorted by ``key``, with its "more" link only when some are not shown."""
    return Part(min(total, cap), sorted(items, key=key), more if total > len(items) else None, total > cap)


def claims_part(total: int, iris: list[str], claim_rows_: dict[str, ClaimRow], more: str | None,
                cap: int = COUNT_CAP) -> Part:
    """A :class:`Part` of claim rows, by label."""
    return part(total, [claim_rows_[i] for i in iris if i in claim_rows_], more, key=lambda r: r.label.casefold(),
                cap=cap)


def links_part(links: Links, total: int, iris: list[str], found: dict[str, Resource], more: str | None) -> Part:
    """A :class:`Part` of links, labelled from ``found``."""
    return part(total, [link_to(links, i, found[i].label if i in found else None) for i in iris], more)


# ---------------------------------------------------------------- entity pages

@dataclass
class EntityView:
    """Fields every entity page has."""

    meta: Meta
    label: str
    types: list[Link]
    comment: str | None
    inferences: list[Inference]
    statements: list[Statement]


def entity_base(links: Links, resource: Resource, kind: str) -> EntityView:
    """The common part of an entity's view."""
    return EntityView(meta_for(links, resource.id, resource.label, kind), resource.label,
                      links_of(links, resource, P["rdf"] + "type"), resource.text(RDFS + "comment"),
                      inferences(resource), statements(links, resource))


@dataclass
class IncidentView:
    """The incident page: identity, time, place, and the claims comparison."""

    base: EntityView
    event_type: list[Link]
    window: str
    time_precision: Link | None
    place: Link | None
    place_precision: Link | None
    chain: list[PlaceStep]
    map: MapView | None
    claims: list[ClaimRow]
    chart: RangeChart | None
    responses: list[Link]
    possibly_same: list[Link]
    actors: list[Link]
    concerns: list[Link]
    addressees: list[Link]


def event_query(iri: str) -> str:
    """The claims about an event (``?s``: those about it, alleged part of it, or answering them; at most
    :data:`~sahel_kg.pages.resources.MAX_SUBJECTS`) and what concerns it (``?r``, labelled ``?l``), in one SELECT.

    No type check on the claims: these properties are used on claims only, a
    FILTER EXISTS per match cost more than the rest of the query, and only the
    matches typed as claims become rows.
    """
    claims = (f"{{ ?s <{SHG}about> <{iri}> }} UNION {{ ?s <{SHG}allegedPartOf> <{iri}> }} "
              f"UNION {{ ?answered <{SHG}about> <{iri}> . ?s <{SHG}respondsTo> ?answered }}")
    return (f"SELECT ?s ?r ?l WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ {claims} }} LIMIT {MAX_SUBJECTS} }} "
            f"UNION {{ SELECT DISTINCT ?r ?l WHERE {{ ?r <{SHG}concerns> <{iri}> . "
            f"OPTIONAL {{ ?r <{RDFS_LABEL}> ?l FILTER(LANG(?l) IN ('en', '')) }} }} LIMIT {MAX_SUBJECTS} }} }}")


def event_claims(backend: GraphBackend, links: Links,
                 iri: str) -> tuple[dict[str, Resource], dict[str, Resource], list[Link]]:
    """An event's claims, their speakers and sources, and the links to what concerns it (two or three queries)."""
    found = rows(backend, event_query(iri))
    responses = sorted((link_to(links, r["r"], r.get("l")) for r in found if "r" in r), key=lambda link: link.text)
    claims, related = split_claims(facts_of(backend, [r["s"] for r in found if "s" in r],
                                            hop=RELATED, hop_props=RELATED_PROPS))
    return claims, related, responses


def event_view(backend: GraphBackend, links: Links, event: Resource, kind: str) -> IncidentView:
    """Incidents and other events: three or four queries (the event's facts are given; at most 500 claims)."""
    claims, related, responses = event_claims(backend, links, event.id)
    place = event.first(SEM + "hasPlace")
    chain = place_chain(backend, links, place.text) if place else []
    rows_ = comparison_order(claim_rows(links, claims, related))
    precision = event.first(SHG + "timePrecision")
    pprecision = event.first(SHG + "placePrecision")
    return IncidentView(
        base=entity_base(links, event, kind), event_type=links_of(links, event, SEM + "eventType"),
        window=window_text(event.text(SEM + "hasEarliestBeginTimeStamp"), event.text(SEM + "hasLatestEndTimeStamp")),
        time_precision=value_link(links, precision) if precision else None,
        place=value_link(links, place) if place else None,
        place_precision=value_link(links, pprecision) if pprecision else None,
        chain=chain, map=map_view(chain), claims=rows_, chart=chart_for(rows_),
        responses=responses,
        possibly_same=links_of(links, event, SHG + "possiblySameIncidentAs"),
        actors=links_of(links, event, SEM + "hasActor"), concerns=links_of(links, event, SHG + "concerns"),
        addressees=links_of(links, event, SHG + "addressee"),
    )


@dataclass
class ClaimView:
    """The claim page."""

    base: EntityView
    row: ClaimRow


def claim_view(backend: GraphBackend, links: Links, claim: Resource) -> ClaimView:
    """A claim with its speakers, source, and the claims it answers or that answer it (three queries)."""
    c = claim.id
    related = facts(backend, f"{{ <{c}> <{PROV}wasAttributedTo>|<{PROV}wasDerivedFrom>|<{SHG}respondsTo> ?s }} "
                             f"UNION {{ ?s <{SHG}respondsTo> <{c}> }}")
    row = claim_row(links, claim, related)
    row.answered_by = sorted((claim_ref(links, r.id, r.label) for r in related.values()
                              if c in r.iris(SHG + "respondsTo")), key=lambda ref: ref.text)
    return ClaimView(entity_base(links, claim, "Claim"), row)


@dataclass
class ActorView:
    """The actor page: each list bounded (its total, the first :data:`SHOWN`, a link to all)."""

    base: EntityView
    alt_labels: list[str]
    categories: list[Link]
    affiliation: list[Link]
    job: str | None
    honorific: str | None
    members: Part
    made: Part
    denials: Part
    by_members: Part
    accused: Part
    mentioned: Part
    represented: Part
    documents: Part


def actor_sections(a: str) -> dict[str, str]:
    """The lists on an actor's page, each a pattern binding ``?s``.

    No type check on the claims: these properties are used on claims only, and
    checking the type of each of thousands of matches costs more than the rest
    (the rows shown are read with their types, and only claims become rows).
    Denials are looked for among the first :data:`DENIAL_WINDOW` claims it made
    only: an actor with tens of thousands of claims and no denial would
    otherwise have the stance of each one read; the "more" link finds them all.
    """
    denial_stances = ", ".join(f"<{BASE}vocab/stance/{s}>" for s in sorted(RESPONSE_STANCES - {"confirms"}))
    return {
        "made": f"?s <{PROV}wasAttributedTo> <{a}> .",
        "denials": f"{{ SELECT ?s WHERE {{ ?s <{PROV}wasAttributedTo> <{a}> }} LIMIT {DENIAL_WINDOW} }} "
                   f"?s <{SHG}stance> ?st . FILTER(?st IN ({denial_stances}))",
        "by_members": f"?m <{SCHEMA}affiliation> <{a}> . ?s <{PROV}wasAttributedTo> ?m .",
        "accused": f"?s <{SHG}allegedPerpetrator> <{a}> .",
        "mentioned": f"?s <{SHG}mentions> <{a}> .",
        "represented": f"?s <{PROV}qualifiedInfluence>|<{PROV}qualifiedAttribution> ?q . ?q <{PROV}agent> <{a}> .",
        "members": f"?s <{SCHEMA}affiliation> <{a}> .",
        "documents": f"?s <{DCT}publisher>|<{DCT}creator> <{a}> .",
    }


#: The claims-list filter behind each claim list of an actor page.
ACTOR_FILTERS = {"made": "speaker", "denials": "speaker", "by_members": "affiliated", "accused": "perpetrator",
                 "mentioned": "mentions", "represented": "agent"}


def actor_view(backend: GraphBackend, links: Links, actor: Resource) -> ActorView:
    """Names, category, affiliation, and the first claims an actor made or is named in, with counts (three queries)."""
    a = actor.id
    found = sections(backend, actor_sections(a), ACTOR_SHOWN)
    everything = facts_of(backend, {i for items in (f[1] for f in found.values()) for i in items}, hop=RELATED,
                          hop_props=RELATED_PROPS)
    claims, related = split_claims(everything)
    claim_rows_ = dict(zip(claims, claim_rows(links, claims, related)))
    denial_stances = ",".join(sorted(RESPONSE_STANCES - {"confirms"}))

    def claims_of(key: str) -> Part:
        extra = {"stance": denial_stances} if key == "denials" else {}
        built = claims_part(*found[key], claim_rows_, browse_href("claims", **{ACTOR_FILTERS[key]: a}, **extra))
        if key == "denials" and found["made"][0] > DENIAL_WINDOW:
            built.scope = f"among the first {DENIAL_WINDOW} claims it made"
            built.more = browse_href("claims", speaker=a, **extra)
        return built

    return ActorView(
        base=entity_base(links, actor, "Actor"),
        alt_labels=sorted({f"{v.text} ({v.lang})" if v.lang and v.lang != "en" else v.text
                           for v in actor.values(SKOS_ALT)}),
        categories=links_of(links, actor, SHG + "actorCategory"),
        affiliation=links_of(links, actor, SCHEMA + "affiliation"),
        job=actor.text(SCHEMA + "jobTitle"), honorific=actor.text(SCHEMA + "honorificPrefix"),
        members=links_part(links, *found["members"], everything, None),
        made=claims_of("made"), denials=claims_of("denials"), by_members=claims_of("by_members"),
        accused=claims_of("accused"), mentioned=claims_of("mentioned"), represented=claims_of("represented"),
        documents=links_part(links, *found["documents"], everything, browse_href("sources", publisher=a)),
    )


@dataclass(frozen=True)
class EventItem:
    """An event listed on a place page."""

    link: Link
    kind: str
    window: str
    place: Link


@dataclass
class PlaceView:
    """The place page: each list bounded (its total, the first :data:`SHOWN`, a link to all).

    ``incidents`` counts every event here or below (incidents and others, told
    apart only among those shown); ``events`` are the other events shown.
    """

    base: EntityView
    alt_labels: list[str]
    precision: Link | None
    chain: list[PlaceStep]
    map: MapView | None
    children: Part
    incidents: Part
    events: Part
    sources: Part


def place_sections(p: str) -> dict[str, str]:
    """The lists on a place's page, each a pattern binding ``?s``.

    Events (incidents and others) are found from the places below, in that
    order; as one property path the store starts from every event's place.
    Documents are found the other way round: few say where they were written.
    The places listed are those directly within (a transitive path is computed
    whole before any LIMIT applies); the "more" link lists all of them.
    """
    return {
        "children": f"?s <{GEO}sfWithin> <{p}> .",
        "events": f"?x <{GEO}sfWithin>* <{p}> . ?s <{SEM}hasPlace> ?x .",
        "sources": f"?s <{SCHEMA}locationCreated> ?x . FILTER EXISTS {{ ?x <{GEO}sfWithin>* <{p}> }}",
    }


def event_item(links: Links, event: Resource) -> EventItem:
    """A listed event: its kind, time window and place."""
    kinds = sorted(local_name(t) for t in event.types if t.startswith(SHG))
    place = event.first(SEM + "hasPlace")
    return EventItem(link_to(links, event.id, event.label), "Incident" if "Incident" in kinds else
                     (kinds[0] if kinds else "Event"),
                     window_text(event.text(SEM + "hasEarliestBeginTimeStamp"), event.text(SEM + "hasLatestEndTimeStamp")),
                     value_link(links, place) if place else Link("", ""))


def place_view(backend: GraphBackend, links: Links, place: Resource) -> PlaceView:
    """A place, its containing chain, and the first places, events and documents within it (four queries)."""
    p = place.id
    chain = place_chain(backend, links, p)
    found = sections(backend, place_sections(p))
    everything = facts_of(backend, {i for items in (f[1] for f in found.values()) for i in items})

    total, items = found["events"]
    shown = [event_item(links, everything[i]) for i in items if i in everything]
    incidents = part(total, [e for e in shown if e.kind == "Incident"], browse_href("incidents", region=p),
                     key=lambda e: e.link.text.casefold())
    others = [e for e in shown if e.kind != "Incident"]

    precision = place.first(SHG + "placePrecision")
    return PlaceView(
        base=entity_base(links, place, "Place"), alt_labels=sorted(v.text for v in place.values(SKOS_ALT)),
        precision=value_link(links, precision) if precision else None, chain=chain, map=map_view(chain),
        children=links_part(links, *found["children"], everything, browse_href("places", within=p)),
        incidents=incidents, events=part(len(others), others, None, key=lambda e: e.link.text.casefold()),
        sources=links_part(links, *found["sources"], everything, browse_href("sources", written_in=p)),
    )


@dataclass
class SourceView:
    """The source-document page."""

    base: EntityView
    title: str
    publishers: list[Link]
    creators: list[Link]
    credit: str | None
    date: str
    date_inferred: bool
    precision: Link | None
    capture_file: str | None
    identifier: str | None
    language: str | None
    location: list[Link]
    graph: Link
    claims: Part


def source_view(backend: GraphBackend, links: Links, source: Resource) -> SourceView:
    """A source document and the claims it carries, with quotes (three queries; the first :data:`SHOWN` claims)."""
    total, items = sections(backend, {"claims": claims_selector(f"?s <{PROV}wasDerivedFrom> <{source.id}> .")})["claims"]
    claim_rows_ = rows_by_iri(backend, links, items)
    publishers, creators, when = _source_bits(links, source)
    precision = source.first(SHG + "timePrecision")
    graph_iri = BASE + "graph/sources/" + local_name(source.id)
    return SourceView(
        base=entity_base(links, source, "Source document"), title=source.label,
        publishers=publishers, creators=creators, credit=source.text(SCHEMA + "creditText"), date=when,
        date_inferred=bool(source.values(SHG + "curatorInference")),
        precision=value_link(links, precision) if precision else None,
        capture_file=source.text(SHG + "captureFile"), identifier=source.text(DCT + "identifier"),
        language=source.text(DCT + "language"), location=links_of(links, source, SCHEMA + "locationCreated"),
        graph=Link(compact(graph_iri), links.local_url(graph_iri), graph_iri),
        claims=claims_part(total, items, claim_rows_, browse_href("claims", source=source.id)),
    )


@dataclass
class GenericView:
    """Anything else of ours: its statements."""

    base: EntityView
