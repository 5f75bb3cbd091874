"""Geometry for the server-side SVG pictures: fatality ranges and the incident timeline.

Functions here compute numbers only; the templates draw them (autoescaped).

Each picture is laid out twice: wide (labels beside the bars) and narrow
(labels above them), and the page shows the one that fits (``pages.css``), so
that chart text is never drawn below :data:`TEXT_PX` CSS pixels: the wide
layout is shown only where it is drawn at least at its own size, the narrow
one is made for a 300-pixel-wide box. A range chart's speaker names and
stances wrap onto as many lines as they need (a row grows to hold them), so no
name is cut; the timeline's labels are shortened to fit their row (the full
label is the bar's tooltip, and the list beside it).

Each bar of the range chart says the claim's stance and what it says the
victims were under the speaker's name: a toll given by a speaker who disputes
that the dead were civilians must not read as agreement with those who say so.

>>> chart = range_chart([RangeInput("a", "#a", "46", 46, 46, 46, "exact"),
...                      RangeInput("b", "#b", "at least 60", 60, None, None, "at-least")])
>>> [bar.shape for bar in chart.bars]
['point', 'open']
>>> chart.axis_max, chart.bars[1].x2 == chart.plot_right
(80, True)
>>> chart.narrow.width, [bar.shape for bar in chart.narrow.bars]
(300, ['point', 'open'])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from sahel_kg.pages.i18n import ngettext

#: The smallest chart text, in CSS pixels as drawn (WCAG 1.4.4 asks nothing less of a phone).
TEXT_PX = 12
#: Font sizes in SVG units: the wide layouts are shown at scale 1 or more, the narrow ones at 0.92 or more.
WIDE_TEXT, NARROW_TEXT = 12, 13.5


@dataclass(frozen=True)
class RangeInput:
    """One claim's total figure: the row label, its anchor, the text and the range; its stance in words
    (and what the speaker says of the victims), and the stance concept's local name."""

    label: str
    href: str
    text: str
    low: int | None
    best: int | None
    high: int | None
    qualifier: str  # the count-qualifier concept's local name
    stance: str = ""
    stance_slug: str = ""


@dataclass(frozen=True)
class Label:
    """A piece of chart text where it is drawn: its (perhaps shortened) text, position and anchor;
    ``more``: the lines after the first, when it wraps (each one line height lower)."""

    text: str
    x: float
    y: float
    anchor: str = "start"
    more: tuple[str, ...] = ()
    line_height: float = 0.0


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
    name: Label | None = None  # where the row's label is drawn
    value: Label | None = None  # where its figure is drawn
    note: Label | None = None  # where its stance is drawn
    stance_slug: str = ""


@dataclass(frozen=True)
class Tick:
    """An axis tick: its position and label (empty where labels would collide)."""

    x: float
    label: str
    anchor: str = "middle"


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
    text_size: float = WIDE_TEXT
    narrow: RangeChart | None = None  # the same bars laid out for a phone
    summary: str = ""  # the chart in words: its text alternative
    rows_bottom: float = 0.0  # where the last row ends (rows grow to hold wrapped names)

    @property
    def height(self) -> int:
        """Total height: the rows plus the axis."""
        return int(self.axis_y) + 30

    @property
    def axis_y(self) -> float:
        """Where the axis line is drawn."""
        return float((self.rows_bottom or self.top + self.row_height * len(self.bars)) + 6)


