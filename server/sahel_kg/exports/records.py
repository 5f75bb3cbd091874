"""Incidents and the claims about them, read from the graph into plain records, a batch at a time.

:func:`incident_records` walks every ``shg:Incident`` in IRI order, :data:`BATCH`
at a time (the IRIs read once, as strings; the facts of each batch read with a
few ``VALUES`` queries and let go), and yields one :class:`IncidentRecord` per
incident with its :class:`ClaimRecord` list. Nothing is summarised here: the
export modules apply their own rules (:mod:`sahel_kg.exports.fatalities`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from sahel_kg.exports.facts import Facts, fetch_around, subjects_of
from sahel_kg.labels import RDF_TYPE
from sahel_kg.namespaces import GEO, OA, PREFIXES, SEM, SHG, VOCAB, local_name
from sahel_kg.rdf.oxigraph_types import value_of
from sahel_kg.store.backend import GraphBackend

#: Incidents read per batch: with the list of incident IRIs, bounds the memory of an export.
BATCH = 200
PROV = PREFIXES["prov"]
DCT = PREFIXES["dcterms"]
SKOS = PREFIXES["skos"]
RDFS = PREFIXES["rdfs"]
SCHEMA = PREFIXES["schema"]
RDF = PREFIXES["rdf"]
ROLE_ON_BEHALF = "on-behalf-of"
ROLE_RELAY = "relay"


@dataclass(frozen=True)
class Term:
    """A thing named by IRI, with its label ("" when it has none)."""

    iri: str
    label: str

    @property
    def slug(self) -> str:
        """The IRI's last segment (a concept's code, e.g. ``at-least``)."""
        return local_name(self.iri)


@dataclass(frozen=True)
class Count:
    """One ``shg:Count`` of a claim: the figures as the speaker gave them (``None`` when not given)."""

    count_type: str  # slug of the count-type concept, e.g. "killed"
    qualifier: Term | None
    low: int | None
    best: int | None
    high: int | None
    subtotal: bool


@dataclass(frozen=True)
class Document:
    """The source document a claim was read from."""

    iri: str
    title: str
    publishers: list[Term]
    creators: list[Term]
    issued: str | None  # xsd:date of publication, when known
    earliest: str | None  # the window the curator gives when it is not
    latest: str | None
    scales: list[str]  # source-scale slugs of its publishers and creators
    outlets: list[Term]  # its creators that are organisations (a credited agency), then its publishers

    @property
    def date(self) -> str:
        """The publication date, else the window ``earliest/latest`` (ISO 8601 interval), else ""."""
        if self.issued:
            return self.issued
        if self.earliest or self.latest:
            return f"{self.earliest or '..'}/{self.latest or '..'}"
        return ""


@dataclass
class ClaimRecord:
    """One claim about an incident, with the facts the exports print."""

    iri: str
    label: str
    speakers: list[Term]
    on_behalf_of: list[Term]
    relayed_by: list[Term]
    stance: Term | None
    counts: list[Count]
    victim_status: list[Term]
    victim_groups: list[Term]
    perpetrators: list[Term]
    principals: list[Term]  # perpetrators given the principal role (sem:roleType perpetrator-role:principal)
    methods: list[Term]
    quotes: list[str]
    document: Document | None
    responds_to: list[str]
    event_count: int = 1  # shg:eventCount: events the claim's figures total over (absent means one)

    @property
    def killed(self) -> list[Count]:
        """The claim's killed counts that are a whole toll (subtotals, a part of it, left out)."""
        return [c for c in self.counts if c.count_type == "killed" and not c.subtotal]


@dataclass(frozen=True)
class PlaceStep:
    """One place of the chain from an incident's place up through ``geo:sfWithin``."""

    iri: str
    label: str
    precision: str  # place-precision slug of the place itself
    point: tuple[float, float] | None  # (latitude, longitude) of its geo:hasGeometry POINT, if any
    geonames: str | None  # its GeoNames IRI (skos:exactMatch), if any


@dataclass
class IncidentRecord:
    """An incident, its place chain and every claim about it."""

    iri: str
    label: str
    comment: str
    incident_type: Term | None
    parent_type: Term | None  # the type's skos:broader (ACLED's event type above a sub-event type)
    begin: str | None
    end: str | None
    time_precision: str  # time-precision slug, "" when not given
    place_precision: str  # place-precision slug of the incident's location, "" when not given
    places: list[PlaceStep]  # the incident's place first, then what it lies within
    claims: list[ClaimRecord] = field(default_factory=list)
    categories: dict[str, list[str]] = field(default_factory=dict)  # actor IRI → actor-category slugs
    #: the curator's reasoning for a time window the sources do not state (``shg:curatorInference``), or ""
    date_inference: str = ""

    @property
    def slug(self) -> str:
        """The incident's slug (the IRI's last segment)."""
        return local_name(self.iri)

    def place_with(self, *precisions: str) -> PlaceStep | None:
        """The first place of the chain with one of these precisions."""
        return next((p for p in self.places if p.precision in precisions), None)


