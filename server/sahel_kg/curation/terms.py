"""The project's namespaces as rdflib :class:`~rdflib.Namespace` objects, for code that reads Turtle.

The curation commands and the tests walk rdflib graphs (``SHG.Claim``);
:mod:`sahel_kg.namespaces` keeps the same IRIs as plain strings for the
server and its query workers, which must not pay for importing rdflib.

>>> str(SHG.Claim)
'https://w3id.org/sahel-harm/ontology/Claim'
"""

from __future__ import annotations

from rdflib import Namespace

from sahel_kg import namespaces

SHG = Namespace(namespaces.SHG)
SHAPES = Namespace(namespaces.SHAPES)
VOCAB = Namespace(namespaces.VOCAB)
SEM = Namespace(namespaces.SEM)
OA = Namespace(namespaces.OA)
GEO = Namespace(namespaces.GEO)
