"""No SSRF: SERVICE is refused before evaluation, and never reaches a private address."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from fastapi.testclient import TestClient

from sahel_kg.security import check_services, endpoint_refusal, forbidden_address, service_targets

from hardening_support import Canary, process_client


@pytest.fixture
def canary():
    with Canary() as c:
        yield c


def test_the_installed_pyoxigraph_really_fetches_service(canary: Canary) -> None:
    """Why the guard exists: evaluated directly, SERVICE makes an HTTP request."""
    try:
        list(pyoxigraph.Store().query(f"SELECT * {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}"))  # type: ignore[arg-type]
    except (RuntimeError, OSError, ValueError):
        pass
    assert canary.hits, "this pyoxigraph build no longer fetches SERVICE; update docs/hardening.md"


def test_from_does_not_fetch(client: TestClient, canary: Canary) -> None:
    response = client.get("/sparql", params={"query": f"SELECT * FROM <{canary.url}> {{ ?s ?p ?o }}"})
    assert response.status_code == 200
    assert canary.hits == []


SNEAKY = [
    "SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * {{ ?x ?y ?z .SERVICE<{url}>{{ ?s ?p ?o }} }}",
    "SELECT * {{ # a comment }}\nSERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * {{ OPTIONAL {{ SeRvIcE\t<{url}> {{ ?s ?p ?o }} }} FILTER(?s != \"SERVICE\") }}",
    "SELECT * {{ {{ SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * {{ VALUES ?ep {{ <{url}> }} SERVICE ?ep {{ ?s ?p ?o }} }}",
    "PREFIX c: <{url}#> SELECT * {{ SERVICE c: {{ ?s ?p ?o }} }}",
    "SELECT * {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
]


@pytest.mark.parametrize("template", SNEAKY)
def test_service_is_refused_by_default_and_never_reaches_the_canary(client: TestClient, canary: Canary, template: str) -> None:
    query = template.format(url=canary.url)
    for response in (client.get("/sparql", params={"query": query}),
                     client.post("/sparql", content=query, headers={"content-type": "application/sparql-query"}),
                     client.get("/query", params={"query": query})):
        assert response.status_code == 403, (query, response.text)
        assert "SERVICE" in response.text
    assert canary.hits == []


def test_an_allow_listed_loopback_endpoint_is_still_refused(store_pointer: Path, canary: Canary) -> None:
    with process_client(store_pointer, worker_processes=1, federation=True,
                        service_allow_list=[canary.url]) as client:
        response = client.get("/sparql", params={"query": f"SELECT * {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}"})
        assert response.status_code == 403 and "non-public address" in response.text
        other = client.get("/sparql", params={"query": "SELECT * { SERVICE <http://10.0.0.1/sparql> { ?s ?p ?o } }"})
        assert other.status_code == 403 and "allow-list" in other.text
        assert 'sahel_service_refusals_total 2' in client.get("/-/metrics").text
    assert canary.hits == []


def test_words_that_only_look_like_service_are_fine(client: TestClient) -> None:
    for query in ['SELECT * { ?s ?p "SERVICE <http://127.0.0.1/>" }', "SELECT ?service { ?service ?p ?o } LIMIT 1",
                  "PREFIX ex: <http://e/> SELECT * { ?s ex:SERVICE ?o }", "# SERVICE <http://127.0.0.1/>\nASK {}",
                  "SELECT * { <http://e/SERVICE> ?p ?o }"]:
        assert client.get("/sparql", params={"query": query}).status_code == 200, query


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "10.2.3.4", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                                     "100.64.0.1", "0.0.0.0", "fd00:ec2::254", "fe80::1", "::ffff:127.0.0.1", "224.0.0.1"])
def test_private_addresses_are_forbidden(address: str) -> None:
    assert forbidden_address(address)


def test_public_addresses_pass_when_allow_listed() -> None:
    public = lambda host: ["93.184.216.34"]  # noqa: E731
    assert forbidden_address("93.184.216.34") is False
    assert endpoint_refusal("https://query.example/sparql", ["https://query.example/sparql"], public) is None
    assert "allow-list" in (endpoint_refusal("https://other.example/sparql", ["https://query.example/sparql"], public) or "")
    rebinding = lambda host: ["93.184.216.34", "127.0.0.1"]  # noqa: E731
    assert endpoint_refusal("https://query.example/sparql", ["https://query.example/sparql"], rebinding)
    assert "disabled" in (check_services("SELECT * { SERVICE <https://query.example/sparql> {} }",
                                         enabled=False, allowed=[]) or "")


def test_service_targets() -> None:
    assert service_targets("SELECT * { SERVICE SILENT <http://a> {} SERVICE ?x {} }") == ["<http://a>", "?x"]
