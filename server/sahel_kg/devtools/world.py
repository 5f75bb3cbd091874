"""What the synthetic corpus is drawn from: invented countries, place names, forces, groups and
observers, their source types, and the records the generator writes.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO, TypeVar

_T = TypeVar("_T")

PREFIXES = {
    "acat": "https://w3id.org/sahel-harm/vocab/actor-category/",
    "actor": "https://w3id.org/sahel-harm/id/actor/",
    "arole": "https://w3id.org/sahel-harm/vocab/attribution-role/",
    "claim": "https://w3id.org/sahel-harm/id/claim/",
    "cqual": "https://w3id.org/sahel-harm/vocab/count-qualifier/",
    "ctype": "https://w3id.org/sahel-harm/vocab/count-type/",
    "dcterms": "http://purl.org/dc/terms/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "incident": "https://w3id.org/sahel-harm/id/incident/",
    "itype": "https://w3id.org/sahel-harm/vocab/incident-type/",
    "method": "https://w3id.org/sahel-harm/vocab/method/",
    "oa": "http://www.w3.org/ns/oa#",
    "place": "https://w3id.org/sahel-harm/id/place/",
    "pprec": "https://w3id.org/sahel-harm/vocab/place-precision/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sscale": "https://w3id.org/sahel-harm/vocab/source-scale/",
    "stype": "https://w3id.org/sahel-harm/vocab/source-type/",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "shg": "https://w3id.org/sahel-harm/ontology/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "source": "https://w3id.org/sahel-harm/id/source/",
    "stance": "https://w3id.org/sahel-harm/vocab/stance/",
    "tprec": "https://w3id.org/sahel-harm/vocab/time-precision/",
    "vgroup": "https://w3id.org/sahel-harm/vocab/victim-group/",
    "vstatus": "https://w3id.org/sahel-harm/vocab/victim-status/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


HEADER = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()) + "\n"


COUNTRIES = {  # slug: (label, lon range, lat range, region names)
    "mali": ("Mali", (-11.5, 4.0), (10.5, 24.5),
             ["Kayes", "Koulikoro", "Sikasso", "Segou", "Mopti", "Tombouctou", "Gao", "Kidal", "Menaka", "Taoudenit"]),
    "burkina-faso": ("Burkina Faso", (-5.4, 2.3), (9.5, 15.0),
                     ["Sahel", "Nord", "Centre-Nord", "Est", "Boucle du Mouhoun", "Centre-Est", "Cascades"]),
    "niger": ("Niger", (0.3, 15.9), (11.8, 23.4),
              ["Tillaberi", "Tahoua", "Agadez", "Dosso", "Maradi", "Zinder", "Diffa"]),
}


SYLLABLES = ["ba", "da", "di", "dou", "ga", "gou", "ka", "ki", "kou", "la", "ma", "me", "mo", "na", "ni",
             "ou", "ra", "sa", "se", "si", "so", "ta", "te", "ti", "to", "wa", "ya", "za", "zi", "ag", "am", "in", "ar"]


# (slug, class, category, label) — the recurring actors of the region.
FORCES = [
    ("malian-armed-forces", "StateForce", "state-forces", "Malian Armed Forces", "mali"),
    ("burkina-armed-forces", "StateForce", "state-forces", "Armed Forces of Burkina Faso", "burkina-faso"),
    ("niger-armed-forces", "StateForce", "state-forces", "Niger Armed Forces", "niger"),
]


GROUPS = [
    ("wagner-group", "ArmedGroup", "external-forces", "Wagner Group"),
    ("jnim", "ArmedGroup", "jihadist-group", "Jama'at Nusrat al-Islam wal-Muslimin"),
    ("islamic-state-sahel", "ArmedGroup", "jihadist-group", "Islamic State Sahel Province"),
    ("azawad-liberation-front", "ArmedGroup", "rebel-group", "Azawad Liberation Front"),
    ("volunteers-for-the-defence-of-the-homeland", "ArmedGroup", "state-forces", "Volunteers for the Defence of the Homeland"),
    ("dan-na-ambassagou", "ArmedGroup", "rebel-group", "Dan Na Ambassagou"),
]


WATCHERS = [
    ("human-rights-watch", "Organisation", "human-rights-organisation", "Human Rights Watch"),
    ("amnesty-international", "Organisation", "human-rights-organisation", "Amnesty International"),
    ("united-nations", "Organisation", "international-organisation", "United Nations"),
    ("un-human-rights-office", "Organisation", "international-organisation", "UN Human Rights Office"),
    ("kisal-observatory", "Organisation", "human-rights-organisation", "Kisal observatory"),
    ("collectif-des-victimes", "Organisation", "civil-society", "Victims' collective"),
]


#: Source type and scale by actor category (every speaker and publisher carries both).
SOURCE_KIND = {
    "state-forces": ("state", "national"), "external-forces": ("armed-group", "international"),
    "jihadist-group": ("armed-group", "regional"), "rebel-group": ("armed-group", "subnational"),
    "human-rights-organisation": ("rights-group", "international"),
    "international-organisation": ("international-organisation", "international"),
    "civil-society": ("community", "local"), "news-media": ("media", "national"), "residents": ("community", "local"),
}


def _source_kind(category: str) -> str:
    """The source type and scale lines for an actor of ``category``."""
    stype, scale = SOURCE_KIND[category]
    return f"    shg:sourceType stype:{stype} ;\n    shg:sourceScale sscale:{scale} ;\n"


ITYPES = [("attack", 30), ("violence-against-civilians", 25), ("air-drone-strike", 10),
          ("abduction-forced-disappearance", 8), ("remote-explosive-landmine-ied", 8), ("armed-clash", 7),
          ("looting-property-destruction", 5), ("arrests", 4), ("sexual-violence", 2),
          ("shelling-artillery-missile-attack", 1)]


# looting and arson are harms (count types), not methods
METHODS = {"attack": ["shooting", "execution", "burning"], "violence-against-civilians": ["execution", "shooting", "torture"],
           "air-drone-strike": ["drone-strike"], "abduction-forced-disappearance": ["arbitrary-arrest", "torture"],
           "remote-explosive-landmine-ied": [], "armed-clash": ["shooting"], "looting-property-destruction": [],
           "arrests": ["arbitrary-arrest", "raid"], "sexual-violence": [], "shelling-artillery-missile-attack": []}


VGROUPS = ["children", "women", "men", "elderly", "shepherds", "passengers", "traditional-leaders", "mourners", "wedding-guests"]


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _weighted(rng: random.Random, pairs: Sequence[tuple[_T, int]]) -> _T:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


@dataclass
class Stats:
    """What a generation wrote."""

    incidents: int = 0
    claims: int = 0
    sources: int = 0
    places: int = 0
    actors: int = 0
    counts: int = 0
    responses: int = 0
    cross_document_responses: int = 0
    triples: int = 0
    seconds: float = 0.0
    sources_per_incident: dict[int, int] = field(default_factory=dict)

    def summary(self) -> str:
        per = self.triples / max(self.incidents, 1)
        return (f"{self.incidents} incidents, {self.claims} claims ({self.claims / max(self.incidents, 1):.2f} per incident), "
                f"{self.sources} source documents, {self.places} places, {self.actors} actors, "
                f"{self.triples} triples ({per:.1f} per incident) in {self.seconds:.1f} s")


@dataclass
class Place:
    slug: str
    label: str
    country: str
    lon: float
    lat: float
    precision: str
    parent: "Place | None" = None


@dataclass
class OpenIncident:
    """An incident that source documents may still cover."""

    slug: str
    label: str
    itype: str
    place: Place
    day: date
    victims: int  # the "true" toll speakers scatter around
    coverage_left: int
    perpetrator: str
    claims: list[str] = field(default_factory=list)  # allegations a later denial may answer


class Writer:
    """Counts triples as Turtle blocks are written to one file."""

    def __init__(self, path: Path, stats: Stats) -> None:
        self.handle: TextIO = open(path, "w", encoding="utf-8")
        self.handle.write(HEADER)
        self.stats = stats

    def block(self, text: str, triples: int) -> None:
        self.handle.write(text)
        self.stats.triples += triples

    def close(self) -> None:
        self.handle.close()
