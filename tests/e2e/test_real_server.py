"""A real uvicorn process on a free loopback port, queried by real SPARQL clients.

The server is the ``server`` fixture (``tests/conftest.py``), one per module.
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

pytestmark = pytest.mark.real_server


def test_sparqlwrapper_select_ask_construct(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    endpoint = server[0] + "/sparql"
    sw = SPARQLWrapper(endpoint)
    sw.setQuery("PREFIX shg: <https://w3id.org/sahel-harm/ontology/> SELECT ?c WHERE { ?c a shg:Claim } LIMIT 5")
    sw.setReturnFormat(JSON)
    assert len(sw.queryAndConvert()["results"]["bindings"]) == 5
    sw.setMethod(POST)
    sw.setQuery("ASK { ?s ?p ?o }")
    assert sw.queryAndConvert()["boolean"] is True
    sw.setQuery("CONSTRUCT WHERE { ?c a <https://w3id.org/sahel-harm/ontology/Claim> }")
    sw.setReturnFormat(TURTLE)
    assert len(Graph().parse(data=sw.queryAndConvert(), format="turtle")) > 10


def test_rdflib_sparqlstore(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    graph = Graph(store=SPARQLStore(server[0] + "/sparql", returnFormat="json"))
    rows = list(graph.query(
        "SELECT ?label WHERE { <https://w3id.org/sahel-harm/id/place/kossiba> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"))
    assert [str(r[0]) for r in rows] == ["Kossiba"]
    assert (URIRef("https://w3id.org/sahel-harm/id/place/kossiba"), None, None) in graph


def test_streams_and_concurrency_do_not_crash_the_process(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    base, proc = server
    everything = "CONSTRUCT WHERE { ?s ?p ?o }"

    def big(i: int) -> int:
        fmt = ["ttl", "nt", "jsonld", "rdf"][i % 4]
        with httpx.stream("GET", base + "/sparql", params={"query": everything, "format": fmt}, timeout=30) as r:
            assert r.status_code == 200
            if i % 3 == 0:  # some clients hang up half way
                next(r.iter_raw())
                return 0
            return sum(len(c) for c in r.iter_raw())

    def small(i: int) -> int:
        r = httpx.post(base + "/sparql", data={"query": f"SELECT (COUNT(*) AS ?n) {{ ?s ?p ?o }} # {i}"}, timeout=30)
        assert r.status_code == 200
        return len(r.content)

    with ThreadPoolExecutor(24) as pool:
        sizes = list(pool.map(big, range(24))) + list(pool.map(small, range(200)))
    assert max(sizes) > 100_000
    assert proc.poll() is None, "the server process died"
    assert httpx.get(base + "/sparql", params={"query": "ASK {}"}).status_code == 200


def test_query_page_served(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    response = httpx.get(server[0] + "/query")
    assert response.status_code == 200 and "<textarea" in response.text
