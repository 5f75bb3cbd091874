"""The SPARQL 1.1 Service Description answered at ``/sparql`` without a query.

>>> triples = describe("http://localhost:8000/sparql", ["https://w3id.org/sahel-harm/graph/ontology/core"])
>>> any(t.predicate == SD("endpoint") and t.object.value == "http://localhost:8000/sparql" for t in triples)
True
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from sahel_kg.rdf.formats import GRAPH_OFFERS, HTML, RESULTS_OFFERS

SD_NS = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SD_PREFIXES = {"sd": SD_NS, "dcterms": "http://purl.org/dc/terms/", "formats": "http://www.w3.org/ns/formats/"}


def SD(term: str) -> NamedNode:
    """A term of the service-description vocabulary."""
    return NamedNode(SD_NS + term)


def _formats() -> list[NamedNode]:
    fmts = [o.results_format or o.rdf_format for o in (*RESULTS_OFFERS, *GRAPH_OFFERS) if o is not HTML]
    return [NamedNode(f.iri) for f in dict.fromkeys(fmts) if f is not None]


def describe(endpoint: str, graphs: Iterable[str]) -> list[Triple]:
    """The description's triples: endpoint, language, formats, features, dataset."""
    service, dataset, default = BlankNode(), BlankNode(), BlankNode()
    triples = [
        Triple(service, RDF_TYPE, SD("Service")),
        Triple(service, SD("endpoint"), NamedNode(endpoint)),
        Triple(service, SD("supportedLanguage"), SD("SPARQL11Query")),
        Triple(service, SD("feature"), SD("UnionDefaultGraph")),
        Triple(service, NamedNode("http://purl.org/dc/terms/title"), Literal("Sahel Harm Graph SPARQL endpoint", language="en")),
        Triple(service, SD("defaultEntailmentRegime"), NamedNode("http://www.w3.org/ns/entailment/Simple")),
        Triple(service, SD("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, SD("Dataset")),
        Triple(dataset, SD("defaultGraph"), default),
        Triple(default, RDF_TYPE, SD("Graph")),
    ]
    triples += [Triple(service, SD("resultFormat"), f) for f in _formats()]
    for graph in graphs:
        node = BlankNode()
        triples += [
            Triple(dataset, SD("namedGraph"), node),
            Triple(node, RDF_TYPE, SD("NamedGraph")),
            Triple(node, SD("name"), NamedNode(graph)),
        ]
    return triples
