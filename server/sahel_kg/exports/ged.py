"""A UCDP-GED-shaped table: the GED columns the graph can fill, in GED's order, one row per incident.

GED's conflict and dyad identifiers, PRIO-GRID cell and Gleditsch–Ward side
numbers belong to UCDP's own registers, which the graph does not hold: those
columns are left out rather than printed empty. The mapping, column by column,
and the precision codes are in ``docs/exports.md`` (UCDP GED codebook).
"""

from __future__ import annotations

from datetime import date

from sahel_kg.exports.fatalities import ged_estimates, toll_counts
from sahel_kg.exports.records import IncidentRecord
from sahel_kg.exports.rules import asserting, civilians_targeted, country_of, documents, joined, perpetrators

#: GED's columns that we fill, in GED's own order (of its 49).
COLUMNS: tuple[str, ...] = (
    "id", "year", "type_of_violence", "side_a", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_prec", "where_coordinates", "where_description",
    "adm_1", "adm_2", "latitude", "longitude", "geom_wkt", "country", "country_id", "region", "event_clarity",
    "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown",
    "best", "high", "low",
)
ONE_SIDED = 3
#: GED's where_prec for our place precisions (an ``area`` depends on what it lies around: see :func:`where_prec`).
WHERE_PREC = {"village": 1, "town": 1, "region": 4, "country": 6}
#: GED's date_prec for a window of at most this many days after its first (a 2–6 day window is 1–5), smallest first.
DATE_PREC_BY_SPAN = ((0, 1), (5, 2), (6, 3))


def where_prec(incident: IncidentRecord) -> int | None:
    """1 a village or town; 2 an area around one (GED: within about 25 km of a known point); 4 a region;
    5 a part of a country named loosely (central Mali); 6 the country; else none."""
    if incident.place_precision == "area":
        place = incident.places[0] if incident.places else None
        return 2 if place is not None and place.precision in ("village", "town") else 5
    return WHERE_PREC.get(incident.place_precision)


def date_prec(incident: IncidentRecord) -> int | None:
    """1 a day; 2 a window of 2–6 days; 3 a week; 4 a month; 5 a year; else none.

    >>> date_prec(IncidentRecord("i", "", "", None, None, "2024-01-01", "2024-01-31", "month", "", []))
    4
    """
    if incident.time_precision in ("multi-year", "unknown", ""):
        return None
    if incident.time_precision == "year":
        return 5
    if not (incident.begin and incident.end):
        return None
    try:
        span = (date.fromisoformat(incident.end) - date.fromisoformat(incident.begin)).days
    except ValueError:
        return None
    if span == 0 and incident.time_precision != "day":
        return None  # a one-day window coarser than a day is not a known day
    for limit, code in DATE_PREC_BY_SPAN:
        if span <= limit:
            return code
    if incident.begin[:7] == incident.end[:7] or span <= 31:
        return 4
    return 5 if incident.begin[:4] == incident.end[:4] else None


def _number(value: float | int | None) -> str:
    return "" if value is None else str(value)


def victims_all_civilians(incident: IncidentRecord) -> bool | None:
    """True when asserting claims call the victims civilians and no claim says otherwise; None when unsaid."""
    statuses = {s.slug for c in incident.claims for s in c.victim_status}
    said = {s.slug for c in asserting(incident.claims) for s in c.victim_status}
    if not statuses - {"unspecified"}:
        return None
    return said == {"civilians"} and statuses <= {"civilians", "unspecified"}


def row(incident: IncidentRecord) -> list[str]:
    """The incident's GED row, in :data:`COLUMNS` order."""
    targeted = civilians_targeted(incident)
    perps = perpetrators(incident)
    country, codes = country_of(incident)
    place = incident.places[0] if incident.places else None
    point = place.point if place and incident.place_precision in ("village", "town", "area") else None
    region = incident.place_with("region")
    docs = [c.document for c in documents(incident) if c.document is not None]
    low, best, high = ged_estimates(toll_counts(incident.claims))
    civilian = victims_all_civilians(incident)
    start = incident.begin if incident.begin and incident.end else None
    clarity = 2 if any(c.event_count > 1 for c in incident.claims) else 1
    return [
        incident.iri, start[:4] if start else "", _number(ONE_SIDED if targeted else None),
        perps.first.label if perps.first else "", "Civilians" if targeted else "", str(len(docs)),
        joined([d.iri for d in docs]),
        joined([t.label for d in docs for t in d.outlets]),
        joined([d.date for d in docs]), joined([d.title for d in docs]),
        joined([s.label for c in incident.claims for s in c.speakers]),
        _number(where_prec(incident)), place.label if place else "",
        joined([p.label for p in incident.places], ", "),
        region.label if region else "", "", _number(point[0] if point else None), _number(point[1] if point else None),
        f"POINT ({point[1]} {point[0]})" if point else "",
        codes.name if codes else (country.label if country else ""), _number(codes.gw_number if codes else None),
        codes.ged_region if codes else "", str(clarity), _number(date_prec(incident)),
        incident.begin or "", incident.end or "", "", "",
        _number(best if civilian else None), _number(best if civilian is not True else None),
        _number(best), _number(high), _number(low),
    ]
