"""Places and actors of imported rows: ours when a name matches one of ours alone, else created with stable IRIs.

Created IRIs are built from the dataset's values, never from row order, so
the same row always gets the same IRI:

- an actor of UCDP GED: ``actor:ucdp-ged-side-<side_a_new_id>`` (UCDP's actor identifier,
  kept as ``dcterms:identifier``); of ACLED: ``actor:acled-<name>-<hash of the name>``
  (ACLED identifies actors by name, kept as ``dcterms:identifier``);
- a country: ``place:<dataset>-country-<name>``; a first-order division:
  ``place:<dataset>-admin1-<country>-<name>``; a location:
  ``place:<dataset>-<name>-<hash of country, division, name, point and kind>``.

Created places lie in their division (ours or created) or country, and carry
the row's point; ours are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sahel_kg.curation.imports.datasets import Dataset
from sahel_kg.curation.imports.records import CodedEvent, Side
from sahel_kg.curation.imports.reference import Reference
from sahel_kg.curation.imports.turtle import block, curie, literal, node, short_hash, slug
from sahel_kg.namespaces import PREFIXES

ACTOR, PLACE = PREFIXES["actor"], PREFIXES["place"]
#: place precisions of locations (not divisions or countries)
LOCAL = {"village", "town", "area"}


@dataclass
class CreatedPlace:
    """A place the import describes: label, kind, container and point (None for divisions and countries)."""

    iri: str
    label: str
    kind: str
    within: str | None
    point: tuple[float, float] | None = None


@dataclass
class CreatedActor:
    """An actor the import describes."""

    iri: str
    label: str
    identifier: str
    klass: str
    category: str


@dataclass
class Gazetteer:
    """Resolves a row's place to one of ours or a created one, remembering what it created."""

    dataset: Dataset
    ref: Reference
    created: dict[str, CreatedPlace] = field(default_factory=dict)
    resolved: dict[tuple[object, ...], tuple[str, list[str]]] = field(default_factory=dict)

    def _create(self, place: CreatedPlace) -> str:
        self.created.setdefault(place.iri, place)
        return place.iri

    def country(self, name: str) -> str:
        return self.ref.place(name, {"country"}) or self._create(CreatedPlace(
            f"{PLACE}{self.dataset.name}-country-{slug(name)}", name, "country", None))

    def admin1(self, name: str, country: str, country_name: str) -> str:
        inside = country if country not in self.created else None
        return self.ref.place(name, {"region"}, inside) or self._create(CreatedPlace(
            f"{PLACE}{self.dataset.name}-admin1-{slug(country_name)}-{slug(name)}", name, "region", country))

    def box_problem(self, event: CodedEvent) -> str | None:
        """Why the row's point cannot lie where the row says (outside the bounding box of its country or
        first-order division, when one of ours has a box), else None. The shapes (shapes:GeometryInArea)
        would refuse the created place; said here, the person sees the row and column to fix."""
        if event.place_precision == "supranational":  # international waters lie outside every country's box
            return None
        country = self.ref.place(event.country, {"country"})
        if country is None:
            return None
        division = self.ref.place(event.admin1, {"region"}, country) if event.admin1 else None
        for area in sorted({country, *({division} if division else set()), *self.ref.ancestors(division or country)}):
            west, south, east, north = self.ref.boxes.get(area, (-180.0, -90.0, 180.0, 90.0))
            if not (west <= event.longitude <= east and south <= event.latitude <= north):
                return (f"lies outside {self.ref.labels.get(area, area)} (longitude {west:g} to {east:g}, "
                        f"latitude {south:g} to {north:g}): are latitude and longitude swapped, or the country "
                        "or division wrong?")
        return None

    def place_of(self, event: CodedEvent) -> tuple[str, list[str]]:
        """The event's place and the places it lies in (nearest first); rows naming the same place in the
        same way are resolved once."""
        key = (event.country, event.admin1, event.location, event.place_precision, event.location_kind,
               round(event.longitude, 5), round(event.latitude, 5))
        if key not in self.resolved:
            self.resolved[key] = self._resolve(event)
        return self.resolved[key]

    def _resolve(self, event: CodedEvent) -> tuple[str, list[str]]:
        country = self.country(event.country)
        division = self.admin1(event.admin1, country, event.country) if event.admin1 else None
        if event.place_precision == "country" or not (event.location or division):
            return country, []
        if event.place_precision == "region" and division:
            return division, self._containers(division, country)
        if not event.location:
            return division or country, self._containers(division, country) if division else []
        kind = event.location_kind
        container = division or country
        inside = container if container not in self.created else None
        ours = self.ref.place(event.location, LOCAL, inside) if inside else None
        if ours:
            return ours, sorted(self.ref.ancestors(ours))
        point = (round(event.longitude, 5), round(event.latitude, 5))
        iri = self._create(CreatedPlace(
            f"{PLACE}{self.dataset.name}-{slug(event.location)}-"
            f"{short_hash(event.country, event.admin1, event.location, point, kind)}",
            event.location, kind, container, point))
        return iri, [container, *self._containers(container, country)]

    def _containers(self, place: str, country: str) -> list[str]:
        if place in self.created:
            return [country] if place != country else []
        return sorted(self.ref.ancestors(place))

    def label_of(self, place: str) -> str:
        """A place's name, created or ours."""
        return self.created[place].label if place in self.created else self.ref.labels.get(place, "")

    def turtle(self) -> str:
        """The created places, sorted by IRI."""
        return "".join(_place_block(p, self.dataset) for _, p in sorted(self.created.items()))


