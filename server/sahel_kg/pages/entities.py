"""The view of each entity page kind: incidents and other events, claims, actors, places (with their
place chain and map) and source documents.

Each ``*_view`` function asks the backend a handful of queries at most,
whatever the number of rows it shows.

>>> parse_wkt("POINT(-8.0029 12.6392)")
(12.6392, -8.0029)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sahel_kg.labels import RDFS_LABEL, SKOS_ALT
from sahel_kg.links import Links
from sahel_kg.namespaces import BASE, compact, local_name
from sahel_kg.pages.charts import RangeChart
from sahel_kg.pages.claims import (
    RELATED,
    RELATED_PROPS,
    ClaimRow,
    _source_bits,
    chart_for,
    claim_ref,
    claim_row,
    claim_rows,
    claims_part,
    claims_selector,
    comparison_order,
    rows_by_iri,
    split_claims,
)
from sahel_kg.pages.resources import MAX_SUBJECTS, Resource, facts, facts_of, rows
from sahel_kg.pages.summary import SummaryView, summary_from_rows, summary_select
from sahel_kg.pages.views import (
    ACTOR_SHOWN,
    DCT,
    DENIAL_WINDOW,
    GEO,
    PROV,
    RESPONSE_STANCES,
    SCHEMA,
    SEM,
    SHG,
    EntityView,
    Link,
    Part,
    browse_href,
    entity_base,
    link_to,
    links_of,
    links_part,
    part,
    sections,
    value_link,
    window_text,
)
from sahel_kg.store.backend import GraphBackend
from sahel_kg.store.cache import cache_for

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
    chain: list[PlaceStep] = []
    current = place
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
    summary: SummaryView | None = None


def event_query(iri: str) -> str:
    """The claims about an event (``?s``: those about it, alleged part of it, or answering them; at most
    :data:`~sahel_kg.pages.resources.MAX_SUBJECTS`), what concerns it (``?r``, labelled ``?l``) and its
    computed summary (``?ss ?sp ?so ?sl``, :func:`~sahel_kg.pages.summary.summary_select`), in one SELECT.

    No type check on the claims: these properties are used on claims only, a
    FILTER EXISTS per match cost more than the rest of the query, and only the
    matches typed as claims become rows.
    """
    claims = (f"{{ ?s <{SHG}about> <{iri}> }} UNION {{ ?s <{SHG}allegedPartOf> <{iri}> }} "
              f"UNION {{ ?answered <{SHG}about> <{iri}> . ?s <{SHG}respondsTo> ?answered }}")
    return (f"SELECT ?s ?r ?l ?ss ?sp ?so ?sl WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ {claims} }} LIMIT {MAX_SUBJECTS} }} "
            f"UNION {{ SELECT DISTINCT ?r ?l WHERE {{ ?r <{SHG}concerns> <{iri}> . "
            f"OPTIONAL {{ ?r <{RDFS_LABEL}> ?l FILTER(LANG(?l) IN ('en', '')) }} }} LIMIT {MAX_SUBJECTS} }} "
            f"UNION {{ {summary_select(iri)} }} }}")


def event_claims(backend: GraphBackend, links: Links,
                 iri: str) -> tuple[dict[str, Resource], dict[str, Resource], list[Link], SummaryView | None]:
    """An event's claims, their speakers and sources, the links to what concerns it, and its computed
    summary (two or three queries)."""
    found = rows(backend, event_query(iri))
    responses = sorted((link_to(links, r["r"], r.get("l")) for r in found if "r" in r), key=lambda link: link.text)
    claims, related = split_claims(facts_of(backend, [r["s"] for r in found if "s" in r],
                                            hop=RELATED, hop_props=RELATED_PROPS))
    return claims, related, responses, summary_from_rows(links, found)


def event_view(backend: GraphBackend, links: Links, event: Resource, kind: str) -> IncidentView:
    """Incidents and other events: three or four queries (the event's facts are given; at most 500 claims)."""
    claims, related, responses, summary = event_claims(backend, links, event.id)
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
        summary=summary if kind == "Incident" else None,
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
    members: Part[Link]
    made: Part[ClaimRow]
    denials: Part[ClaimRow]
    by_members: Part[ClaimRow]
    accused: Part[ClaimRow]
    mentioned: Part[ClaimRow]
    represented: Part[ClaimRow]
    documents: Part[Link]


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

    def claims_of(key: str) -> Part[ClaimRow]:
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
    children: Part[Link]
    incidents: Part[EventItem]
    events: Part[EventItem]
    sources: Part[Link]


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
    claims: Part[ClaimRow]


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
