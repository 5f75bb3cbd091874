"""Which views suit a result (table, map, timeline, chart), read from its columns' values.

The query page always prints the table; the map, timeline and chart are
drawn in the browser (``/static/query.js``) over the full result. This module
says which of them the result can feed, and which one is shown first when the
URL names none, in the order the Wikidata Query Service uses: a map when a
column holds coordinates, else a timeline when one holds dates, else a chart
when a short result pairs a number with a label, else the table.

>>> cols = ["place", "wkt"]
>>> rows = [[Cell("place:kidal", kind="iri"), Cell("POINT(1 17)", note="geo:wktLiteral")]]
>>> suitable_views(cols, rows)
['table', 'map']
>>> suitable_views(["n"], [[Cell("3", note="xsd:integer")]])
['table']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

VIEWS = ("table", "map", "timeline", "chart")
#: Datatypes (compacted) whose values are numbers, dates, or well-known text geometries.
NUMERIC = {f"xsd:{t}" for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                                "nonNegativeInteger", "positiveInteger", "unsignedInt")}
DATES = {"xsd:date", "xsd:dateTime", "xsd:gYear", "xsd:gYearMonth"}
WKT = {"geo:wktLiteral"}
WKT_TEXT = re.compile(r"^\s*(<[^>]*>\s*)?POINT\s*\(", re.IGNORECASE)
LAT = re.compile(r"^(lat|latitude)$", re.IGNORECASE)
LONG = re.compile(r"^(lon|long|lng|longitude)$", re.IGNORECASE)
#: Most rows a chart draws as bars: more cannot be read.
CHART_ROWS = 60


class CellLike(Protocol):
    """What is read of a cell: its text, its datatype or language note, its kind."""

    @property
    def text(self) -> str: ...
    @property
    def note(self) -> str | None: ...
    @property
    def kind(self) -> str: ...


@dataclass(frozen=True)
class Cell:
    """A minimal cell, for the examples above."""

    text: str
    note: str | None = None
    kind: str = "literal"


def _column(rows: Sequence[Sequence[CellLike | None]], i: int) -> list[CellLike]:
    return [c for row in rows if i < len(row) and (c := row[i]) is not None]


def _all(cells: list[CellLike], kinds: set[str]) -> bool:
    return bool(cells) and all(c.note in kinds for c in cells)


def has_coordinates(columns: Sequence[str], rows: Sequence[Sequence[CellLike | None]]) -> bool:
    """A column of WKT points, or a latitude and a longitude column."""
    for i in range(len(columns)):
        cells = _column(rows, i)
        if cells and any(c.note in WKT or WKT_TEXT.match(c.text) for c in cells):
            return True
    lat = next((i for i, c in enumerate(columns) if LAT.match(c)), None)
    long = next((i for i, c in enumerate(columns) if LONG.match(c)), None)
    if lat is None or long is None:
        return False
    # columns named lat and long that hold no point on the globe (text, nothing bound) feed no map
    return any(_degrees(row, lat, 90) and _degrees(row, long, 180) for row in rows)


def _degrees(row: Sequence[CellLike | None], i: int, limit: float) -> bool:
    cell = row[i] if i < len(row) else None
    try:
        return cell is not None and abs(float(cell.text)) <= limit
    except ValueError:
        return False


def suitable_views(columns: Sequence[str], rows: Sequence[Sequence[CellLike | None]]) -> list[str]:
    """The views this result can feed, the table first."""
    found = ["table"]
    if has_coordinates(columns, rows):
        found.append("map")
    if any(_all(_column(rows, i), DATES) for i in range(len(columns))):
        found.append("timeline")
    numeric = any(_all(_column(rows, i), NUMERIC) for i in range(len(columns)))
    if numeric and len(columns) > 1 and 0 < len(rows) <= CHART_ROWS:
        found.append("chart")
    return found


def chart_leaves_rows_out(columns: Sequence[str], rows: Sequence[Sequence[CellLike | None]]) -> bool:
    """Whether the chart would draw fewer bars than there are rows: the number it draws (the last numeric
    column, as ``/static/query.js`` picks it) is unbound in some row, e.g. an OPTIONAL figure."""
    numeric = [i for i in range(len(columns)) if _all(_column(rows, i), NUMERIC)]
    return bool(numeric) and len(_column(rows, numeric[-1])) < len(rows)


def chosen_view(asked: str | None, suitable: list[str], *, partial_chart: bool = False) -> str:
    """The view shown: the one the URL asks for if it suits, else the first suitable after the table,
    but not a chart that would leave rows out (``partial_chart``): that one is offered, not shown first.

    >>> chosen_view(None, ["table", "chart"], partial_chart=True)
    'table'
    """
    if asked in suitable:
        return asked or "table"
    if asked is not None:
        return "table"
    first = [v for v in suitable[1:] if not (v == "chart" and partial_chart)]
    return first[0] if first else "table"