#: Approximate advance widths of a wide sans-serif (DejaVu Sans), in ems, to keep text inside the picture.
_NARROW_CHARS = {**dict.fromkeys("ijlI'|!.,:;", 0.3), **dict.fromkeys("ftr ()[]-", 0.42)}
_WIDE_CHARS = {**dict.fromkeys("mwMW—…", 1.0), **dict.fromkeys("ABCDEFGHJKLNOPQRSTUVXYZ&", 0.78)}


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A generous estimate of the width of ``text`` at font size ``size`` (a bold face is wider).

    >>> round(text_width("46", 12), 1), round(text_width("46", 12, bold=True), 1)
    (16.1, 18.1)
    """
    return (1.18 if bold else 1.05) * size * sum(_NARROW_CHARS.get(c, _WIDE_CHARS.get(c, 0.64)) for c in text)


def fit(text: str, size: float, room: float, bold: bool = False) -> str:
    """``text``, shortened with an ellipsis to fit ``room`` units at ``size``.

    >>> fit("Tessoura Rights Observatory", 12, 100)
    'Tessoura Ri…'
    >>> fit("46", 12, 100)
    '46'
    """
    if text_width(text, size, bold) <= room:
        return text
    n = len(text)
    while n > 1 and text_width(text[:n].rstrip(" ,;:-–") + "…", size, bold) > room:
        n -= 1
    return text[:n].rstrip(" ,;:-–") + "…"


def wrap(text: str, size: float, room: float, bold: bool = False) -> list[str]:
    """``text`` broken between words into lines that each fit ``room`` units at ``size`` (a word longer
    than a line is shortened with an ellipsis, the only case where text is cut).

    >>> wrap("Malian Armed Forces spokesperson Colonel Souleymane Dembélé", 12, 200)
    ['Malian Armed Forces', 'spokesperson Colonel', 'Souleymane Dembélé']
    >>> wrap("", 12, 100)
    []
    """
    lines: list[str] = []
    for word in text.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(joined, size, bold) <= room:
            lines[-1] = joined
        else:
            lines.append(fit(word, size, room, bold))
    return lines


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


def _value_beside(bar: Bar, chart: RangeChart) -> Label:
    """The figure (drawn bold) right of the bar; above it where it would leave the picture (and always for open bars)."""
    size, room = chart.text_size, chart.width - 4
    ends = max(bar.x1, bar.x2) + (7 if bar.shape == "approx" else 0)
    text = fit(bar.text, size, room - chart.label_width, bold=True)
    if bar.shape != "open" and ends + 10 + text_width(text, size, bold=True) <= room:
        return Label(text, ends + 10, bar.y + 4)
    x = max(bar.x1 - 2, float(chart.label_width))
    if x + text_width(text, size, bold=True) > room:
        return Label(text, room, bar.y - 9, "end")
    return Label(text, x, bar.y - 9)


def _lines_label(lines: list[str], x: float, y: float, anchor: str, line_height: float) -> Label | None:
    return Label(lines[0], x, y, anchor, tuple(lines[1:]), line_height) if lines else None


def _range_layout(items: list[RangeInput], chart: RangeChart, *, beside: bool) -> RangeChart:
    top = max((n for i in items for n in (i.low, i.best, i.high) if n is not None), default=0)
    chart.axis_max = nice_max(top)
    left = float(chart.label_width)
    scale = (chart.plot_right - left) / chart.axis_max
    size = chart.text_size
    step = size + 3  # one line of text
    bars = []
    row = float(chart.top)
    for item in items:
        if beside:  # the name and the stance right-aligned left of the plot, the bar mid-row
            names, notes = wrap(item.label, size, left - 12), wrap(item.stance, size, left - 12)
            height = max(float(chart.row_height), (len(names) + len(notes)) * step + 8)
            bar = _bar(item, row + height / 2, scale, left, chart.plot_right)
            first = row + (height - (len(names) + len(notes)) * step) / 2 + size
            name = _lines_label(names, left - 8, first, "end", step)
            note = _lines_label(notes, left - 8, first + len(names) * step, "end", step)
        else:  # the name, the stance and the figure on lines of their own, the bar below
            names, notes = wrap(item.label, size, chart.width - 8), wrap(item.stance, size, chart.width - 8)
            lines = len(names) + len(notes) + 1
            height = lines * step + 22
            bar = _bar(item, row + height - 12, scale, left, chart.plot_right)
            name = _lines_label(names, 4, row + size, "start", step)
            note = _lines_label(notes, 4, row + size + len(names) * step, "start", step)
        value = (_value_beside(bar, chart) if beside
                 else Label(fit(item.text, size, chart.width - 8, bold=True), 4, row + size + (lines - 1) * step))
        bars.append(Bar(bar.label, bar.href, bar.text, bar.y, bar.x1, bar.x2, bar.shape, bar.marker, name, value,
                        note, item.stance_slug))
        row += height
    chart.bars = bars
    chart.rows_bottom = row
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 10 ** 9)
                if chart.axis_max / s <= 6 and chart.axis_max % s == 0)
    chart.ticks = []
    for n in range(0, chart.axis_max + 1, step):
        tx, half = left + n * scale, text_width(str(n), size) / 2
        anchor = "start" if tx - half < 0 else "end" if tx + half > chart.width else "middle"  # inside the picture
        chart.ticks.append(Tick(tx, str(n), anchor))
    return chart


def range_chart(items: list[RangeInput]) -> RangeChart:
    """Bars for each claim's total figure on one axis from 0, laid out wide and narrow."""
    chart = _range_layout(items, RangeChart(), beside=True)
    narrow = RangeChart(width=300, row_height=int(2 * NARROW_TEXT + 26), label_width=6, plot_right=290.0, top=4,
                        text_size=NARROW_TEXT)
    chart.narrow = _range_layout(items, narrow, beside=False)
    n = len(items)
    chart.summary = ngettext(
        "The death toll that %(num)d claim gives, on one axis from 0 to %(max)s people killed; "
        "the table below gives the claim's figure and words.",
        "The death tolls that %(num)d claims give, on one axis from 0 to %(max)s people killed; "
        "the table below gives each claim's figure and words.", n) % {"num": n, "max": chart.axis_max}
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
    name: Label | None = None  # where the incident's label is drawn


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
    text_size: float = WIDE_TEXT
    narrow: Timeline | None = None  # the same spans laid out for a phone
    summary: str = ""  # the timeline in words
    rows_bottom: float = 0.0  # where the last row ends (rows grow to hold wrapped labels)

    @property
    def height(self) -> int:
        """Total height: the rows plus the axis."""
        return int(self.axis_y) + 30

    @property
    def axis_y(self) -> float:
        """Where the axis line is drawn."""
        return float((self.rows_bottom or self.row_height * len(self.spans)) + 4)


