"""The project's IRIs and the prefixes every file, query and page shares.

>>> ENTITY_BASE
'https://w3id.org/sahel-harm/id/'
>>> PREFIXES["shg"]
'https://w3id.org/sahel-harm/ontology/'
"""

from __future__ import annotations

from rdflib import Namespace

BASE = "https://w3id.org/sahel-harm/"
ONTOLOGY_IRI = BASE + "ontology"
ENTITY_BASE = BASE + "id/"
GRAPH_BASE = BASE + "graph/"

SHG = Namespace(BASE + "ontology/")
SHAPES = Namespace(BASE + "shapes/")
VOCAB = Namespace(BASE + "vocab/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
OA = Namespace("http://www.w3.org/ns/oa#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")

#: Prefixes bound in canonical Turtle, preloaded in the query editor and
#: offered to SPARQL queries. Order is the order shown to people.
PREFIXES: dict[str, str] = {
    "shg": str(SHG),
    "incident": ENTITY_BASE + "incident/",
    "event": ENTITY_BASE + "event/",
    "claim": ENTITY_BASE + "claim/",
    "actor": ENTITY_BASE + "actor/",
    "place": ENTITY_BASE + "place/",
    "source": ENTITY_BASE + "source/",
    "shapes": str(SHAPES),
    "stance": str(VOCAB) + "stance/",
    "itype": str(VOCAB) + "incident-type/",
    "vstatus": str(VOCAB) + "victim-status/",
    "vgroup": str(VOCAB) + "victim-group/",
    "population": str(VOCAB) + "population/",
    "acat": str(VOCAB) + "actor-category/",
    "tprec": str(VOCAB) + "time-precision/",
    "pprec": str(VOCAB) + "place-precision/",
    "ctype": str(VOCAB) + "count-type/",
    "cqual": str(VOCAB) + "count-qualifier/",
    "method": str(VOCAB) + "method/",
    "arole": str(VOCAB) + "attribution-role/",
    "irel": str(VOCAB) + "incident-relation/",
    "agegrp": str(VOCAB) + "age-group/",
    "sex": str(VOCAB) + "sex/",
    "perprole": str(VOCAB) + "perpetrator-role/",
    "sscale": str(VOCAB) + "source-scale/",
    "stype": str(VOCAB) + "source-type/",
    "passage": str(VOCAB) + "passage-role/",
    "sem": str(SEM),
    "prov": "http://www.w3.org/ns/prov#",
    "geo": str(GEO),
    "oa": str(OA),
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
