"""JSON-LD: the published context says what it means, and every entity's document round-trips.

Every entity of the served graph, as JSON-LD (compacted with our context), is
expanded by PyLD and, separately, read by rdflib; both must give a graph
isomorphic to the entity's Turtle.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import rdflib
from fastapi.testclient import TestClient
from pyld import jsonld
from rdflib.compare import isomorphic

from sahel_kg.namespaces import BASE

SHG = BASE + "ontology/"
#: Every entity with a document: retired IRIs answer 301 or 410 instead (see test_dereferencing).
ENTITIES = (f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?s), '{BASE}id/')) "
            "FILTER NOT EXISTS { ?s <http://purl.org/dc/terms/isReplacedBy>|<http://www.w3.org/2002/07/owl#deprecated> ?r } "
            "} ORDER BY ?s")


@pytest.fixture(scope="module")
def context(client: TestClient) -> dict[str, Any]:
    response = client.get("/context.jsonld")
    assert response.headers["content-type"].startswith("application/ld+json")
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def entity_paths(client: TestClient) -> list[str]:
    rows = client.get("/sparql", params={"query": ENTITIES, "format": "json"}).json()["results"]["bindings"]
    paths = ["/" + r["s"]["value"][len(BASE):] for r in rows]
    assert paths, "the served graph has no entities"
    return paths


def test_property_names_and_prefixes_do_not_collide(context: dict[str, Any]) -> None:
    """A document using our context means what it says: stance is the property, its value a concept."""
    doc = {**context, "id": "claim:c", "type": "shg:Claim", "stance": "vocab:stance/alleges", "method": "vocab:method/x",
           "about": "incident:i", "count": {"best": 10, "countType": "ctype:killed"}}
    graph = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    claim = rdflib.URIRef(BASE + "id/claim/c")
    assert graph.value(claim, rdflib.URIRef(SHG + "stance")) == rdflib.URIRef(BASE + "vocab/stance/alleges")
    assert graph.value(claim, rdflib.URIRef(SHG + "method")) == rdflib.URIRef(BASE + "vocab/method/x")
    count = graph.value(claim, rdflib.URIRef(SHG + "count"))
    assert graph.value(count, rdflib.URIRef(SHG + "best")).toPython() == 10  # type: ignore[union-attr]
    terms = context["@context"]
    prefixes = {k for k, v in terms.items() if isinstance(v, str) and v.endswith(("/", "#"))}
    properties = {k for k, v in terms.items() if isinstance(v, dict)}
    assert not prefixes & properties


def graph_of_jsonld_by_pyld(body: str) -> rdflib.Graph:
    def no_fetching(url: str, options: object = None) -> None:
        raise AssertionError(f"the document made PyLD fetch {url}")
    nquads = jsonld.to_rdf(json.loads(body), {"format": "application/n-quads", "documentLoader": no_fetching})
    return rdflib.Graph().parse(data=nquads, format="nquads")


def test_every_entity_round_trips_through_jsonld(client: TestClient, entity_paths: list[str]) -> None:
    for path in entity_paths:
        document = client.get(path + ".jsonld")
        assert document.status_code == 200, path
        body = document.json()
        assert "@context" in body and "@graph" in body or "id" in body, path  # compacted, not expanded
        turtle = rdflib.Graph().parse(data=client.get(path + ".ttl").text, format="turtle")
        assert isomorphic(graph_of_jsonld_by_pyld(document.text), turtle), path
        assert isomorphic(rdflib.Graph().parse(data=document.text, format="json-ld"), turtle), path


def test_entity_documents_use_the_short_names(client: TestClient, entity_paths: list[str]) -> None:
    claims = [p for p in entity_paths if p.startswith("/id/claim/")]
    assert claims
    body = client.get(claims[0], headers={"accept": "application/ld+json"}).text
    assert '"type": "shg:Claim"' in body and '"about":' in body
    assert "https://w3id.org/sahel-harm/ontology/about" not in body
