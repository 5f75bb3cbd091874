"""Geometry for the server-side SVG pictures: fatality ranges and the incident timeline.

Functions here compute numbers only; the templates draw them (autoescaped).

>>> chart = range_chart([RangeInput("a", "#a", "46", 46, 46, 46, "exact"),
...                      RangeInput("b", "#b", "at least 60", 60, None, None, "at-least")])
>>> [bar.shape for bar in chart.bars]
['point', 'open']
>>> chart.axis_max, chart.bars[1].x2 == chart.plot_right
(80, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class RangeInput:
    """One claim's total figure: the row label, its anchor, the text and the range."""

    label: str
    href: str
    text: str
    low: int | None
    best: int | None
    high: int | None
    qualifier: str  # the count-qualifier concept's local name


@dataclass(frozen=True)
class Bar:
    """One row of the range chart, in SVG user units."""

    label: str
    href: str
    text: str
    y: float
    x1: float
    x2: float
    shape: str  # range, point, open (no upper bound), approx (best only), none
    marker: float | None = None


@dataclass(frozen=True)
class Tick:
    """An axis tick: its position and label."""

    x: float
    label: str


@dataclass
class RangeChart:
    """Claims' fatality ranges on one shared axis."""

    width: int = 640
    row_height: int = 30
    label_width: int = 250
    plot_right: float = 620.0
    top: int = 16
    axis_max: int = 10
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)

    @property
    def height(self) -> int:
        """Total height: one row per bar plus the axis."""
        return int(self.axis_y) + 30

    @property
    def axis_y(self) -> float:
        """Where the axis line is drawn."""
        return float(self.top + self.row_height * len(self.bars) + 6)


def nice_max(value: int) -> int:
    """A round axis end a little above ``value``.

    >>> nice_max(60), nice_max(7), nice_max(0), nice_max(460)
    (80, 10, 10, 600)
    """
    target = max(value * 1.2, 10)
    step = 10 ** math.floor(math.log10(target))
    for mult in (1, 2, 2.5, 4, 5, 6, 8, 10):
        if step * mult >= target:
            return int(step * mult)
    return int(step * 10)


def _bar(item: RangeInput, y: float, scale: float, left: float, right: float) -> Bar:
    def x(n: int) -> float:
        return left + n * scale

    low, best, high = item.low, item.best, item.high
    if low is not None and high is not None:
        shape = "point" if low == high else "range"
        return Bar(item.label, item.href, item.text, y, x(low), x(high), shape, x(best) if best is not None else None)
    if low is not None:
        return Bar(item.label, item.href, item.text, y, x(low), right, "open", x(best) if best is not None else None)
    if best is not None:
        return Bar(item.label, item.href, item.text, y, x(best), x(best), "approx", x(best))
    if high is not None:
        return Bar(item.label, item.href, item.text, y, left, x(high), "range", None)
    return Bar(item.label, item.href, item.text, y, left, left, "none", None)


def range_chart(items: list[RangeInput]) -> RangeChart:
    """Bars for each claim's total figure on one axis from 0."""
    chart = RangeChart()
    top = max((n for i in items for n in (i.low, i.best, i.high) if n is not None), default=0)
    chart.axis_max = nice_max(top)
    left = float(chart.label_width)
    scale = (chart.plot_right - left) / chart.axis_max
    chart.bars = [_bar(item, chart.top + n * chart.row_height + chart.row_height / 2, scale, left, chart.plot_right)
                  for n, item in enumerate(items)]
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 10 ** 9)
                if chart.axis_max / s <= 6 and chart.axis_max % s == 0)
    chart.ticks = [Tick(left + n * scale, str(n)) for n in range(0, chart.axis_max + 1, step)]
    return chart


@dataclass(frozen=True)
class Span:
    """One incident on the timeline."""

    label: str
    href: str
    text: str
    y: float
    x1: float
    x2: float
    open_start: bool
    open_end: bool


@dataclass
class Timeline:
    """Incidents' time windows on one time axis."""

    width: int = 760
    row_height: int = 26
    label_width: int = 0
    left: float = 10.0
    right: float = 750.0
    spans: list[Span] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)

    @property
    def height(self) -> int:
        """Total height: one row per span plus the axis."""
        return self.row_height * len(self.spans) + 34

    @property
    def axis_y(self) -> float:
        """Where the axis line is drawn."""
        return float(self.row_height * len(self.spans) + 4)


@dataclass(frozen=True)
class TimelineInput:
    """An incident: label, link, window text and its (possibly open) bounds."""

    label: str
    href: str
    text: str
    start: date | None
    end: date | None


def timeline(items: list[TimelineInput]) -> Timeline:
    """Incidents as spans on a shared time axis, with a tick per year.

    >>> t = timeline([TimelineInput("a", "/a", "", date(2024, 1, 1), date(2024, 1, 31)),
    ...               TimelineInput("b", "/b", "", None, date(2024, 12, 31))])
    >>> [s.open_start for s in t.spans], [tick.label for tick in t.ticks]
    ([False, True], ['2024', '2025'])
    """
    chart = Timeline()
    days = [d for i in items for d in (i.start, i.end) if d is not None]
    if not days:
        return chart
    first = date(min(days).year, 1, 1)
    last = date(max(days).year + 1, 1, 1)
    span_days = (last - first).days or 1
    scale = (chart.right - chart.left) / span_days
    def x(d: date) -> float:
        return chart.left + (d - first).days * scale

    for n, item in enumerate(items):
        x1 = x(item.start) if item.start else chart.left
        x2 = x(item.end) if item.end else chart.right
        chart.spans.append(Span(item.label, item.href, item.text, n * chart.row_height + 8,
                                x1, max(x2, x1 + 3), item.start is None, item.end is None))
    chart.ticks = [Tick(x(date(y, 1, 1)), str(y)) for y in range(first.year, last.year + 1)]
    return chart