def _place_block(place: CreatedPlace, dataset: Dataset) -> str:
    geometry = []
    if place.point:
        geometry = [node([("a", ["geo:Geometry"]), ("dcterms:source", [f"<{dataset.homepage}>"]),
                          ("geo:asWKT", [f'"POINT({place.point[0]} {place.point[1]})"^^geo:wktLiteral'])])]
    return block(curie(place.iri), [
        ("a", ["shg:Place"]),
        ("rdfs:label", [literal(place.label, "en")]),
        ("rdfs:comment", [literal(f"Created by the import of {dataset.title}: no place of ours has this name "
                                  "alone.", "en")]),
        ("geo:hasGeometry", geometry),
        ("geo:sfWithin", [curie(place.within)] if place.within else []),
        ("shg:placePrecision", [f"pprec:{place.kind}"]),
    ])


@dataclass
class Roster:
    """Resolves a row's actors to ours or created ones, remembering what it created."""

    dataset: Dataset
    ref: Reference
    created: dict[str, CreatedActor] = field(default_factory=dict)
    resolved: dict[Side, str] = field(default_factory=dict)

    def actor_of(self, side: Side) -> str:
        if side not in self.resolved:
            self.resolved[side] = self._resolve(side)
        return self.resolved[side]

    def _resolve(self, side: Side) -> str:
        ours = self.ref.actor(side.name)
        if ours:
            return ours
        if self.dataset.name == "ucdp-ged" and side.identifier:
            iri = f"{ACTOR}ucdp-ged-side-{slug(side.identifier)}"
        else:
            iri = f"{ACTOR}{self.dataset.name}-{slug(side.name)[:60]}-{short_hash(side.name)}"
        self.created.setdefault(iri, CreatedActor(iri, side.name, side.identifier or side.name, side.klass,
                                                  side.category))
        return iri

    def turtle(self) -> str:
        """The created actors, sorted by IRI."""
        return "".join(block(curie(a.iri), [
            ("a", [f"shg:{a.klass}"]),
            ("rdfs:label", [literal(a.label, "en")]),
            ("rdfs:comment", [literal(f"Created by the import of {self.dataset.title}, whose identifier for it "
                                      "is given; add its name as a skos:hiddenLabel of one of our actors to "
                                      "match it there instead.", "en")]),
            ("dcterms:identifier", [literal(a.identifier)]),
            ("shg:actorCategory", [f"acat:{a.category}"]),
        ]) for _, a in sorted(self.created.items()))
