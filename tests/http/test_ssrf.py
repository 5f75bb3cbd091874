"""No SSRF: SERVICE is refused before evaluation, and never reaches a private address.

Two guards: the query reader's SERVICE check (here through every way a query
reaches evaluation, on both backends), and query workers without a network
(checked with the text check switched off).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sahel_kg.namespaces import PREFIXES
from sahel_kg.query import federation
from sahel_kg.query.federation import check_services, endpoint_refusal, forbidden_address, service_targets
from sahel_kg.rdf.sparql_text import read_query
from sahel_kg.web import sparql_request
from support.apps import process_client
from support.hardening import Canary
from support.query_strategies import service_query
from support.servers import sahel_server


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


#: Queries that only hold the word SERVICE: no clause of it.
LOOKALIKES = ['SELECT * { ?s ?p "SERVICE <http://127.0.0.1/>" }', "SELECT ?service { ?service ?p ?o } LIMIT 1",
              "PREFIX ex: <http://e/> SELECT * { ?s ex:SERVICE ?o }", "# SERVICE <http://127.0.0.1/>\nASK {}",
              "SELECT * { <http://e/SERVICE> ?p ?o }"]


def test_words_that_only_look_like_service_are_fine_on_isolated_workers(store_pointer: Path) -> None:
    with process_client(store_pointer, worker_processes=1) as client:
        for query in LOOKALIKES:
            assert client.get("/sparql", params={"query": query}).status_code == 200, query


def test_without_isolation_the_word_service_is_refused_unless_it_is_a_clause(client: TestClient) -> None:
    """Threads and an external store cannot be isolated: the word SERVICE may only be the clauses read."""
    for query in LOOKALIKES:
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == 403 and "holds the word SERVICE" in response.text, query


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


@pytest.mark.parametrize("space", ["\xa0", "\x0c", "\u2028"])
def test_a_target_after_a_character_that_is_no_space_is_named_so_a_person_sees_it(space: str) -> None:
    refusal = check_services(f"SELECT * {{ SERVICE{space}<https://query.example/sparql> {{}} }}", enabled=True,
                             allowed=["https://query.example/sparql"]) or ""
    assert ascii(space) in refusal and "not a plain space" in refusal, refusal


def test_service_targets() -> None:
    assert service_targets("SELECT * { SERVICE SILENT <http://a> {} SERVICE ?x {} }") == ["<http://a>", "?x"]


# ---------------------------------------------------------------- the handed inputs and their kind

#: The issue's table: each query the old regex let through, by the path it would call.
HANDED = {
    "plain": "SELECT * {{ SERVICE <{base}/plain> {{ ?s ?p ?o }} }}",
    "cr": "SELECT * {{ # x\rSERVICE <{base}/cr> {{ ?s ?p ?o }} }}",
    "long": "SELECT * {{ BIND('''x\\'''' AS ?a) SERVICE <{base}/long> {{ ?s ?p ?o }} BIND('y' AS ?b) }}",
    "longdq": 'SELECT * {{ BIND("""x\\"""" AS ?a) SERVICE <{base}/longdq> {{ ?s ?p ?o }} BIND("y" AS ?b) }}',
    "glued": "PREFIX c: <{base}/> SELECT * {{ SERVICEc:glued {{ ?s ?p ?o }} }}",
    "silent": "SELECT * {{ SERVICESILENT<{base}/silent> {{ ?s ?p ?o }} }}",
    "dots": "PREFIX c: <{base}/> SELECT * {{ ?s ?p c:a.b.SERVICE<{base}/dots>{{ }} }}",
    "less-than": "PREFIX c: <{base}/> SELECT * {{ ?s ?p ?o FILTER(?s<?o)SERVICE c:lt#>\n{{ }} }}",
}
#: Found by a review that tried to break the reader: each one the engine reads differently from the grammar.
FOUND_BY_REVIEW = {
    "bad-escape": "SELECT * WHERE {{ VALUES ?x {{ ''' ' }} SERVICE <{base}/b1> {{ }} # \\uD800 ''' }}\n}}",
    "bad-escape-dq": 'SELECT * WHERE {{ VALUES ?x {{ """ " }} SERVICE <{base}/b1dq> {{ }} # \\U00110000 """ }}\n}}',
    "true-glued": "SELECT * WHERE {{ ?s ?p trueSERVICE<{base}/b2>{{}} }}",
    "declared-prefix": "PREFIX service: <http://e/> PREFIX : <{base}/> SELECT * WHERE {{ service:b3 {{ }} }}",
    "function-call": "PREFIX : <{base}/> SELECT * WHERE {{ FILTER xsd:boolean(1<2)SERVICE:b4#>\n{{}} }}",
    "function-iri": "PREFIX : <{base}/> SELECT * WHERE {{ FILTER <http://www.w3.org/2001/XMLSchema#boolean>"
                    "(1<2)SERVICE:b4i#>\n{{}} }}",
    "invalid-expansion": "PREFIX p: <http://www.w3.org/2004/02/skos/core#Concept> PREFIX : <{base}/> "
                         "SELECT * WHERE {{ ?s a p:SERVICE:b5\\#y {{}} }} LIMIT 1",
    "hidden-ftp": "SELECT * WHERE {{ ?s ?p trueSERVICE<ftp://127.0.0.1/x>{{}} }}",
    "hidden-port-9": "SELECT * WHERE {{ ?s ?p trueSERVICE<http://127.0.0.1:9/x>{{}} }}",
}


