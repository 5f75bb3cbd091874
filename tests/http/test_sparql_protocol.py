"""The /sparql endpoint: every method, format and error, in process."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pyoxigraph
import pytest
from fastapi.testclient import TestClient

from sahel_kg.app import create_app
from sahel_kg.rdf.formats import GRAPH_OFFERS, HTML, RESULTS_OFFERS
from sahel_kg.settings import Settings
from support.project_data import ROOT

COUNT_CLAIMS = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/sahel-harm/ontology/Claim> }"
#: Claims in the fixture graph: all of them, and those of its two first documents.
CLAIMS, RADIO_CLAIMS, OBSERVER_CLAIMS = 23, 7, 6
SD = "http://www.w3.org/ns/sparql-service-description#"


def _json(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return json.loads(response.content)


def _count(response: httpx.Response) -> int:
    return int(_json(response)["results"]["bindings"][0]["n"]["value"])


# ---------------------------------------------------------------- methods


def test_get_query_uses_union_of_graphs(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": COUNT_CLAIMS})
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert _count(response) == CLAIMS


def test_post_form_merges_url_parameters(client: TestClient) -> None:
    graph = "https://w3id.org/sahel-harm/graph/sources/radio-aghazar-kossiba-market"
    response = client.post(
        "/sparql", params={"default-graph-uri": graph}, data={"query": COUNT_CLAIMS},
    )
    assert _count(response) == RADIO_CLAIMS


def test_post_direct(client: TestClient) -> None:
    response = client.post("/sparql", content=COUNT_CLAIMS, headers={"content-type": "application/sparql-query"})
    assert _count(response) == CLAIMS


def test_repeated_default_and_named_graphs(client: TestClient) -> None:
    g1 = "https://w3id.org/sahel-harm/graph/sources/radio-aghazar-kossiba-market"
    g2 = "https://w3id.org/sahel-harm/graph/sources/kossiba-observer-aghazar-killings"
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.get("/sparql", params=[("query", q), ("named-graph-uri", g1), ("named-graph-uri", g2)])
    graphs = {b["g"]["value"] for b in _json(response)["results"]["bindings"]}
    assert graphs == {g1, g2}
    both = client.get("/sparql", params=[("query", COUNT_CLAIMS), ("default-graph-uri", g1), ("default-graph-uri", g2)])
    one = client.get("/sparql", params=[("query", COUNT_CLAIMS), ("default-graph-uri", g1)])
    assert (_count(both), _count(one)) == (RADIO_CLAIMS + OBSERVER_CLAIMS, RADIO_CLAIMS)


def test_from_clause_is_respected(client: TestClient) -> None:
    g = "https://w3id.org/sahel-harm/graph/sources/radio-aghazar-kossiba-market"
    q = COUNT_CLAIMS.replace("WHERE", f"FROM <{g}> WHERE")
    assert _count(client.get("/sparql", params={"query": q})) == RADIO_CLAIMS


def test_our_prefixes_are_predeclared(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK { ?c a shg:Claim }"})
    assert _json(response)["boolean"] is True


def test_relative_iris_resolve_against_the_endpoint(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT (<x> AS ?iri) {}"})
    assert _json(response)["results"]["bindings"][0]["iri"]["value"] == "http://testserver/x"


def test_other_methods_are_refused(client: TestClient) -> None:
    assert client.put("/sparql", params={"query": "ASK {}"}).status_code == 405
    assert client.delete("/sparql").status_code == 405


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize("offer", [o for o in RESULTS_OFFERS if o is not HTML], ids=lambda o: o.name)
def test_select_formats_by_accept_and_by_name(client: TestClient, offer) -> None:
    q = "SELECT ?c WHERE { ?c a shg:Claim } LIMIT 3"
    by_accept = client.get("/sparql", params={"query": q}, headers={"accept": offer.media_type})
    by_name = client.get("/sparql", params={"query": q, "format": offer.name})
    assert by_accept.status_code == by_name.status_code == 200
    assert by_accept.headers["content-type"] == by_name.headers["content-type"] == offer.media_type
    assert by_accept.content == by_name.content
    if offer.name == "csv":  # lossy: pyoxigraph does not parse it back
        assert len(by_accept.text.splitlines()) == 4
    else:
        assert len(list(pyoxigraph.parse_query_results(by_accept.content, offer.results_format))) == 3


@pytest.mark.parametrize("offer", [o for o in GRAPH_OFFERS if o is not HTML], ids=lambda o: o.name)
def test_construct_formats_by_accept_and_by_name(client: TestClient, offer) -> None:
    q = "CONSTRUCT { ?c a shg:Claim } WHERE { ?c a shg:Claim }"
    by_accept = client.get("/sparql", params={"query": q}, headers={"accept": offer.media_type})
    by_name = client.get("/sparql", params={"query": q, "format": offer.name})
    assert by_accept.headers["content-type"] == by_name.headers["content-type"]
    assert by_accept.headers["content-type"].split(";")[0] == offer.media_type.split(";")[0]
    triples = list(pyoxigraph.parse(by_accept.content, offer.rdf_format))
    assert len(triples) > 10


@pytest.mark.parametrize("accept", ["application/sparql-results+xml", "application/json"])
def test_ask_formats(client: TestClient, accept: str) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"accept": accept})
    assert response.status_code == 200
    assert b"true" in response.content


def test_describe(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "DESCRIBE <https://w3id.org/sahel-harm/id/place/kossiba>"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert "Kossiba" in response.text


def test_q_values_and_wildcards(client: TestClient) -> None:
    q = {"query": "SELECT * {} "}
    assert client.get("/sparql", params=q, headers={"accept": "text/csv;q=0.2, application/sparql-results+xml;q=0.9"}).headers["content-type"].startswith("application/sparql-results+xml")
    assert client.get("/sparql", params=q, headers={"accept": "text/*"}).headers["content-type"].startswith("text/csv")
    assert client.get("/sparql", params=q, headers={"accept": "*/*"}).headers["content-type"] == "application/sparql-results+json"
    assert client.get("/sparql", params=q, headers={"accept": "application/sparql-results+json;q=0, */*;q=0.1"}).headers["content-type"].startswith("application/sparql-results+xml")


def test_not_acceptable_lists_offers(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text
    bad_name = client.get("/sparql", params={"query": "SELECT * {}", "format": "pdf"})
    assert bad_name.status_code == 406
    construct_as_csv = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "csv"})
    assert construct_as_csv.status_code == 406 and "text/turtle" in construct_as_csv.text


def test_browser_gets_html_results(client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", params={"query": "SELECT * { ?c a shg:Claim } LIMIT 2"}, headers={"accept": browser})
    assert response.headers["content-type"].startswith("text/html")
    assert "<table>" in response.text


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("send", ["get", "form", "direct"])
def test_syntax_error_is_400_with_the_parser_message(client: TestClient, send: str) -> None:
    q = "SELECT * WHERE { ?s ?p }"
    if send == "get":
        response = client.get("/sparql", params={"query": q})
    elif send == "form":
        response = client.post("/sparql", data={"query": q})
    else:
        response = client.post("/sparql", content=q, headers={"content-type": "application/sparql-query"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert "syntax error" in response.text and "error at 1:" in response.text
    assert "Traceback" not in response.text


def test_protocol_errors(client: TestClient) -> None:
    assert client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK { ?s ?p ?o }")]).status_code == 400
    assert client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")]).status_code == 200  # one query
    conflicting = client.get("/sparql", params={"query": "ASK {}", "format": "json", "output": "xml"})
    assert conflicting.status_code == 400 and "conflicting result formats" in conflicting.text
    assert client.post("/sparql", content="ASK {}", headers={"content-type": "text/plain"}).status_code == 415
    assert client.post("/sparql", content="ASK {}").status_code == 415
    utf16 = client.post("/sparql", content="ASK {}".encode("utf-16"),
                        headers={"content-type": "application/sparql-query; charset=UTF-16"})
    assert utf16.status_code == 415
    assert client.post("/sparql", data={"nothing": "here"}).status_code == 400
    assert client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"}).status_code == 400


# ---------------------------------------------------------------- updates


def test_updates_are_refused(client: TestClient) -> None:
    for response in (
        client.post("/sparql", data={"update": "CLEAR ALL"}),
        client.post("/sparql", content="CLEAR ALL", headers={"content-type": "application/sparql-update"}),
    ):
        assert response.status_code == 403
        assert "read-only" in response.text
    assert client.get("/sparql", params={"update": "CLEAR ALL"}).status_code == 405


@pytest.mark.embedded_only(reason="the update token is checked before any store is involved")
def test_update_with_token_is_honestly_not_implemented(store: pyoxigraph.Store) -> None:
    with TestClient(create_app(Settings(root=ROOT, update_token="s3cret"), store)) as c:
        wrong = c.post("/sparql", data={"update": "CLEAR ALL"}, headers={"authorization": "Bearer nope"})
        right = c.post("/sparql", data={"update": "CLEAR ALL"}, headers={"authorization": "Bearer s3cret"})
    assert wrong.status_code == 403
    assert right.status_code == 501 and "read-only" in right.text


# ---------------------------------------------------------------- service description and CORS


def test_service_description(client: TestClient) -> None:
    response = client.get("/sparql")
    assert response.headers["content-type"].startswith("text/turtle")
    triples = list(pyoxigraph.parse(response.content, pyoxigraph.RdfFormat.TURTLE))
    endpoints = [t.object.value for t in triples if t.predicate.value == SD + "endpoint"]
    assert endpoints == ["http://testserver/sparql"]
    names = {t.object.value for t in triples if t.predicate.value == SD + "name"}
    assert "https://w3id.org/sahel-harm/graph/ontology/core" in names
    as_jsonld = client.get("/sparql", headers={"accept": "application/ld+json"})
    assert as_jsonld.headers["content-type"] == "application/ld+json"


def test_cors(client: TestClient) -> None:
    simple = client.get("/sparql", params={"query": "ASK {}"}, headers={"origin": "https://example.org"})
    assert simple.headers["access-control-allow-origin"] == "*"
    assert "Sahel-Result-Truncated" in simple.headers["access-control-expose-headers"]
    same_origin = client.get("/sparql", params={"query": "ASK {}"})
    assert "access-control-allow-origin" not in same_origin.headers
    preflight = client.options("/sparql", headers={
        "origin": "https://example.org", "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
    })
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-allow-headers"] == "content-type"
    assert preflight.headers["x-content-type-options"] == "nosniff"


# ---------------------------------------------------------------- streaming and threads

BIG = 60_000


@pytest.fixture(scope="module")
def big_store() -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    p = pyoxigraph.NamedNode("http://example.org/p")
    g = pyoxigraph.NamedNode("http://example.org/g")
    store.extend(pyoxigraph.Quad(pyoxigraph.NamedNode(f"http://example.org/s{i}"), p, pyoxigraph.Literal(i), g)
                 for i in range(BIG))
    return store


def _small_chunks_app(store: pyoxigraph.Store):
    return create_app(Settings(root=ROOT, chunk_bytes=4096, queue_chunks=2, query_workers=4), store)


@pytest.mark.embedded_only(reason="builds its own 60 000-triple in-memory store; streaming over a remote store is tests/store/test_remote_store.py")
def test_large_result_streams_in_chunks(big_store: pyoxigraph.Store) -> None:
    with TestClient(_small_chunks_app(big_store)) as c:
        with c.stream("GET", "/sparql", params={"query": "SELECT * { ?s ?p ?o }", "format": "csv"}) as r:
            assert r.status_code == 200
            assert "content-length" not in r.headers
            chunks = list(r.iter_raw())
    body = b"".join(chunks)
    assert len(chunks) > 10
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert len(rows) == BIG + 1


@pytest.mark.embedded_only(reason="builds its own in-memory store; pyoxigraph result iterators across threads")
def test_many_concurrent_queries_do_not_crash(big_store: pyoxigraph.Store) -> None:
    """Dozens of queries at once, large and small, all on their own worker threads."""
    app = _small_chunks_app(big_store)

    async def run() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            async def one(i: int) -> int:
                q = "SELECT * { ?s ?p ?o }" if i % 4 == 0 else f"SELECT * {{ ?s ?p {i} }}"
                r = await c.get("/sparql", params={"query": q, "format": ["json", "xml", "csv", "tsv"][i % 4]})
                assert r.status_code == 200
                return len(r.content)
            return await asyncio.gather(*(one(i) for i in range(48)))

    sizes = asyncio.run(run())
    assert min(sizes[::4]) > 1_000_000


def test_concurrent_clients_on_threads(client: TestClient) -> None:
    def one(i: int) -> int:
        return _count(client.get("/sparql", params={"query": COUNT_CLAIMS}))
    with ThreadPoolExecutor(16) as pool:
        counts = set(pool.map(one, range(64)))
    assert len(counts) == 1


def test_every_setting_is_described() -> None:
    undocumented = [name for name, f in Settings.model_fields.items() if not (f.description or "").strip()]
    assert undocumented == []
