"""Proposed matches: an imported event and a curated incident whose places agree and whose windows overlap.

The score, from 0 to 1, is half place and half time:

- place: 1 when both are at the same place, 0.5 when one place lies in the
  other (geo:sfWithin, at any remove); a country or a wider area never counts,
  since every event in Mali lies in Mali;
- time: the days both windows share over the days either covers; when the
  curated incident has only one bound, 0.5 if the windows can overlap at all;
  with no bound it is never proposed.

A pair a curator has confirmed (``shg:sameIncidentAs``) is not proposed again.
Nothing is merged: the proposal is a ``shg:possiblySameIncidentAs`` triple
and its qualified form (``shg:proposedMatch``) on the imported incident.

>>> window_score(date(2024, 5, 19), date(2024, 5, 19), date(2024, 5, 19), date(2024, 5, 19))
(1.0, 'both windows are 2024-05-19 to 2024-05-19')
>>> window_score(date(2024, 5, 1), date(2024, 5, 31), date(2024, 5, 19), date(2024, 5, 19))[0]
0.03
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sahel_kg.curation.imports.reference import WIDE, CuratedIncident, Reference


@dataclass(frozen=True)
class Match:
    """One proposal: the curated incident, the score (two decimals) and why."""

    candidate: str
    score: float
    basis: str


def window_score(start: date, end: date, their_start: date | None, their_end: date | None) -> tuple[float, str] | None:
    """The time half of a score and its reason, or None when the windows cannot overlap."""
    if their_start is None and their_end is None:
        return None
    if their_start is None or their_end is None:
        if (their_end is not None and their_end < start) or (their_start is not None and their_start > end):
            return None
        bound = f"ends {their_end}" if their_end else f"begins {their_start}"
        return 0.5, f"the incident's window is open (it only {bound})"
    shared = (min(end, their_end) - max(start, their_start)).days + 1
    if shared <= 0:
        return None
    either = (max(end, their_end) - min(start, their_start)).days + 1
    if (start, end) == (their_start, their_end):
        return round(shared / either, 2), f"both windows are {start} to {end}"
    return round(shared / either, 2), f"the windows share {shared} of {either} days"


class Matcher:
    """Proposes curated incidents for imported events (build once per import)."""

    def __init__(self, ref: Reference) -> None:
        self.ref = ref
        self.below: dict[str, list[CuratedIncident]] = defaultdict(list)  # place → incidents at places in it
        for place, incidents in ref.incidents.items():
            for container in ref.ancestors(place):
                self.below[container].extend(incidents)

    def propose(self, imported: str, place: str, containers: list[str], start: date, end: date) -> list[Match]:
        """Matches for the event ``imported`` at ``place`` (lying in ``containers``), sorted by candidate."""
        found: dict[str, Match] = {}
        candidates: list[tuple[CuratedIncident, float, str]] = []
        if place not in self.ref.precision or self.ref.precision[place] not in WIDE:
            candidates += [(i, 1.0, "same place") for i in self.ref.incidents.get(place, [])]
            candidates += [(i, 0.5, "the incident's place lies in the event's") for i in self.below.get(place, [])]
        for container in containers:
            if self.ref.precision.get(container) not in WIDE:
                candidates += [(i, 0.5, "the event's place lies in the incident's")
                               for i in self.ref.incidents.get(container, [])]
        for incident, place_score, place_reason in candidates:
            if (imported, incident.iri) in self.ref.confirmed:
                continue
            timing = window_score(start, end, incident.start, incident.end)
            if timing is None:
                continue
            score = round(0.5 * place_score + 0.5 * timing[0], 2)
            match = Match(incident.iri, score, f"{place_reason}; {timing[1]}")
            if incident.iri not in found or found[incident.iri].score < score:
                found[incident.iri] = match
        return [found[k] for k in sorted(found)]
