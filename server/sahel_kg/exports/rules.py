"""Rules the ACLED and GED files share: who is the perpetrator, whether civilians were targeted, the country.

Each rule reads only what the claims and the incident say; where they do not
settle a value the rule answers ``None`` and the column stays empty.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sahel_kg.exports.countries import COUNTRIES, CountryCodes
from sahel_kg.exports.records import ClaimRecord, IncidentRecord, PlaceStep, Term

#: Stances under which a claim asserts what happened (its perpetrators, its victims' status).
ASSERTING = frozenset({"alleges", "reports", "confirms"})
VIOLENCE_AGAINST_CIVILIANS = "violence-against-civilians"


@dataclass(frozen=True)
class Perpetrators:
    """The perpetrator an export names first, and those named with it."""

    first: Term | None
    with_it: list[Term]


def asserting(claims: list[ClaimRecord]) -> list[ClaimRecord]:
    """The claims whose stance asserts the incident (alleges, reports, confirms)."""
    return [c for c in claims if c.stance is not None and c.stance.slug in ASSERTING]


def perpetrators(incident: IncidentRecord) -> Perpetrators:
    """The perpetrator every asserting claim that names one agrees on, and the others named with it.

    Among the actors named by *every* such claim, one given the principal role
    by some claim comes first; else the first by label (the order then carries
    no meaning). Actors named by only some claims are contested responsibility
    and are not named unless a claim names them alongside the first. No common
    actor: nobody (the claims disagree on who did it).

    >>> a, w, j = (Term(f"x/{n}", n) for n in ("army", "wagner", "jnim"))
    >>> def c(*who, principal=()): return ClaimRecord("c", "", [], [], [], Term("s/alleges", ""), [], [], [],
    ...     list(who), list(principal), [], [], None, [])
    >>> i = IncidentRecord("i", "", "", None, None, None, None, "", "", [], [c(a, w), c(a)])
    >>> p = perpetrators(i); p.first.label, [t.label for t in p.with_it]
    ('army', ['wagner'])
    >>> i.claims = [c(a), c(j)]; perpetrators(i).first is None
    True
    """
    naming = [c for c in asserting(incident.claims) if c.perpetrators]
    if not naming:
        return Perpetrators(None, [])
    common = set.intersection(*({t.iri for t in c.perpetrators} for c in naming))
    principals = {t.iri for c in naming for t in c.principals} & common
    ranked = sorted((t for c in naming for t in c.perpetrators if t.iri in common),
                    key=lambda t: (t.iri not in principals, t.label, t.iri))
    if not ranked:
        return Perpetrators(None, [])
    first = ranked[0]
    named_with = Counter(t for c in naming if first in c.perpetrators for t in c.perpetrators if t != first)
    return Perpetrators(first, sorted(named_with, key=lambda t: (-named_with[t], t.label, t.iri)))


def civilians_targeted(incident: IncidentRecord) -> bool:
    """True when the incident's type is violence against civilians, or an asserting claim says the victims were civilians."""
    types = {t.slug for t in (incident.incident_type, incident.parent_type) if t is not None}
    if VIOLENCE_AGAINST_CIVILIANS in types:
        return True
    return any(s.slug == "civilians" for c in asserting(incident.claims) for s in c.victim_status)


def country_of(incident: IncidentRecord) -> tuple[PlaceStep | None, CountryCodes | None]:
    """The country the incident's place lies in (the first place of precision ``country``), and its codes."""
    country = incident.place_with("country")
    return country, (COUNTRIES.get(country.geonames or "") if country else None)


def joined(values: list[str], sep: str = "; ") -> str:
    """Distinct non-empty values in first-seen order, joined (ACLED separates several names with "; ")."""
    return sep.join(dict.fromkeys(v for v in values if v))


def source_names(incident: IncidentRecord) -> list[str]:
    """Each document's outlets (a credited agency, then the publisher), across the claims."""
    names: list[str] = []
    for claim in incident.claims:
        doc = claim.document
        if doc is not None:
            names += [t.label for t in doc.outlets]
    return names


def documents(incident: IncidentRecord) -> list[ClaimRecord]:
    """One claim per distinct source document, in document IRI order (for per-document columns)."""
    seen: dict[str, ClaimRecord] = {}
    for claim in incident.claims:
        if claim.document is not None:
            seen.setdefault(claim.document.iri, claim)
    return [seen[k] for k in sorted(seen)]
