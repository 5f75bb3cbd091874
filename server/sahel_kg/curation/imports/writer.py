"""The Turtle of one imported row (its incident and its claim), of the release, and of a release update.

A row becomes two subjects:

- ``incident:<dataset>-<record id>``: what identifies the coded event (type, place,
  window, precisions), with the dataset's record identifier and any proposed matches;
- ``claim:<dataset>-<record id>``: a ``shg:CodedClaim`` attributed to the coder
  (``actor:ucdp``, ``actor:acled``), ``prov:wasDerivedFrom`` the release, with the row's
  figures, actors, victim status, cited sources and identifiers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sahel_kg.curation.imports.datasets import Dataset
from sahel_kg.curation.imports.matching import Match
from sahel_kg.curation.imports.records import CodedEvent, Figure
from sahel_kg.curation.imports.turtle import block, curie, date_literal, literal, node, slug
from sahel_kg.namespaces import PREFIXES

INCIDENT, CLAIM, SOURCE = PREFIXES["incident"], PREFIXES["claim"], PREFIXES["source"]
CODER_NAME = {"ucdp-ged": "UCDP GED", "acled": "ACLED"}


@dataclass(frozen=True)
class Release:
    """The release being imported: its dataset, version, file name and IRI."""

    dataset: Dataset
    version: str
    file_name: str

    @property
    def iri(self) -> str:
        return f"{SOURCE}{self.dataset.name}-{slug(self.version)}"


def incident_iri(dataset: str, record_id: str) -> str:
    """The stable IRI of a coded event: the dataset and its record identifier (GED relid, ACLED event_id_cnty)."""
    return f"{INCIDENT}{dataset}-{slug(record_id)}"


def claim_iri(dataset: str, record_id: str) -> str:
    """The stable IRI of a coded row's claim."""
    return f"{CLAIM}{dataset}-{slug(record_id)}"


def figure_text(figure: Figure) -> str:
    """A killed count in words.

    >>> figure_text(Figure("estimate", 20, 25, 30)), figure_text(Figure("at-least", 0, None, None))
    ('25 killed (low 20, high 30)', 'no deaths reported')
    """
    if figure.qualifier == "at-least":
        return f"at least {figure.low} killed" if figure.low else "no deaths reported"
    if figure.qualifier == "exact":
        return f"{figure.best} killed"
    return f"{figure.best} killed (low {figure.low}, high {figure.high})"


def _window(start: date, end: date) -> str:
    return str(start) if start == end else f"{start} to {end}"


def _count(figure: Figure, side_iris: Sequence[str]) -> str:
    return _count_text(figure, side_iris[figure.side] if figure.side is not None else None)


@lru_cache(maxsize=65536)
def _count_text(figure: Figure, side: str | None) -> str:
    """A count node, line by line: counts are the bulk of every row's text, and most repeat (0 killed)."""
    lines = ["[", "            a shg:Count ;"]
    if figure.best is not None:
        lines.append(f"            shg:best {figure.best} ;")
    lines.append(f"            shg:countQualifier cqual:{figure.qualifier} ;")
    lines.append("            shg:countType ctype:killed ;")
    if figure.status:
        lines.append(f"            shg:countedStatus vstatus:{figure.status} ;")
    if figure.high is not None:
        lines.append(f"            shg:high {figure.high} ;")
    if figure.low is not None:
        lines.append(f"            shg:low {figure.low} ;")
    if figure.subtotal:
        lines.append("            shg:subtotal true ;")
    if side is not None:
        lines.append(f"            shg:victimParty {curie(side)} ;")
    lines.append("        ]")
    return "\n".join(lines)


