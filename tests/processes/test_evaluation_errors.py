"""Every error the engine raises while evaluating is the right 4xx/5xx with its cause, and no worker dies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from support.apps import process_client

#: Queries that parse but fail while evaluating, and what the answer must name.
FAILING = [
    ("SELECT (<http://example.org/f>(1) AS ?x) {}", "custom function <http://example.org/f> is not supported"),
    ("PREFIX geof: <http://www.opengis.net/def/function/geosparql/> "
     "SELECT (geof:buffer('POINT(1 1)', 1) AS ?x) {}", "geosparql/buffer> is not supported"),
    ("SELECT * { VALUES ?x { 1 } } ORDER BY (<http://example.org/g>(?x))", "is not supported"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { BIND(<http://example.org/f>() AS ?s) }", "is not supported"),
    ("ASK { FILTER(<http://example.org/f>(1)) }", "is not supported"),
]


def restarts(client: TestClient) -> int:
    found = re.search(r"^sahel_worker_restarts_total (\d+)", client.get("/-/metrics").text, re.M)
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize("query, cause", FAILING)
def test_each_failure_is_a_400_naming_its_cause(client: TestClient, query: str, cause: str) -> None:
    response = client.get("/sparql", params={"query": query, "format": "json"})
    assert response.status_code == 400, response.text
    assert cause in response.text


def test_a_burst_of_failing_queries_replaces_no_worker(store_pointer: Path) -> None:
    with process_client(store_pointer, worker_processes=2) as client:
        pids = client.app.state.runner.worker_pids()  # type: ignore[attr-defined]
        before = restarts(client)
        for _ in range(6):
            for query, cause in FAILING:
                response = client.post("/sparql", content=query.encode(),
                                       headers={"content-type": "application/sparql-query"})
                assert response.status_code == 400 and cause in response.text, response.text
        assert client.app.state.runner.worker_pids() == pids  # type: ignore[attr-defined]
        assert restarts(client) == before
        assert client.get("/sparql", params={"query": "ASK {}", "format": "json"}).json()["boolean"] is True


#: Queries that overflow the engine's stack (its parser and planner recurse): each killed a worker before.
TOO_BIG = [
    ("SELECT * " + "{" * 3000 + "}" * 3000, "nests brackets 3000 deep"),
    ("SELECT * { FILTER(" + "(" * 1000 + "1" + ")" * 1000 + ") }", "nests brackets"),
    ("SELECT (" + "+".join(["1"] * 10_000) + " AS ?x) {}", "too long"),
    ("SELECT * { " + " UNION ".join(["{}"] * 10_000) + " }", "too long"),
]


@pytest.mark.parametrize("query, cause", TOO_BIG, ids=["braces", "parentheses", "sum", "union"])
def test_queries_too_big_for_the_engine_are_refused_before_it_reads_them(client: TestClient, query: str,
                                                                         cause: str) -> None:
    response = client.post("/sparql", content=query.encode(), headers={"content-type": "application/sparql-query"})
    assert response.status_code == 400 and cause in response.text, response.text[:200]


def test_a_burst_of_queries_too_big_replaces_no_worker(store_pointer: Path) -> None:
    with process_client(store_pointer, worker_processes=1) as client:
        pids = client.app.state.runner.worker_pids()  # type: ignore[attr-defined]
        for query, _ in TOO_BIG * 3:
            assert client.post("/sparql", data={"query": query}).status_code == 400
        assert client.app.state.runner.worker_pids() == pids  # type: ignore[attr-defined]
