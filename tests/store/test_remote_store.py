"""The server over an external SPARQL store: loading, limits and failures of the store.

The endpoint and page suites run over both backends (see conftest); here is
what only a remote store has: the Graph Store Protocol loader, a store that is
down or hangs, the row cap and streaming through a forwarded query, the union
modes, and an integration test against Virtuoso when it is installed.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from sahel_kg.app import create_app
from sahel_kg.curation.load_remote import graph_counts, load_project
from sahel_kg.devtools.virtuoso import Buffers, ini_text, running, virtuoso_binary
from sahel_kg.store.remote import RemoteStore
from support.apps import remote_settings
from support.servers import free_port

COUNT_CLAIMS = "SELECT (COUNT(*) AS ?n) WHERE { ?c a shg:Claim }"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
#: An incident of the fixture graph, and its number of claims and those of one document.
INCIDENT = "/id/incident/aghazar-killings"
CLAIMS, RADIO_CLAIMS = 23, 7


def _count(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    return int(json.loads(response.content)["results"]["bindings"][0]["n"]["value"])


def test_loading_again_replaces_and_never_duplicates(remote_url: str, fixture_root: Path) -> None:
    settings = remote_settings(remote_url)
    remote = RemoteStore(settings)
    before = graph_counts(remote)
    report = load_project(fixture_root, settings)
    assert graph_counts(remote) == before
    assert report.graphs == len(before) and report.triples == sum(before.values()) and report.bytes > 100_000
    assert report.stale == [] and "loaded" in report.text("x")
    remote.close()


@pytest.fixture(scope="module")
def remote_client(remote_url: str) -> Iterator[TestClient]:
    settings = remote_settings(remote_url, result_row_limit=100, chunk_bytes=4096)
    with TestClient(create_app(settings, RemoteStore(settings))) as c:
        yield c


def test_row_cap_is_applied_to_forwarded_queries(remote_client: TestClient) -> None:
    for fmt, lines in (("csv", 101), ("tsv", 101), ("json", None), ("xml", None)):
        r = remote_client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }", "format": fmt})
        assert r.status_code == 200 and r.headers["sahel-result-truncated"] == "100", fmt
        if lines:
            assert len(r.text.strip().splitlines()) == lines
    graph = remote_client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"})
    assert graph.headers["sahel-result-truncated"] == "100" and len(graph.text.strip().splitlines()) == 100
    small = remote_client.get("/sparql", params={"query": "SELECT * { ?s a shg:Incident } LIMIT 3", "format": "csv"})
    assert "sahel-result-truncated" not in small.headers


def test_uncapped_results_stream_straight_through(remote_url: str) -> None:
    settings = remote_settings(remote_url, result_row_limit=None, chunk_bytes=4096)
    with TestClient(create_app(settings, RemoteStore(settings))) as c:
        with c.stream("GET", "/sparql", params={"query": "SELECT * { ?s ?p ?o }", "format": "csv"}) as r:
            assert r.status_code == 200 and "content-length" not in r.headers
            chunks = list(r.iter_raw())
    assert len(chunks) > 10
    assert len(b"".join(chunks).decode().strip().splitlines()) > 2000


@pytest.mark.parametrize("union", ["parameter", "dataset"])
def test_union_modes_give_the_same_answers(remote_url: str, union: str) -> None:
    settings = remote_settings(remote_url, store_union=union)
    with TestClient(create_app(settings, RemoteStore(settings))) as c:
        assert _count(c.get("/sparql", params={"query": COUNT_CLAIMS})) == CLAIMS
        g = "https://w3id.org/sahel-harm/graph/sources/radio-aghazar-kossiba-market"
        q = COUNT_CLAIMS.replace("WHERE", f"FROM <{g}> WHERE")
        assert _count(c.get("/sparql", params={"query": q})) == RADIO_CLAIMS
        assert c.get(INCIDENT, headers={"accept": BROWSER}).status_code == 200


def test_health_reports_the_store(remote_client: TestClient) -> None:
    body = remote_client.get("/-/health").json()
    assert body["status"] == "ok" and body["store"]["kind"] == "remote" and body["store"]["reachable"] is True


# ---------------------------------------------------------------- a store that is down or hangs


def _app_over(url: str, **overrides: object) -> TestClient:
    settings = remote_settings(url, **overrides)
    return TestClient(create_app(settings, RemoteStore(settings)))


def test_store_down_is_502_plain_or_html() -> None:
    with _app_over(f"http://127.0.0.1:{free_port()}/query") as c:
        plain = c.get("/sparql", params={"query": "ASK {}"})
        page = c.get(INCIDENT, headers={"accept": BROWSER})
        data = c.get(INCIDENT, headers={"accept": "text/turtle"})
        health = c.get("/-/health")
    assert plain.status_code == 502 and "cannot be reached" in plain.text
    assert page.status_code == 502 and page.headers["content-type"].startswith("text/html")
    assert data.status_code == 502 and data.headers["content-type"].startswith("text/plain")
    assert health.status_code == 503 and health.json()["store"]["reachable"] is False


@pytest.fixture()
def silent_store() -> Iterator[str]:
    """A TCP server that accepts connections and reads but never answers."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/query"
    stop.set()
    thread.join()
    for s in held:
        s.close()
    server.close()