@dataclass(frozen=True)
class TimelineInput:
    """An incident: label, link, window text and its (possibly open) bounds."""

    label: str
    href: str
    text: str
    start: date | None
    end: date | None


def _timeline_layout(items: list[TimelineInput], chart: Timeline) -> Timeline:
    days = [d for i in items for d in (i.start, i.end) if d is not None]
    if not days:
        return chart
    first = date(min(days).year, 1, 1)
    last = date(max(days).year + 1, 1, 1)
    span_days = (last - first).days or 1
    scale = (chart.right - chart.left) / span_days
    def x(d: date) -> float:
        return chart.left + (d - first).days * scale

    size = chart.text_size
    step = size + 3  # one line of text
    top = 0.0
    for item in items:
        x1 = x(item.start) if item.start else chart.left
        x2 = x(item.end) if item.end else chart.right
        narrow = chart.width < 400  # a phone's: every label from the left edge, with the whole width to fill
        whole = text_width(item.label, size)
        if not narrow and whole <= chart.width - 8:  # one line, from the bar's start where it fits
            lines, at = [item.label], max(4.0, min(x1, chart.width - 4 - whole))
        else:  # as many lines as it takes: a label is never cut
            lines, at = wrap(item.label, size, chart.width - 8), 4.0
        height = max(float(chart.row_height), len(lines) * step + 14)
        y = top + height - 18  # the bar's top is y + 9, its label's last line ends above it
        name = Label(lines[0], at, y + 5 - (len(lines) - 1) * step, "start", tuple(lines[1:]), step)
        chart.spans.append(Span(item.label, item.href, item.text, y, x1, max(x2, x1 + 3),
                                item.start is None, item.end is None, name))
        top += height
    chart.rows_bottom = top
    ticks, shown_until = [], -math.inf
    years = list(range(first.year, last.year + 1))
    for k, year in enumerate(years):
        tx = x(date(year, 1, 1))
        anchor = "end" if k == len(years) - 1 else "start"
        label_left = tx - 3 - text_width(str(year), size) if anchor == "end" else tx + 3
        shown = label_left > shown_until + 6
        ticks.append(Tick(tx, str(year) if shown else "", anchor))
        if shown:
            shown_until = label_left + text_width(str(year), size)
    chart.ticks = ticks
    return chart


def timeline(items: list[TimelineInput]) -> Timeline:
    """Incidents as spans on a shared time axis, with a tick per year, laid out wide and narrow.

    >>> t = timeline([TimelineInput("a", "/a", "", date(2024, 1, 1), date(2024, 1, 31)),
    ...               TimelineInput("b", "/b", "", None, date(2024, 12, 31))])
    >>> [s.open_start for s in t.spans], [tick.label for tick in t.ticks]
    ([False, True], ['2024', '2025'])
    >>> t.narrow.width, len(t.narrow.spans)
    (300, 2)
    """
    chart = _timeline_layout(items, Timeline())
    chart.narrow = _timeline_layout(items, Timeline(width=300, row_height=int(NARROW_TEXT + 18), left=4.0, right=296.0,
                                                    text_size=NARROW_TEXT))
    years = sorted(d.year for i in items for d in (i.start, i.end) if d is not None)
    if years:
        n, when = len(items), str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"
        chart.summary = ngettext("The time window of the latest incident, %(when)s; the list below names it, with its dates.",
                                 "The time windows of the %(num)d latest incidents, %(when)s; "
                                 "the list below names each, with its dates.", n) % {"num": n, "when": when}
    return chart