def event_turtle(event: CodedEvent, release: Release, place: str, place_label: str, side_iris: Sequence[str],
                 matches: Sequence[Match]) -> str:
    """The incident and claim blocks of one row."""
    incident = incident_iri(event.dataset, event.record_id)
    coder = CODER_NAME[event.dataset]
    where = f"{place_label}, {event.country}" if place_label and place_label != event.country else event.country
    kind = event.type_name or event.incident_type.replace("-", " ")
    text = block(curie(incident), [
        ("a", ["shg:Incident"]),
        ("rdfs:label", [literal(f"{kind[:1].upper()}{kind[1:]} in {where}, {_window(event.start, event.end)} "
                                f"({coder} {event.record_id})", "en")]),
        ("dcterms:identifier", [literal(event.record_id)]),
        ("sem:eventType", [f"itype:{event.incident_type}"]),
        ("sem:hasEarliestBeginTimeStamp", [date_literal(event.start)]),
        ("sem:hasLatestEndTimeStamp", [date_literal(event.end)]),
        ("sem:hasPlace", [curie(place)]),
        ("shg:placePrecision", [f"pprec:{event.place_precision}"]),
        ("shg:possiblySameIncidentAs", [curie(m.candidate) for m in matches]),
        ("shg:proposedMatch", [node([("a", ["shg:IncidentMatch"]),
                                     ("shg:matchBasis", [literal(m.basis, "en")]),
                                     ("shg:matchCandidate", [curie(m.candidate)]),
                                     ("shg:matchScore", [f"{m.score:.2f}"])]) for m in matches]),
        ("shg:timePrecision", [f"tprec:{event.time_precision}"]),
    ])
    perpetrators = [iri for iri, side in zip(side_iris, event.sides) if side.perpetrator]
    parties = [iri for iri, side in zip(side_iris, event.sides) if not side.perpetrator]
    total = event.figures[0]
    return text + block(curie(claim_iri(event.dataset, event.record_id)), [
        ("a", ["shg:Claim", "shg:CodedClaim"]),
        ("rdfs:label", [literal(f"{coder} {release.version}: {figure_text(total)} in {where}, "
                                f"{_window(event.start, event.end)} ({kind})", "en")]),
        ("dcterms:description", [literal(event.notes, "en")] if event.notes else []),
        ("dcterms:identifier", [literal(i) for i in sorted(set(event.identifiers))]),
        ("prov:wasAttributedTo", [f"actor:{release.dataset.coder}"]),
        ("prov:wasDerivedFrom", [curie(release.iri)]),
        ("shg:about", [curie(incident)]),
        ("shg:allegedPerpetrator", sorted(set(curie(p) for p in perpetrators))),
        ("shg:citedSources", [literal(event.cited_sources)] if event.cited_sources else []),
        ("shg:codedParty", sorted(set(curie(p) for p in parties))),
        ("shg:count", [_count(f, side_iris) for f in event.figures]),
        ("shg:stance", ["stance:reports"]),
        ("shg:victimStatus", [f"vstatus:{event.victim_status}"] if event.victim_status else []),
    ])


def release_turtle(release: Release, latest: date | None) -> str:
    """The release as a source document: title, publisher, version, licence and what bounds its date."""
    inference = []
    if latest is not None:
        inference = [node([("a", ["shg:CuratorInference"]),
                           ("shg:inferredProperty", ["shg:earliestPublication"]),
                           ("shg:reasoning", [literal(
                               "Set by the import: a release cannot be older than the latest event date "
                               "it codes.", "en")])])]
    return block(curie(release.iri), [
        ("a", ["shg:DatasetRelease", "shg:SourceDocument"]),
        ("rdfs:label", [literal(f"{release.dataset.title}, version {release.version}", "en")]),
        ("dcterms:identifier", [literal(release.file_name)]),
        ("dcterms:license", [f"<{release.dataset.license}>"]),
        ("dcterms:publisher", [f"actor:{release.dataset.coder}"]),
        ("dcterms:source", [f"<{release.dataset.homepage}>"]),
        ("dcterms:title", [literal(f"{release.dataset.title}, version {release.version}", "en")]),
        ("owl:versionInfo", [literal(release.version)]),
        ("shg:curatorInference", inference),
        ("shg:earliestPublication", [date_literal(latest)] if latest else []),
        ("shg:timePrecision", ["tprec:unknown"]),
    ])


def update_turtle(release: Release, previous: str, added: Sequence[str], changed: Sequence[str],
                  removed: Sequence[str]) -> str:
    """A blank ``shg:ReleaseUpdate`` node saying what the new release added, changed and removed."""
    return "[]" + block("", [
        ("a", ["shg:ReleaseUpdate"]),
        ("rdfs:label", [literal(f"{release.dataset.title}: version {previous} "
                                + (f"replaced by {release.version}" if previous != release.version else "re-imported")
                                + f" ({len(added)} added, {len(changed)} changed, {len(removed)} removed)", "en")]),
        ("shg:addedRecord", [literal(a) for a in added]),
        ("shg:changedRecord", [literal(c) for c in changed]),
        ("shg:newVersion", [literal(release.version)]),
        ("shg:previousVersion", [literal(previous)]),
        ("shg:removedRecord", [literal(r) for r in removed]),
    ])
