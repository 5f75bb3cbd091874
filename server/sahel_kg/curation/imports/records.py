"""One CSV row of UCDP GED or ACLED read into a :class:`CodedEvent`, or the reasons it cannot be.

What each code means is the publishers' (UCDP GED Codebook 24.1; ACLED
Codebook 2023); how it maps to our vocabularies is written here and in
docs/imports.md:

- GED ``date_prec`` 1 → tprec:day, 2–3 → tprec:week, 4 → tprec:month, 5 → tprec:year;
  the window is ``date_start``–``date_end``.
- ACLED ``time_precision`` 1 → day (the event date), 2 → week (the date ± 3 days),
  3 → month (the event date's month).
- GED ``where_prec`` 1 → village, 2 → area (near a named place), 3 → area (second-order
  division), 4 → region (first-order division), 5 → area (a road, a river), 6 → country,
  7 → supranational. ACLED ``geo_precision`` 1 → village, 2 → area, 3 → region.
- GED ``low``/``best``/``high`` → one killed count qualified cqual:estimate (cqual:exact when
  all three agree), and four subtotals (``deaths_a``, ``deaths_b``, ``deaths_civilians``,
  ``deaths_unknown``), each exact.
- ACLED ``fatalities`` → one killed count qualified cqual:at-least: ACLED codes "the most
  conservative estimate" its sources give, so the figure is a floor, and 0 means none reported.

>>> row = dict.fromkeys(ACLED.columns, "")
>>> row.update(event_id_cnty="MLI1", event_date="2024-05-19", time_precision="2", geo_precision="1",
...            fatalities="x", latitude="18", longitude="1", event_type="Battles", country="Mali")
>>> [(e.column, e.value) for e in read_acled(row).errors]
[('fatalities', 'x')]
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sahel_kg.curation.imports.datasets import ACLED, GED

GED_TIME = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
GED_PLACE = {"1": "village", "2": "area", "3": "area", "4": "region", "5": "area", "6": "country", "7": "supranational"}
#: what kind of place the named location is, by the place precision code
GED_LOCATION_KIND = {"1": "village", "2": "village", "3": "area", "4": "area", "5": "area", "6": "area", "7": "area"}
ACLED_LOCATION_KIND = {"1": "village", "2": "village", "3": "area"}
ACLED_TIME = {"1": "day", "2": "week", "3": "month"}
ACLED_PLACE = {"1": "village", "2": "area", "3": "region"}
#: UCDP GED type_of_violence → incident type
GED_TYPE = {"1": "battles", "2": "battles", "3": "violence-against-civilians"}
GED_TYPE_NAME = {"1": "state-based conflict", "2": "non-state conflict", "3": "one-sided violence"}
#: ACLED actor types, numbered as the older exports code inter1/inter2 (0: no actor)
ACLED_INTER = ("", "State forces", "Rebel group", "Political militia", "Identity militia", "Rioters",
               "Protesters", "Civilians", "External/Other forces")
#: ACLED actor type → (our class, actor category); civilians are victims, not actors
ACLED_ACTOR_KIND = {
    "state forces": ("StateForce", "state-forces"),
    "rebel group": ("ArmedGroup", "rebel-group"),
    "political militia": ("ArmedGroup", "non-state-armed-group"),
    "identity militia": ("ArmedGroup", "non-state-armed-group"),
    "rioters": ("Organisation", "demonstrators"),
    "protesters": ("Organisation", "demonstrators"),
    "external/other forces": ("Organisation", "external-forces"),
}
#: ACLED event and sub-event types → incident type (sub-event first, then event, as in incident-type.ttl)
ACLED_TYPE = {
    "violence against civilians": "violence-against-civilians", "attack": "attack",
    "abduction/forced disappearance": "abduction-forced-disappearance", "sexual violence": "sexual-violence",
    "explosions/remote violence": "explosions-remote-violence", "air/drone strike": "air-drone-strike",
    "shelling/artillery/missile attack": "shelling-artillery-missile-attack",
    "remote explosive/landmine/ied": "remote-explosive-landmine-ied", "battles": "battles",
    "armed clash": "armed-clash", "strategic developments": "strategic-developments",
    "looting/property destruction": "looting-property-destruction", "arrests": "arrests",
    "protests": "protests", "riots": "riots",
}
#: the columns compared between releases to say what changed (others change the row's digest only)
TRACKED = {
    GED.name: ("date_start", "date_end", "date_prec", "where_prec", "where_coordinates", "adm_1", "country",
               "latitude", "longitude", "type_of_violence", "side_a", "side_b", "low", "best", "high",
               "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"),
    ACLED.name: ("event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2", "country",
                 "admin1", "location", "latitude", "longitude", "geo_precision", "fatalities"),
}


@dataclass(frozen=True)
class RowError:
    """An impossible value: the column, the value, and what it should be."""

    column: str
    value: str
    message: str


@dataclass(frozen=True)
class Side:
    """An actor a row names: its name, the dataset's identifier, our class and category, and its part."""

    name: str
    identifier: str  # a dataset identifier (GED side_a_new_id); ACLED has none but the name
    klass: str
    category: str
    perpetrator: bool  # the row says this side did the harm (one-sided violence, violence against civilians)


