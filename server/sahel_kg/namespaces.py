"""The project's IRIs and the prefixes every file, query and page shares: plain strings.

No RDF library is imported here: query workers and the web layer need the
strings, not rdflib (whose import costs a worker ~90 ms of its start-up).

>>> ENTITY_BASE
'https://w3id.org/sahel-harm/id/'
>>> PREFIXES["shg"]
'https://w3id.org/sahel-harm/ontology/'
"""

from __future__ import annotations

import re
from functools import lru_cache

BASE = "https://w3id.org/sahel-harm/"
ONTOLOGY_IRI = BASE + "ontology"
ENTITY_BASE = BASE + "id/"
GRAPH_BASE = BASE + "graph/"

SHG = BASE + "ontology/"
SHAPES = BASE + "shapes/"
VOCAB = BASE + "vocab/"
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
OA = "http://www.w3.org/ns/oa#"
GEO = "http://www.opengis.net/ont/geosparql#"

#: Prefixes bound in canonical Turtle, preloaded in the query editor and
#: offered to SPARQL queries. Order is the order shown to people.
PREFIXES: dict[str, str] = {
    "shg": SHG,
    "incident": ENTITY_BASE + "incident/",
    "event": ENTITY_BASE + "event/",
    "claim": ENTITY_BASE + "claim/",
    "actor": ENTITY_BASE + "actor/",
    "place": ENTITY_BASE + "place/",
    "source": ENTITY_BASE + "source/",
    "shapes": SHAPES,
    "stance": VOCAB + "stance/",
    "itype": VOCAB + "incident-type/",
    "vstatus": VOCAB + "victim-status/",
    "vgroup": VOCAB + "victim-group/",
    "population": VOCAB + "population/",
    "acat": VOCAB + "actor-category/",
    "tprec": VOCAB + "time-precision/",
    "pprec": VOCAB + "place-precision/",
    "ctype": VOCAB + "count-type/",
    "cqual": VOCAB + "count-qualifier/",
    "method": VOCAB + "method/",
    "arole": VOCAB + "attribution-role/",
    "irel": VOCAB + "incident-relation/",
    "agegrp": VOCAB + "age-group/",
    "sex": VOCAB + "sex/",
    "perprole": VOCAB + "perpetrator-role/",
    "sscale": VOCAB + "source-scale/",
    "stype": VOCAB + "source-type/",
    "passage": VOCAB + "passage-role/",
    "grade": VOCAB + "grade/",
    "sem": SEM,
    "prov": "http://www.w3.org/ns/prov#",
    "geo": GEO,
    "oa": OA,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "time": "http://www.w3.org/2006/time#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "vann": "http://purl.org/vocab/vann/",
}


def is_own_iri(iri: str) -> bool:
    """True for IRIs in the project's namespace.

    >>> is_own_iri("https://w3id.org/sahel-harm/id/place/mali")
    True
    >>> is_own_iri("http://www.w3.org/ns/prov#Entity")
    False
    """
    return iri.startswith(BASE)


@lru_cache(maxsize=8192)
def compact(iri: str) -> str:
    """``prefix:local`` for IRIs under one of our prefixes (the longest wins), else the IRI.

    Remembered: a page shortens the same few IRIs many times.

    >>> compact("http://www.w3.org/ns/prov#wasAttributedTo")
    'prov:wasAttributedTo'
    >>> compact("http://example.org/x")
    'http://example.org/x'
    """
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def local_name(iri: str) -> str:
    """The last path segment or fragment of an IRI.

    >>> local_name("https://w3id.org/sahel-harm/vocab/stance/denies")
    'denies'
    """
    return re.split(r"[/#]", iri.rstrip("/"))[-1]
