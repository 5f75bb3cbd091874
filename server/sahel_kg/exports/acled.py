"""An ACLED-shaped table: ACLED's 31 columns, in ACLED's order, one row per incident.

The mapping, column by column, is in ``docs/exports.md``; the codes follow
ACLED's codebook (numeric ``inter1``/``inter2``/``interaction``,
``time_precision`` 1–3, ``geo_precision`` 1–3). What the graph does not say
is left empty, never filled with a default.
"""

from __future__ import annotations

from datetime import date

from sahel_kg.exports.fatalities import acled_fatalities, toll_counts
from sahel_kg.exports.records import IncidentRecord
from sahel_kg.exports.rules import civilians_targeted, country_of, joined, perpetrators, source_names

COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)

#: ACLED's numeric actor types (ACLED codebook, "inter1"), for our actor categories that define one.
INTER_CODES = {"state-forces": 1, "rebel-group": 2, "external-forces": 8}
CIVILIANS = 7
#: ACLED's disorder type for each of its event types (ACLED codebook, "disorder_type").
DISORDER = {
    "violence-against-civilians": "Political violence",
    "explosions-remote-violence": "Political violence",
    "battles": "Political violence",
    "strategic-developments": "Strategic developments",
}
#: Opens the note of an incident whose time window the curator inferred (ACLED has no column for it).
DATE_INFERRED = "Dates inferred by the curator, not stated by the sources: "
#: ACLED's source scales, in the order ACLED joins them ("National-International").
SCALES = ("local", "subnational", "national", "regional", "international")


def _days(begin: str, end: str) -> int | None:
    try:
        return (date.fromisoformat(end) - date.fromisoformat(begin)).days
    except ValueError:
        return None


def time_precision(incident: IncidentRecord) -> int | None:
    """1 a known day; 2 a window of up to a week; 3 up to a month; else none (ACLED codes nothing coarser).

    >>> i = IncidentRecord("i", "", "", None, None, "2024-06-20", "2024-06-29", "day", "", [])
    >>> time_precision(i)
    3
    """
    if not (incident.begin and incident.end):
        return None
    span = _days(incident.begin, incident.end)
    if span is None or span < 0:
        return None
    if span == 0 and incident.time_precision == "day":
        return 1
    if span <= 7:
        return 2
    return 3 if span <= 31 else None


def geo_precision(incident: IncidentRecord) -> int | None:
    """1 a named village or town; 2 an area around one; 3 a region or a loosely named part of a country; else none."""
    place = incident.places[0] if incident.places else None
    if incident.place_precision in ("village", "town"):
        return 1
    if incident.place_precision == "area":
        return 2 if place is not None and place.precision in ("village", "town") else 3
    if incident.place_precision == "region":
        return 3
    return None


def _inter(categories: list[str]) -> int | None:
    codes = {INTER_CODES[c] for c in categories if c in INTER_CODES}
    return codes.pop() if len(codes) == 1 else None


def _number(value: float | int | None) -> str:
    return "" if value is None else str(value)


def row(incident: IncidentRecord) -> list[str]:
    """The incident's ACLED row, in :data:`COLUMNS` order."""
    perps = perpetrators(incident)
    targeted = civilians_targeted(incident)
    country, codes = country_of(incident)
    country_name = codes.name if codes else (country.label if country else "")
    inter1 = _inter(incident.categories.get(perps.first.iri, [])) if perps.first else None
    actor2 = (f"Civilians ({country_name})" if country_name else "Civilians") if targeted else ""
    inter2 = CIVILIANS if targeted else None
    interaction = (f"{min(inter1, inter2)}{max(inter1, inter2)}" if inter1 and inter2
                   else f"{inter1}0" if inter1 and not actor2 else "")
    itype, parent = incident.incident_type, incident.parent_type
    event_type, sub_type = (parent, itype) if parent else (itype, None)
    event_date = incident.begin if time_precision(incident) else None
    place = incident.places[0] if incident.places else None
    region = incident.place_with("region")
    point = place.point if place and incident.place_precision in ("village", "town", "area") else None
    scales = {s for claim in incident.claims if claim.document for s in claim.document.scales}
    notes = incident.label + (f" — {incident.comment}" if incident.comment else "")
    if incident.date_inference:  # the sources give no such dates: say so where ACLED readers look
        notes += f" — {DATE_INFERRED}{incident.date_inference}"
    return [
        incident.iri, event_date or "", event_date[:4] if event_date else "", _number(time_precision(incident)),
        DISORDER.get(event_type.slug, "") if event_type else "", event_type.label if event_type else "",
        sub_type.label if sub_type else "",
        perps.first.label if perps.first else "", joined([t.label for t in perps.with_it]), _number(inter1),
        actor2, "", _number(inter2), interaction, "Civilian targeting" if targeted else "",
        _number(codes.iso_numeric if codes else None), codes.acled_region if codes else "", country_name,
        region.label if region else "", "", "",
        place.label if place and incident.place_precision not in ("country", "supranational") else "",
        _number(point[0] if point else None), _number(point[1] if point else None), _number(geo_precision(incident)),
        joined(source_names(incident)), "-".join(s.capitalize() for s in SCALES if s in scales),
        notes, _number(acled_fatalities(toll_counts(incident.claims))), "", "",
    ]