@dataclass(frozen=True)
class Figure:
    """A killed count: low/best/high, our qualifier, and for a subtotal whose deaths (a side index or a status)."""

    qualifier: str
    low: int | None
    best: int | None
    high: int | None
    subtotal: bool = False
    side: int | None = None  # index into CodedEvent.sides
    status: str | None = None  # victim-status slug
    what: str = ""  # the column(s) it comes from, for the label


@dataclass
class CodedEvent:
    """One coded row in our terms (see the module docstring for each mapping)."""

    dataset: str
    record_id: str
    identifiers: list[str]
    start: date
    end: date
    time_precision: str
    place_precision: str
    location_kind: str
    location: str
    admin1: str
    country: str
    latitude: float
    longitude: float
    incident_type: str
    type_name: str
    sides: list[Side]
    figures: list[Figure]
    victim_status: str | None
    cited_sources: str
    notes: str
    digest: str
    tracked: dict[str, str]
    errors: list[RowError] = field(default_factory=list)


_AFTER_DAY = re.compile(r"(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


class _Reader:
    """Collects a row's errors while reading its values."""

    def __init__(self, row: dict[str, str]) -> None:
        self.values = {k: (v or "").strip() for k, v in row.items()}
        self.errors: list[RowError] = []

    def text(self, column: str) -> str:
        return self.values.get(column, "")

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(column, self.text(column), message))

    def required(self, column: str) -> str:
        value = self.text(column)
        if not value:
            self.fail(column, "is empty; every row needs it")
        return value

    def count(self, column: str) -> int:
        value = self.text(column)
        try:
            number = int(float(value)) if value and float(value).is_integer() else int(value)
        except ValueError:
            self.fail(column, "is not a whole number of people")
            return 0
        if number < 0:
            self.fail(column, "is negative; a number of deaths is 0 or more")
            return 0
        return number

    def coordinate(self, column: str, limit: float) -> float:
        try:
            number = float(self.text(column))
        except ValueError:
            self.fail(column, "is not a decimal number of degrees")
            return 0.0
        if not -limit <= number <= limit:
            self.fail(column, f"is off the globe (must lie between -{limit:g} and {limit:g} degrees)")
            return 0.0
        return number

    def code(self, column: str, codes: dict[str, str]) -> str:
        value = self.text(column)
        if value.endswith(".0"):
            value = value[:-2]
        if value not in codes:
            self.fail(column, f"is not one of the codebook's codes ({', '.join(codes)})")
            return next(iter(codes.values()))
        return codes[value]

    def day(self, column: str) -> date:
        value = self.text(column)
        try:
            # GED writes a midnight time after the day ("2024-05-19 00:00:00.000"); nothing else may follow it
            if _AFTER_DAY.fullmatch(value[10:]):
                return date.fromisoformat(value[:10])
        except ValueError:
            pass
        try:
            return datetime.strptime(value, "%d %B %Y").date()
        except ValueError:
            pass
        self.fail(column, "is not a date (YYYY-MM-DD, or as ACLED's older exports write it: 19 May 2024)")
        return date(1, 1, 1)