def _term(facts: Facts, iri: str | None) -> Term | None:
    return Term(iri, facts.label(iri)) if iri else None


def _terms(facts: Facts, subject: str, prop: str) -> list[Term]:
    return [Term(i, facts.label(i)) for i in facts.iris(subject, prop)]


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _point(wkt: str | None) -> tuple[float, float] | None:
    """``POINT(lon lat)`` as (lat, lon); any other geometry is no point."""
    if not wkt or not wkt.strip().upper().startswith("POINT"):
        return None
    try:
        lon, lat = (float(x) for x in wkt[wkt.index("(") + 1:wkt.index(")")].split())
    except ValueError:
        return None
    return lat, lon


def _places(facts: Facts, first: str | None) -> list[PlaceStep]:
    chain: list[PlaceStep] = []
    seen: set[str] = set()
    iri = first
    while iri and iri not in seen:
        seen.add(iri)
        geometry = facts.first(iri, GEO + "hasGeometry")
        wkt = facts.first(geometry, GEO + "asWKT") if geometry else None
        matches = [m for m in facts.iris(iri, SKOS + "exactMatch") if "geonames.org" in m]
        precision = facts.first(iri, SHG + "placePrecision")
        chain.append(PlaceStep(iri, facts.label(iri), local_name(precision) if precision else "", _point(wkt),
                               matches[0] if matches else None))
        iri = facts.first(iri, GEO + "sfWithin")
    return chain


def _count(facts: Facts, node: str) -> Count:
    ctype = facts.first(node, SHG + "countType")
    return Count(local_name(ctype) if ctype else "", _term(facts, facts.first(node, SHG + "countQualifier")),
                 _int(facts.first(node, SHG + "low")), _int(facts.first(node, SHG + "best")),
                 _int(facts.first(node, SHG + "high")), facts.first(node, SHG + "subtotal") in ("true", "1"))


def _document(facts: Facts, iri: str | None) -> Document | None:
    if iri is None:
        return None
    publishers, creators = _terms(facts, iri, DCT + "publisher"), _terms(facts, iri, DCT + "creator")
    scales = sorted({local_name(s) for who in creators + publishers for s in facts.iris(who.iri, SHG + "sourceScale")})
    agencies = [t for t in creators if SHG + "Organisation" in facts.iris(t.iri, RDF_TYPE)]
    outlets = list(dict.fromkeys(agencies + publishers))
    return Document(iri, facts.label(iri), publishers, creators, facts.first(iri, DCT + "issued"),
                    facts.first(iri, SHG + "earliestPublication"), facts.first(iri, SHG + "latestPublication"), scales,
                    outlets)


def _influencers(facts: Facts, claim: str, role: str) -> list[Term]:
    found = []
    for node in facts.values(claim, PROV + "qualifiedInfluence") + facts.values(claim, PROV + "qualifiedAttribution"):
        had_role = facts.first(node.text, PROV + "hadRole")
        agent = facts.first(node.text, PROV + "agent")
        if agent and had_role and local_name(had_role) == role:
            found.append(Term(agent, facts.label(agent)))
    return sorted(found, key=lambda t: t.iri)


def _principals(facts: Facts, claim: str) -> list[Term]:
    found = []
    for node in facts.values(claim, SHG + "qualifiedPerpetrator"):
        role = facts.first(node.text, SEM + "roleType")
        who = facts.first(node.text, RDF + "value")
        if who and role and local_name(role) == "principal":
            found.append(Term(who, facts.label(who)))
    return sorted(found, key=lambda t: t.iri)