def test_hanging_store_is_503_for_queries_and_504_for_pages(silent_store: str) -> None:
    with _app_over(silent_store, query_timeout=1.0) as c:
        started = time.monotonic()
        query = c.get("/sparql", params={"query": "ASK {}"})
        page = c.get(INCIDENT, headers={"accept": BROWSER})
        elapsed = time.monotonic() - started
    assert query.status_code == 503 and query.headers["sahel-query-timeout"] == "1"
    assert page.status_code == 504 and "did not answer" in page.text
    assert elapsed < 6


def test_service_is_refused_before_forwarding(remote_client: TestClient) -> None:
    r = remote_client.get("/sparql", params={"query": "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"})
    assert r.status_code == 403


# ---------------------------------------------------------------- Virtuoso (when installed)

#: The same ini the benchmark writes (sahel_kg.devtools.virtuoso), with a small cache and a 60 s limit.
TEST_BUFFERS = Buffers(number=10_000, dirty=6_000, memory_mb=80.0)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Virtuoso on free loopback ports with a temporary database; its base URL."""
    if virtuoso_binary() is None:
        pytest.skip("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)")
    folder = tmp_path_factory.mktemp("virtuoso")
    isql, http = free_port(), free_port()
    ini = ini_text(folder, isql_port=isql, http_port=http, buffers=TEST_BUFFERS, threads=10, query_seconds=60)
    try:
        with running(folder, ini, isql_port=isql, http_port=http, timeout=60) as instance:
            yield instance.sparql.removesuffix("/sparql")
    except RuntimeError as failed:
        if "did not answer" in str(failed) or "exited" in str(failed):
            pytest.skip(f"Virtuoso is installed but did not start: {failed}")
        raise


@pytest.mark.integration
def test_virtuoso(virtuoso: str, fixture_root: Path) -> None:
    settings = remote_settings(virtuoso + "/sparql", store_union="dataset", store_gsp_url=virtuoso + "/sparql-graph-crud-auth",
                               store_update_url=virtuoso + "/sparql-auth", store_user="dba", store_password="dba",
                               store_auth_scheme="digest")
    first = load_project(fixture_root, settings)
    again = load_project(fixture_root, settings)
    assert first.triples == again.triples > 1000 and first.graphs == again.graphs
    with TestClient(create_app(settings, RemoteStore(settings))) as c:
        assert _count(c.get("/sparql", params={"query": COUNT_CLAIMS})) == CLAIMS
        assert c.get(INCIDENT, headers={"accept": BROWSER}).status_code == 200
        assert c.get(INCIDENT + ".ttl").status_code == 200
        assert c.get("/-/health").json()["store"]["reachable"] is True
        void = c.get("/.well-known/void.nt")
        assert void.status_code == 200
        total = [line for line in void.text.splitlines()
                 if line.startswith("<https://w3id.org/sahel-harm/.well-known/void#dataset> <http://rdfs.org/ns/void#triples>")]
        assert total and f'"{first.triples}"' in total[0]
