"""What an import matches rows against: our curated places, actors and incidents, and confirmed matches.

Read from the project's curated data files (every Turtle file under
``data/ttl/`` but ``data/ttl/imports/``, so that an import never matches
against its own earlier output) and from ``data/ttl/imports/confirmed-matches.ttl``.

Names are compared folded (:func:`fold`): case, accents, punctuation and
a trailing "region"/"province" are ignored. A name matches only when exactly
one of our entities carries it (as rdfs:label, skos:altLabel or
skos:hiddenLabel): an ambiguous name matches nothing, and the import creates
its own entity instead.

>>> fold("Région de Kidal"), fold("Kidal region"), fold("Ménaka")
('kidal', 'kidal', 'menaka')
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from sahel_kg.curation.terms import GEO, SEM, SHG
from sahel_kg.namespaces import PREFIXES

CONFIRMED_FILE = Path("data") / "ttl" / "imports" / "confirmed-matches.ttl"
IMPORTS_FOLDER = Path("data") / "ttl" / "imports"
PPREC = PREFIXES["pprec"]
#: places too wide to say that two events in them may be one
WIDE = {PPREC + "country", PPREC + "supranational"}
_AFFIXES = re.compile(r"^(region|province|cercle|district) (de |of |d )?|( (region|province|cercle|district))$")


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """A name for comparison: no accents, lower case, letters and digits only, no "region" around it."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").casefold()
    plain = " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())
    return _AFFIXES.sub("", plain).strip()


@dataclass(frozen=True)
class CuratedIncident:
    """A curated incident's place and time window (a missing bound is None)."""

    iri: str
    place: str
    start: date | None
    end: date | None


@dataclass
class Reference:
    """Our names, places, incidents and confirmed matches, indexed for an import."""

    actors: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # folded name → IRIs
    places: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    precision: dict[str, str] = field(default_factory=dict)  # place → pprec IRI
    labels: dict[str, str] = field(default_factory=dict)  # place → its English (or first) label
    within: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # place → places it is in
    incidents: dict[str, list[CuratedIncident]] = field(default_factory=lambda: defaultdict(list))  # by place
    confirmed: set[tuple[str, str]] = field(default_factory=set)  # (imported, curated) and reversed
    #: place → its bounding box (west, south, east, north), from geo:hasBoundingBox as shapes:GeometryInArea reads it
    boxes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)

    def actor(self, name: str) -> str | None:
        """Our one actor called ``name``, or None (no such name, or more than one)."""
        found = self.actors.get(fold(name), set())
        return next(iter(found)) if len(found) == 1 else None

    def place(self, name: str, kinds: set[str], inside: str | None = None) -> str | None:
        """Our one place called ``name`` whose precision is one of ``kinds`` (and, if given, that lies
        in ``inside``), or None."""
        found = {p for p in self.places.get(fold(name), set()) if self.precision.get(p, "").removeprefix(PPREC)
                 in kinds and (inside is None or inside in self.ancestors(p))}
        return next(iter(found)) if len(found) == 1 else None

    def ancestors(self, place: str) -> set[str]:
        """The places ``place`` lies in, at any remove (not itself)."""
        seen: set[str] = set()
        todo = list(self.within.get(place, ()))
        while todo:
            p = todo.pop()
            if p not in seen:
                seen.add(p)
                todo.extend(self.within.get(p, ()))
        return seen


def _date(graph: Graph, node: URIRef, prop: URIRef) -> date | None:
    value = graph.value(node, prop)
    try:
        return date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None


def curated_files(root: Path) -> list[Path]:
    """The curated data files: every Turtle file under data/ttl/ but the imports."""
    imports = (root / IMPORTS_FOLDER).resolve()
    return [p for p in sorted((root / "data" / "ttl").rglob("*.ttl")) if not p.resolve().is_relative_to(imports)]


def load_reference(root: Path) -> Reference:
    """Index the curated data of ``root`` and its confirmed matches.

    Raises ValueError naming the file when one is not Turtle (fix it, or run ``sahel-kg validate``).
    """
    graph = Graph()
    for path in curated_files(root):
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several kinds for bad Turtle
            raise ValueError(f"{path.relative_to(root)} is not readable Turtle ({exc}); run `sahel-kg validate`") from exc
    ref = Reference()
    for prop in (RDFS.label, SKOS.altLabel, SKOS.hiddenLabel):
        for node, name in graph.subject_objects(prop):
            kinds = set(graph.objects(node, RDF.type))
            if SHG.Place in kinds:
                ref.places[fold(str(name))].add(str(node))
                if prop == RDFS.label and (str(node) not in ref.labels or getattr(name, "language", None) == "en"):
                    ref.labels[str(node)] = str(name)
            elif kinds & {SHG.Organisation, SHG.StateForce, SHG.ArmedGroup, SHG.Person}:
                ref.actors[fold(str(name))].add(str(node))
    for place, precision in graph.subject_objects(SHG.placePrecision):
        if (place, RDF.type, SHG.Place) in graph:
            ref.precision[str(place)] = str(precision)
    for place, container in graph.subject_objects(GEO.sfWithin):
        ref.within[str(place)].add(str(container))
    for incident in graph.subjects(RDF.type, SHG.Incident):
        where = graph.value(incident, SEM.hasPlace)
        if isinstance(incident, URIRef) and where is not None:
            ref.incidents[str(where)].append(CuratedIncident(
                str(incident), str(where), _date(graph, incident, SEM.hasEarliestBeginTimeStamp),
                _date(graph, incident, SEM.hasLatestEndTimeStamp)))
    for place, box in graph.subject_objects(GEO.hasBoundingBox):
        corners = _BOX.match(str(graph.value(box, GEO.asWKT) or ""))
        if corners:
            ref.boxes[str(place)] = (float(corners[1]), float(corners[2]), float(corners[3]), float(corners[4]))
    ref.confirmed = confirmed_matches(root)
    return ref


#: the west, south, east and north of a box written POLYGON((w s, e s, e n, w n, w s)), as the shapes read it
_BOX = re.compile(r"^\s*POLYGON\s*\(\(\s*(\S+) (\S+), (\S+) \S+, \S+ (\S+),")


def confirmed_matches(root: Path) -> set[tuple[str, str]]:
    """Pairs a curator confirmed with ``shg:sameIncidentAs`` (both directions). Raises ValueError if unreadable."""
    path = root / CONFIRMED_FILE
    if not path.exists():
        return set()
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:
        raise ValueError(f"{CONFIRMED_FILE} is not readable Turtle ({exc})") from exc
    pairs = {(str(a), str(b)) for a, b in graph.subject_objects(SHG.sameIncidentAs)}
    return pairs | {(b, a) for a, b in pairs}