def claim_record(facts: Facts, iri: str) -> ClaimRecord:
    """A claim's record from the facts read around it."""
    return ClaimRecord(
        iri=iri, label=facts.label(iri), speakers=_terms(facts, iri, PROV + "wasAttributedTo"),
        on_behalf_of=_influencers(facts, iri, ROLE_ON_BEHALF), relayed_by=_influencers(facts, iri, ROLE_RELAY),
        stance=_term(facts, facts.first(iri, SHG + "stance")),
        counts=[_count(facts, v.text) for v in facts.values(iri, SHG + "count") if v.kind == "blank"],
        victim_status=_terms(facts, iri, SHG + "victimStatus"), victim_groups=_terms(facts, iri, SHG + "victimGroup"),
        perpetrators=_terms(facts, iri, SHG + "allegedPerpetrator"), principals=_principals(facts, iri),
        methods=_terms(facts, iri, SHG + "method"),
        quotes=sorted(q for v in facts.values(iri, SHG + "quote") if (q := facts.first(v.text, OA + "exact"))),
        document=_document(facts, facts.first(iri, PROV + "wasDerivedFrom")),
        responds_to=facts.iris(iri, SHG + "respondsTo"),
        event_count=_int(facts.first(iri, SHG + "eventCount")) or 1,
    )


#: The properties of a time window: a curator's inference of either makes the window an inference.
WINDOW = (SEM + "hasEarliestBeginTimeStamp", SEM + "hasLatestEndTimeStamp")


def _date_inference(facts: Facts, iri: str) -> str:
    """The reasoning of the curator's inferences of the incident's time window, joined; "" when the sources state it."""
    reasons = []
    for node in facts.values(iri, SHG + "curatorInference"):
        if set(facts.iris(node.text, SHG + "inferredProperty")) & set(WINDOW):
            reasons.append(facts.first(node.text, SHG + "reasoning") or "no reasoning recorded")
    return " ".join(sorted(reasons))


def incident_record(facts: Facts, iri: str) -> IncidentRecord:
    """An incident's record (without its claims) from the facts read around it."""
    itype = facts.first(iri, SEM + "eventType")
    parent = facts.first(itype, SKOS + "broader") if itype else None
    tprec, pprec = facts.first(iri, SHG + "timePrecision"), facts.first(iri, SHG + "placePrecision")
    return IncidentRecord(
        iri=iri, label=facts.label(iri), comment=facts.first(iri, RDFS + "comment") or "",
        incident_type=_term(facts, itype), parent_type=_term(facts, parent),
        begin=facts.first(iri, SEM + "hasEarliestBeginTimeStamp"), end=facts.first(iri, SEM + "hasLatestEndTimeStamp"),
        time_precision=local_name(tprec) if tprec else "", place_precision=local_name(pprec) if pprec else "",
        places=_places(facts, facts.first(iri, SEM + "hasPlace")),
        date_inference=_date_inference(facts, iri),
    )


def records_for(backend: GraphBackend, iris: list[str], facts: Facts | None = None) -> list[IncidentRecord]:
    """The records of these incidents, claims included, in the order given (``facts``: what is already read)."""
    facts = facts if facts is not None else Facts()
    fetch_around(backend, facts, iris, hops=3)  # place → region → country
    about = subjects_of(backend, SHG + "about", iris)
    claims = [c for c, _ in about]
    fetch_around(backend, facts, claims, hops=2)  # claim → document → publisher
    by_incident: dict[str, list[str]] = defaultdict(list)
    for claim, incident in about:
        if SHG + "Claim" in facts.iris(claim, RDF_TYPE):
            by_incident[incident].append(claim)
    records = []
    for iri in iris:
        record = incident_record(facts, iri)
        record.claims = [claim_record(facts, c) for c in sorted(set(by_incident[iri]))]
        actors = {t.iri for c in record.claims for t in c.perpetrators}
        record.categories = {a: [local_name(x) for x in facts.iris(a, SHG + "actorCategory")] for a in sorted(actors)}
        records.append(record)
    return records


def incident_iris(backend: GraphBackend) -> list[str]:
    """Every incident IRI, in order: one query, kept as plain strings (about 100 bytes an incident).

    One sorted read, not a keyset page per batch: each page would sort the rest
    of the incidents again.
    """
    query = f"SELECT DISTINCT ?i WHERE {{ ?i a <{SHG}Incident> }} ORDER BY STR(?i)"
    return [value_of(row["i"]) for row in backend.select(query)]


def incident_records(backend: GraphBackend, batch: int = BATCH) -> Iterator[IncidentRecord]:
    """Every incident's record, in IRI order, read ``batch`` incidents at a time.

    What the vocabularies say (labels of types, stances, qualifiers) is read once
    and kept across batches; everything else is read per batch and let go.
    """
    iris = incident_iris(backend)
    kept = Facts()
    for start in range(0, len(iris), batch):
        kept = kept.only_under(VOCAB)
        yield from records_for(backend, iris[start:start + batch], kept)


def is_incident(backend: GraphBackend, iri: str) -> bool:
    """Whether ``iri`` is typed ``shg:Incident``."""
    return backend.ask(f"ASK {{ <{iri}> a <{SHG}Incident> }}")