def digest_of(row: dict[str, str], columns: tuple[str, ...]) -> str:
    """A short, stable digest of a row's values in the publisher's column order."""
    joined = "\x1f".join([row.get(c) or "" for c in columns])
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:16]


def _is_civilians(name: str) -> bool:
    return name.strip().casefold().startswith("civilians")


def _ged_side(r: _Reader, letter: str, one_sided: bool) -> Side | None:
    name = r.text(f"side_{letter}")
    if not name or _is_civilians(name):
        return None
    state = name.startswith("Government of")
    return Side(name, r.text(f"side_{letter}_new_id"), "StateForce" if state else "ArmedGroup",
                "state-forces" if state else "non-state-armed-group", perpetrator=one_sided and letter == "a")


def read_ged(row: dict[str, str]) -> CodedEvent:
    """A UCDP GED row as a :class:`CodedEvent` (its ``errors`` list every impossible value)."""
    r = _Reader(row)
    relid, event_id = r.required("relid"), r.required("id")
    start, end = r.day("date_start"), r.day("date_end")
    if not r.errors and end < start:
        r.fail("date_end", f"is before date_start ({start.isoformat()})")
    violence = r.text("type_of_violence").removesuffix(".0")
    incident_type = r.code("type_of_violence", GED_TYPE)
    low, best, high = r.count("low"), r.count("best"), r.count("high")
    if not low <= best <= high:
        r.fail("best", f"must lie between low ({low}) and high ({high})")
    deaths = {c: r.count(c) for c in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")}
    if sum(deaths.values()) != best and not any(e.column in deaths for e in r.errors):
        r.fail("best", f"is not the sum of deaths_a, deaths_b, deaths_civilians and deaths_unknown "
                       f"({sum(deaths.values())}), as the codebook defines it")
    one_sided = violence == "3"
    side_a, side_b = _ged_side(r, "a", one_sided), _ged_side(r, "b", one_sided)
    sides = [s for s in (side_a, side_b) if s is not None]
    figures = [Figure("exact" if low == best == high else "estimate", low, best, high, what="low, best, high")]
    for column, side, civilians in (("deaths_a", side_a, _is_civilians(r.text("side_a"))),
                                    ("deaths_b", side_b, _is_civilians(r.text("side_b")))):
        figures.append(Figure("exact", deaths[column], deaths[column], deaths[column], subtotal=True,
                              side=sides.index(side) if side else None,
                              status="civilians" if civilians else "combatants", what=column))
    figures.append(Figure("exact", *(deaths["deaths_civilians"],) * 3, subtotal=True, status="civilians",
                          what="deaths_civilians"))
    figures.append(Figure("exact", *(deaths["deaths_unknown"],) * 3, subtotal=True, status="unspecified",
                          what="deaths_unknown"))
    return CodedEvent(
        dataset=GED.name, record_id=relid, identifiers=[relid, event_id], start=start, end=end,
        time_precision=r.code("date_prec", GED_TIME), place_precision=r.code("where_prec", GED_PLACE),
        location_kind=GED_LOCATION_KIND.get(r.text("where_prec").removesuffix(".0"), "area"),
        location=r.text("where_coordinates"), admin1=r.text("adm_1"), country=r.required("country"),
        latitude=r.coordinate("latitude", 90), longitude=r.coordinate("longitude", 180),
        incident_type=incident_type, type_name=GED_TYPE_NAME.get(violence, ""), sides=sides, figures=figures,
        victim_status=_ged_status(deaths, best), cited_sources=r.text("source_article"), notes="",
        digest=digest_of(row, GED.columns), tracked={c: r.text(c) for c in TRACKED[GED.name]}, errors=r.errors,
    )


def _ged_status(deaths: dict[str, int], best: int) -> str | None:
    """Civilians, combatants or mixed from the best estimate's breakdown; unspecified when unknown deaths remain."""
    if best == 0:
        return None
    civilians, sides = deaths["deaths_civilians"], deaths["deaths_a"] + deaths["deaths_b"]
    if civilians and sides:
        return "mixed"
    if deaths["deaths_unknown"]:
        return "unspecified"
    return "civilians" if civilians else "combatants"


def _acled_kind(r: _Reader, column: str) -> str:
    """The actor type of inter1/inter2, written as text or, in older exports, as a number."""
    value = r.text(column).removesuffix(".0")
    if value.isdigit():
        if int(value) >= len(ACLED_INTER):
            r.fail(column, "is not an ACLED actor type (0–8, or its name)")
            return ""
        return ACLED_INTER[int(value)].casefold()
    if value and value.casefold() not in ACLED_ACTOR_KIND and value.casefold() != "civilians":
        r.fail(column, f"is not an ACLED actor type ({', '.join(ACLED_INTER[1:])})")
    return value.casefold()


def _acled_sides(r: _Reader, one_sided: bool) -> list[Side]:
    sides = []
    for number in ("1", "2"):
        kind = _acled_kind(r, f"inter{number}")
        if kind == "civilians":
            continue
        klass, category = ACLED_ACTOR_KIND.get(kind, ("Organisation", "non-state-armed-group"))
        names = [r.text(f"actor{number}")] + [n.strip() for n in r.text(f"assoc_actor_{number}").split(";")]
        for position, name in enumerate(n for n in names if n):
            if _is_civilians(name):
                continue
            main = position == 0 and name == r.text(f"actor{number}")
            sides.append(Side(name, name, klass if main else "Organisation",
                              category if main else "non-state-armed-group",
                              perpetrator=one_sided and number == "1"))
    return sides


def _acled_window(r: _Reader, precision: str) -> tuple[date, date]:
    day = r.day("event_date")
    if day.year == 1:
        return day, day
    if precision == "week":
        return day - timedelta(days=3), day + timedelta(days=3)
    if precision == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day, day


#: ACLED's columns but ``interaction``, which only combines inter1 and inter2
ACLED_DIGESTED = tuple(c for c in ACLED.columns if c != "interaction")


def _with_text_inter(row: dict[str, str]) -> dict[str, str]:
    """The row with numeric actor types written as their names, so that an export with either gives one digest."""
    copy = dict(row)
    for column in ("inter1", "inter2"):
        value = (copy.get(column) or "").strip().removesuffix(".0")
        if value.isdigit() and int(value) < len(ACLED_INTER):
            copy[column] = ACLED_INTER[int(value)]
    return copy


def read_acled(row: dict[str, str]) -> CodedEvent:
    """An ACLED row as a :class:`CodedEvent` (its ``errors`` list every impossible value)."""
    r = _Reader(row)
    event_id = r.required("event_id_cnty")
    precision = r.code("time_precision", ACLED_TIME)
    start, end = _acled_window(r, precision)
    event_type, sub_type = r.text("event_type").casefold(), r.text("sub_event_type").casefold()
    incident_type = ACLED_TYPE.get(sub_type) or ACLED_TYPE.get(event_type)
    if incident_type is None:
        r.fail("event_type", "is not an ACLED event or sub-event type (Battles, Explosions/Remote violence, "
                             "Violence against civilians, Protests, Riots, Strategic developments, or one of theirs)")
    one_sided = event_type == "violence against civilians" or bool(r.text("civilian_targeting"))
    fatalities = r.count("fatalities")
    return CodedEvent(
        dataset=ACLED.name, record_id=event_id, identifiers=[event_id], start=start, end=end,
        time_precision=precision, place_precision=r.code("geo_precision", ACLED_PLACE),
        location_kind=ACLED_LOCATION_KIND.get(r.text("geo_precision").removesuffix(".0"), "area"),
        location=r.text("location"), admin1=r.text("admin1"), country=r.required("country"),
        latitude=r.coordinate("latitude", 90), longitude=r.coordinate("longitude", 180),
        incident_type=incident_type or "battles", type_name=r.text("sub_event_type") or r.text("event_type"),
        sides=_acled_sides(r, one_sided), figures=[Figure("at-least", fatalities, None, None, what="fatalities")],
        victim_status="civilians" if one_sided and fatalities else None, cited_sources=r.text("source"),
        notes=r.text("notes"), digest=digest_of(_with_text_inter(row), ACLED_DIGESTED),
        tracked={c: r.text(c) for c in TRACKED[ACLED.name]}, errors=r.errors,
    )


READERS: dict[str, Callable[[dict[str, str]], CodedEvent]] = {GED.name: read_ged, ACLED.name: read_acled}
