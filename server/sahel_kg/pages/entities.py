"""The view of each entity page kind: incidents and other events, claims, actors, places (with their
place chain and map) and source documents.

Each ``*_view`` function asks the backend a handful of queries at most,
whatever the number of rows it shows.

>>> parse_wkt("POINT(-8.0029 12.6392)")
(12.6392, -8.0029)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sahel_kg.labels import RDFS_LABEL, SKOS_ALT, label_optional
from sahel_kg.languages import current
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
from sahel_kg.pages.i18n import N_, _
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
from sahel_kg.project import source_graph_iri
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
    found = cache_for(backend).chains.remember((current(), place), lambda: chain_rows(backend, place))
    info = {r["a"]: r for r in found}
    chain: list[PlaceStep] = []
    step = place
    while step in info and len(chain) < 20:
        row = info[step]
        point = parse_wkt(row.get("wkt"))
        chain.append(PlaceStep(link_to(links, step, row.get("l")), *(point or (None, None))))
        step = row.get("parent", "")
    return chain


def chain_rows(backend: GraphBackend, place: str) -> tuple[dict[str, str], ...]:
    """The rows behind :func:`place_chain`: each place up the chain, its label, parent and WKT.

    The path is asked in a sub-select: beside the OPTIONALs, Virtuoso 7.2 took 83–89 s per place
    on a 20k-incident store, 0.3 s this way (docs/benchmarks.md, the Virtuoso findings)."""
    return tuple(rows(backend, f"""SELECT ?a ?l ?parent ?wkt WHERE {{
      {{ SELECT ?a WHERE {{ <{place}> <{GEO}sfWithin>* ?a }} }} {label_optional('?a', 'l', RDFS_LABEL)}
      OPTIONAL {{ ?a <{GEO}sfWithin> ?parent }} OPTIONAL {{ ?a <{GEO}hasGeometry>/<{GEO}asWKT> ?wkt }} }}"""))


def map_view(chain: list[PlaceStep]) -> MapView | None:
    """The map for the first place of the chain, falling back to a containing place."""
    if not chain:
        return None
    name = chain[0].link.text
    for step in chain:
        if step.lat is not None:
            note = "" if step is chain[0] else _(
                "No coordinates are recorded for %(place)s; the map shows %(wider)s, which contains it.") % {
                    "place": name, "wider": step.link.text}
            return MapView(name, step.lat, step.lon, note, step.link)
    return MapView(name, None, None,
                   _("No coordinates are recorded for %(place)s or the places containing it.") % {"place": name})


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
    about_others: bool = False  # some claims are about something else (a series' incidents): the table says what
    summary: SummaryView | None = None


def matched_events(iri: str) -> str:
    """A pattern binding ``?matched`` to the records matched to ``iri``: proposed by an import (stated on the
    coded event) or confirmed by a curator (in either direction)."""
    return (f"{{ ?matched <{SHG}possiblySameIncidentAs> <{iri}> }} UNION {{ ?matched <{SHG}sameIncidentAs> <{iri}> }} "
            f"UNION {{ <{iri}> <{SHG}sameIncidentAs> ?matched }}")


def confirmed_matches(backend: GraphBackend, iri: str) -> set[str]:
    """The coded events a curator confirmed as ``iri`` (``shg:sameIncidentAs``, either direction): the others
    on its page are only proposed by an import and must read so."""
    query = (f"SELECT DISTINCT ?m WHERE {{ {{ ?m <{SHG}sameIncidentAs> <{iri}> }} "
             f"UNION {{ <{iri}> <{SHG}sameIncidentAs> ?m }} }}")
    return {r["m"] for r in rows(backend, query) if "m" in r}


def event_query(iri: str) -> str:
    """The claims about an event (``?s``: those about it, alleged part of it, or answering them; at most
    :data:`~sahel_kg.pages.resources.MAX_SUBJECTS`), what concerns it (``?r``, labelled ``?l``) and its
    computed summary (``?ss ?sp ?so ?sl``, :func:`~sahel_kg.pages.summary.summary_select`), in one SELECT.

    No type check on the claims: these properties are used on claims only, a
    FILTER EXISTS per match cost more than the rest of the query, and only the
    matches typed as claims become rows.
    """
    claims = (f"{{ ?s <{SHG}about> <{iri}> }} UNION {{ ?s <{SHG}allegedPartOf> <{iri}> }} "
              f"UNION {{ ?answered <{SHG}about> <{iri}> . ?s <{SHG}respondsTo> ?answered }} "
              f"UNION {{ {matched_events(iri)} ?s <{SHG}about> ?matched . ?s a <{SHG}CodedClaim> }}")
    return (f"SELECT ?s ?r ?l ?ss ?sp ?so ?sl WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ {claims} }} LIMIT {MAX_SUBJECTS} }} "
            f"UNION {{ SELECT DISTINCT ?r ?l WHERE {{ ?r <{SHG}concerns> <{iri}> . "
            f"{label_optional('?r', 'l', RDFS_LABEL)} }} LIMIT {MAX_SUBJECTS} }} "
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
    confirmed: set[str] | None = None
    for row in rows_:
        if row.coded and event.id not in {link.href for link in row.about} | {links.local_url(event.id)}:
            row.matched_from = row.about
            if confirmed is None:
                confirmed = {links.local_url(m) for m in confirmed_matches(backend, event.id)} | \
                    confirmed_matches(backend, event.id)
            row.match_confirmed = any(link.href in confirmed for link in row.about)
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
        about_others=any({a.href for a in r.about} != {links.local_url(event.id)} for r in rows_),
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
    return ClaimView(entity_base(links, claim, N_("Claim")), row)


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


#: The claim lists of an actor page, in the order shown: a claim in two of them is listed in the first only.
ACTOR_SECTIONS = ("denials", "made", "by_members", "accused", "represented", "mentioned")


def once(parts: Iterable[Part[ClaimRow]]) -> None:
    """Each claim shown in the first of ``parts`` that has it; the later ones count what they leave out.

    A denial its spokesman made for an army is both a claim by someone affiliated with it and one
    spoken for it: listed twice, it read as two denials.
    """
    shown: set[str] = set()
    for listed in parts:
        kept = [row for row in listed.items if row.ref.href not in shown]
        listed.listed_above, listed.items = len(listed.items) - len(kept), kept
        shown |= {row.ref.href for row in kept}


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
            built.scope = _("among the first %(num)s claims it made") % {"num": DENIAL_WINDOW}
            built.more = browse_href("claims", speaker=a, **extra)
        return built

    parts = {key: claims_of(key) for key in ACTOR_FILTERS}
    once(parts[key] for key in ACTOR_SECTIONS)
    return ActorView(
        base=entity_base(links, actor, N_("Actor")),
        alt_labels=sorted({f"{v.text} ({v.lang})" if v.lang and v.lang != current() else v.text
                           for v in actor.values(SKOS_ALT)}),
        categories=links_of(links, actor, SHG + "actorCategory"),
        affiliation=links_of(links, actor, SCHEMA + "affiliation"),
        job=actor.text(SCHEMA + "jobTitle"), honorific=actor.text(SCHEMA + "honorificPrefix"),
        members=links_part(links, *found["members"], everything, None),
        made=parts["made"], denials=parts["denials"], by_members=parts["by_members"],
        accused=parts["accused"], mentioned=parts["mentioned"], represented=parts["represented"],
        documents=links_part(links, *found["documents"], everything, browse_href("sources", publisher=a)),
    )


@dataclass(frozen=True)
class EventItem:
    """An event listed on a place page: its link, its kind in words, time window and place."""

    link: Link
    kind: str
    window: str
    place: Link
    incident: bool = False


#: The kind of each event class in words, most specific first (never the class's local name, which is code).
EVENT_KINDS = ((SHG + "Incident", N_("Incident")), (SHG + "IncidentSeries", N_("Incident series")),
               (SHG + "Investigation", N_("Investigation")), (SHG + "Appeal", N_("Appeal")),
               (SHG + "ContextEvent", N_("Context event")), (SHG + "Response", N_("Response")))


def event_kind(types: set[str]) -> str:
    """An event's kind in words, in the reader's language ("Event" for a class without words of its own).

    >>> event_kind({SHG + "ContextEvent"}), event_kind(set())
    ('Context event', 'Event')
    """
    return _(next((words for iri, words in EVENT_KINDS if iri in types), N_("Event")))


def event_item(links: Links, event: Resource) -> EventItem:
    """A listed event: its kind, time window and place."""
    place = event.first(SEM + "hasPlace")
    return EventItem(link_to(links, event.id, event.label), event_kind(event.types),
                     window_text(event.text(SEM + "hasEarliestBeginTimeStamp"), event.text(SEM + "hasLatestEndTimeStamp")),
                     value_link(links, place) if place else Link("", ""), SHG + "Incident" in event.types)


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


def place_view(backend: GraphBackend, links: Links, place: Resource) -> PlaceView:
    """A place, its containing chain, and the first places, events and documents within it (four queries)."""
    p = place.id
    chain = place_chain(backend, links, p)
    found = sections(backend, place_sections(p))
    everything = facts_of(backend, {i for items in (f[1] for f in found.values()) for i in items})

    total, items = found["events"]
    shown = [event_item(links, everything[i]) for i in items if i in everything]
    incidents = part(total, [e for e in shown if e.incident], browse_href("incidents", region=p),
                     key=lambda e: e.link.text.casefold())
    others = [e for e in shown if not e.incident]

    precision = place.first(SHG + "placePrecision")
    return PlaceView(
        base=entity_base(links, place, N_("Place")), alt_labels=sorted(v.text for v in place.values(SKOS_ALT)),
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
    graph_iri = source_graph_iri(local_name(source.id))
    return SourceView(
        base=entity_base(links, source, N_("Source document")), title=source.label,
        publishers=publishers, creators=creators, credit=source.text(SCHEMA + "creditText"), date=when,
        date_inferred=bool(source.values(SHG + "curatorInference")),
        precision=value_link(links, precision) if precision else None,
        capture_file=source.text(SHG + "captureFile"), identifier=source.text(DCT + "identifier"),
        language=source.text(DCT + "language"), location=links_of(links, source, SCHEMA + "locationCreated"),
        graph=Link(compact(graph_iri), links.local_url(graph_iri), graph_iri),
        claims=claims_part(total, items, claim_rows_, browse_href("claims", source=source.id)),
    )