def send_every_way(client: TestClient, query: str) -> list[httpx.Response]:
    """GET, POST form, POST direct and the query page: every way a query reaches evaluation."""
    return [client.get("/sparql", params={"query": query}),
            client.post("/sparql", data={"query": query}),
            client.post("/sparql", content=query.encode(), headers={"content-type": "application/sparql-query"}),
            client.get("/query", params={"query": query})]


@pytest.mark.parametrize("name", sorted({**HANDED, **FOUND_BY_REVIEW}))
def test_the_handed_queries_are_refused_and_reach_nothing(client: TestClient, canary: Canary, name: str) -> None:
    for response in send_every_way(client, {**HANDED, **FOUND_BY_REVIEW}[name].format(base=canary.base)):
        assert response.status_code == 403 and "SERVICE" in response.text, (name, response.text)
    assert canary.hits == []


def test_the_handed_queries_reach_nothing_through_worker_processes(store_pointer: Path, canary: Canary) -> None:
    with process_client(store_pointer, worker_processes=1) as client:
        for name, template in {**HANDED, **FOUND_BY_REVIEW}.items():
            for response in send_every_way(client, template.format(base=canary.base)):
                assert response.status_code == 403, (name, response.text)
    assert canary.hits == []


def test_with_federation_on_hidden_services_reach_nothing(store_pointer: Path, canary: Canary,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers then have a network: the word-count rule keeps every hidden SERVICE out."""
    allowed = canary.base + "/allowed"
    monkeypatch.setattr(federation, "resolve", lambda host: ["93.184.216.34"])  # as if the canary were public
    with process_client(store_pointer, worker_processes=1, federation=True, service_allow_list=[allowed]) as client:
        for name, template in {**HANDED, **FOUND_BY_REVIEW}.items():
            for response in send_every_way(client, template.format(base=canary.base)):
                assert response.status_code == 403, (name, response.text)
        mixed = f"SELECT * {{ SERVICE <{allowed}> {{ }} ?s ?p trueSERVICE<{canary.base}/mixed>{{ }} }}"
        assert client.get("/sparql", params={"query": mixed}).status_code == 403
        assert client.get("/sparql", params={"query": f"SELECT * {{ SERVICE <{allowed}> {{ }} }}"}).status_code == 200
    assert canary.hits == ["/allowed"]


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
def test_generated_service_queries_never_reach_the_canary(client: TestClient, canary: Canary,
                                                          data: st.DataObject) -> None:
    """The differential test's queries (every way the engine reads SERVICE), sent to the endpoint."""
    query = data.draw(service_query(canary.port))
    response = client.post("/sparql", content=query.encode(), headers={"content-type": "application/sparql-query"})
    calls = read_query(query, prefixes=PREFIXES).services
    unread = not client.app.state.runner.isolated and federation.unread_service_refusal(query, calls)  # type: ignore[attr-defined]
    expected = 403 if calls or unread else 200
    assert response.status_code in (expected, 400), (query, response.text)
    assert canary.hits == [], query


# ---------------------------------------------------------------- the second guard

@pytest.fixture
def text_check_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch the SERVICE text check off, as if the query reader had missed every SERVICE."""
    monkeypatch.setattr(sparql_request, "check_service_calls", lambda *args, **kwargs: None)


def test_without_the_text_check_isolated_workers_still_reach_nothing(store_pointer: Path, canary: Canary,
                                                                     text_check_off: None) -> None:
    with process_client(store_pointer, worker_processes=1) as client:
        assert client.get("/-/health").json()["workers"]["network"] == ["isolated"]
        for name, template in {**HANDED, **FOUND_BY_REVIEW}.items():
            for response in send_every_way(client, template.format(base=canary.base))[:3]:
                # 403 when the engine tried the call; 200 only with nothing from it: a SILENT call that
                # failed (as the standard says), or one the engine never reached (an empty join before it)
                assert response.status_code in (200, 403), (name, response.status_code, response.text)
                if response.status_code == 200:
                    assert "SILENT" in template or '"bindings":[]' in response.text, (name, response.text)
                else:
                    assert "SERVICE" in response.text
        assert client.get("/-/health").json()["workers"]["ready"] == 1, "a worker died on a refused call"
    assert canary.hits == []


def test_the_guard_test_can_fail_workers_with_a_network_do_reach_the_canary(store_pointer: Path, canary: Canary,
                                                                           text_check_off: None) -> None:
    """The control: with federation on, workers keep the host's network, and nothing else stops the call."""
    with process_client(store_pointer, worker_processes=1, federation=True) as client:
        assert client.get("/-/health").json()["workers"]["network"] == ["host"]
        client.get("/sparql", params={"query": HANDED["plain"].format(base=canary.base)})
    assert canary.hits == ["/plain"]


def test_a_service_endpoint_that_fails_answers_502_not_500(store_pointer: Path, canary: Canary,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    failing = canary.base + "/fail"
    monkeypatch.setattr(federation, "resolve", lambda host: ["93.184.216.34"])  # as if the canary were public
    with process_client(store_pointer, worker_processes=1, federation=True, service_allow_list=[failing]) as client:
        response = client.get("/sparql", params={"query": f"SELECT * {{ SERVICE <{failing}> {{ ?s ?p ?o }} }}"})
        assert response.status_code == 502 and "SERVICE" in response.text, response.text
        silent = client.get("/sparql", params={"query": f"SELECT * {{ SERVICE SILENT <{failing}> {{ ?s ?p ?o }} }}",
                                               "format": "json"})
        assert silent.status_code == 200
    assert canary.hits == ["/fail", "/fail"]


@pytest.mark.real_server
def test_the_real_server_refuses_the_handed_queries(store_pointer: Path, canary: Canary) -> None:
    """Through uvicorn and real HTTP, GET and a POST body, as the issue's table was measured."""
    with sahel_server(store_pointer) as (base, _):
        health = httpx.get(base + "/-/health").json()
        assert health["workers"]["network"] == ["isolated"]
        for template in HANDED.values():
            query = template.format(base=canary.base)
            assert httpx.get(base + "/sparql", params={"query": query}).status_code == 403
            posted = httpx.post(base + "/sparql", content=query.encode(),
                                headers={"content-type": "application/sparql-query"})
            assert posted.status_code == 403
    assert canary.hits == []
