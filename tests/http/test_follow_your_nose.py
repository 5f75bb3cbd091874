"""Linked data you can follow: an entity's RDF leads to what points at it, bounded, with a link to the rest."""

from __future__ import annotations

from urllib.parse import urlsplit

import pyoxigraph
import rdflib
from fastapi.testclient import TestClient

from sahel_kg.linked_data.describe import MAX_INBOUND
from sahel_kg.namespaces import BASE
from support.apps import make_client

SHG = rdflib.Namespace(BASE + "ontology/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
CLAIMED = (f"SELECT DISTINCT ?i WHERE {{ ?c <{SHG}about> ?i . ?i a <{SHG}Incident> }} ORDER BY ?i")


def turtle(client: TestClient, iri: str) -> rdflib.Graph:
    response = client.get("/" + iri[len(BASE):], headers={"accept": "text/turtle"})
    assert response.status_code == 200, iri
    return rdflib.Graph().parse(data=response.text, format="turtle")


def test_a_crawler_finds_who_said_what_from_each_incident(client: TestClient) -> None:
    """From the incident's RDF alone: its claims, then each claim's speaker and document."""
    rows = client.get("/sparql", params={"query": CLAIMED, "format": "json"}).json()["results"]["bindings"]
    assert rows
    for row in rows:
        incident = rdflib.URIRef(row["i"]["value"])
        claims = set(turtle(client, incident).subjects(SHG.about, incident))
        assert claims, incident
        for claim in claims:
            described = turtle(client, claim)
            assert described.value(claim, PROV.wasAttributedTo) is not None, claim
            assert described.value(claim, PROV.wasDerivedFrom) is not None, claim


def test_statements_pointing_at_an_entity_are_bounded_with_a_link_to_all() -> None:
    store = pyoxigraph.Store()
    incident = pyoxigraph.NamedNode(BASE + "id/incident/crowded")
    graph = pyoxigraph.NamedNode(BASE + "graph/test")
    store.add(pyoxigraph.Quad(incident, pyoxigraph.NamedNode(str(rdflib.RDFS.label)), pyoxigraph.Literal("Crowded"),
                              graph))
    total = MAX_INBOUND + 40
    for n in range(total):
        claim = pyoxigraph.NamedNode(f"{BASE}id/claim/c{n:04d}")
        store.add(pyoxigraph.Quad(claim, pyoxigraph.NamedNode(str(SHG.about)), incident, graph))
    with make_client(store) as client:
        described = turtle(client, incident.value)
        node = rdflib.URIRef(incident.value)
        assert len(set(described.subjects(SHG.about, node))) == MAX_INBOUND
        link = described.value(node, rdflib.RDFS.seeAlso)
        assert link is not None and str(link).startswith(BASE + "sparql?")
        parts = urlsplit(str(link))
        everything = client.get("/sparql?" + parts.query, headers={"accept": "text/turtle"})
        assert len(set(rdflib.Graph().parse(data=everything.text, format="turtle").subjects(SHG.about, node))) == total


def test_only_our_entities_point_in() -> None:
    """Statements of other namespaces and of blank nodes are not pulled into a description."""
    store = pyoxigraph.Store()
    place = pyoxigraph.NamedNode(BASE + "id/place/p")
    about = pyoxigraph.NamedNode("http://example.org/mentions")
    store.add(pyoxigraph.Quad(place, pyoxigraph.NamedNode(str(rdflib.RDFS.label)), pyoxigraph.Literal("P")))
    store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("http://example.org/x"), about, place))
    store.add(pyoxigraph.Quad(pyoxigraph.BlankNode(), about, place))
    store.add(pyoxigraph.Quad(pyoxigraph.NamedNode(BASE + "id/place/q"), about, place))
    with make_client(store) as client:
        described = turtle(client, place.value)
        assert set(described.subjects(rdflib.URIRef(about.value), rdflib.URIRef(place.value))) == {
            rdflib.URIRef(BASE + "id/place/q")}
