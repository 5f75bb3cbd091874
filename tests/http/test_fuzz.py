"""Fuzzing the app in process: random and mutated queries, paths, IRIs, Accept
headers and parameters. Never a 500, never a crash, never a hang past the limit.

Queries run in worker processes with a short time limit, so a mutation that
happens to be a runaway query is stopped like any other.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.apps import process_client

LIMIT = 2.0
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

SEEDS = [
    "SELECT ?c WHERE { ?c a shg:Claim } LIMIT 5",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
    "DESCRIBE <https://w3id.org/sahel-harm/id/place/kossiba>",
    'SELECT * { ?s rdfs:label ?l FILTER(CONTAINS(LCASE(?l), "mali")) } ORDER BY ?l LIMIT 10',
    "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT * { ?s geo:sfWithin+ ?c } LIMIT 10",
]
TOKENS = ["{", "}", "(", ")", "?x", "<", ">", '"', "'", "#", "\\", "\x00", "é", "\u202e", "SERVICE", "FILTER",
          "OPTIONAL", "UNION", "*", "+", "/", "^", "|", ".", ";", ",", "a", "LIMIT", "99999999999999999999",
          "<<", ">>", "GRAPH", "VALUES", "BIND", "SELECT", "\n", " ", "\ud800", "%", "&"]
MEDIA = ["text/html", "application/json", "*/*", "text/*", "application/sparql-results+xml", "text/turtle",
         "application/ld+json", "image/png", "", ";", "*/*;q=x", "text/csv;q=0.5, */*;q=0", "a/b;c=d;q=1.5",
         "application/n-triples", "text/tab-separated-values", "\x7f", "x" * 300]


@pytest.fixture(scope="module")
def fuzz_client(store_pointer: Path) -> Iterator[TestClient]:
    with process_client(store_pointer, worker_processes=2, query_timeout=LIMIT, result_row_limit=2000) as client:
        yield client


def _mutate(seed: str, edits: list[tuple[int, int, str]]) -> str:
    text = seed
    for kind, position, token in edits:
        i = position % (len(text) + 1)
        if kind == 0:
            text = text[:i] + token + text[i:]
        elif kind == 1:
            text = text[:i] + text[i + 1:]
        else:
            text = text[:i] + token + text[i + len(token):]
    return text


def _check(client: TestClient, method: str, url: str, **kwargs: object) -> None:
    started = time.monotonic()
    try:
        response = client.request(method, url, **kwargs)  # a crash in the app would raise here
    except httpx.InvalidURL:  # the client refuses to send it; nothing reached the app
        return
    assert response.status_code < 500 or response.status_code == 503, (url, kwargs, response.text[:300])
    assert time.monotonic() - started < LIMIT + 3


edits = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 400), st.sampled_from(TOKENS)), max_size=6)


@FUZZ
@given(seed=st.sampled_from(SEEDS), changes=edits, accept=st.sampled_from(MEDIA), post=st.booleans())
def test_mutated_queries(fuzz_client: TestClient, seed: str, changes: list, accept: str, post: bool) -> None:
    query = _mutate(seed, changes).replace("\ud800", "\ufffd")
    if post:
        _check(fuzz_client, "POST", "/sparql", data={"query": query}, headers={"accept": accept})
    else:
        _check(fuzz_client, "GET", "/sparql", params={"query": query}, headers={"accept": accept})


@FUZZ
@given(query=st.text(max_size=200))
def test_random_text_queries(fuzz_client: TestClient, query: str) -> None:
    query = query.encode("utf-8", "replace").decode("utf-8")
    _check(fuzz_client, "GET", "/sparql", params={"query": query})
    _check(fuzz_client, "GET", "/query", params={"query": query})


@FUZZ
@given(body=st.binary(max_size=300), ctype=st.sampled_from(["application/sparql-query", "application/x-www-form-urlencoded",
                                                           "application/sparql-update", "text/plain", "",
                                                           "application/sparql-query; charset=latin-1"]))
def test_random_bodies(fuzz_client: TestClient, body: bytes, ctype: str) -> None:
    _check(fuzz_client, "POST", "/sparql", content=body, headers={"content-type": ctype} if ctype else {})


segment = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)


@FUZZ
@given(parts=st.lists(segment, min_size=1, max_size=4), prefix=st.sampled_from(
    ["/id/incident/", "/id/place/", "/ontology/", "/vocab/", "/-/", "/static/", "/sparql/", "/", "/query/"]),
    accept=st.sampled_from(MEDIA))
def test_random_paths(fuzz_client: TestClient, parts: list[str], prefix: str, accept: str) -> None:
    from urllib.parse import quote

    path = prefix + "/".join(quote(p, safe="") for p in parts)
    _check(fuzz_client, "GET", path, headers={"accept": accept})


@FUZZ
@given(params=st.lists(st.tuples(st.sampled_from(["query", "format", "output", "default-graph-uri",
                                                  "named-graph-uri", "update", "example", "x"]),
                                 st.text(max_size=40)), max_size=5),
       iri=st.text(max_size=60))
def test_random_parameters_and_iris(fuzz_client: TestClient, params: list, iri: str) -> None:
    params = [(k, v.encode("utf-8", "replace").decode()) for k, v in params]
    iri = iri.encode("utf-8", "replace").decode()
    _check(fuzz_client, "GET", "/sparql", params=params)
    _check(fuzz_client, "GET", "/sparql", params=[("query", "ASK {}"), ("default-graph-uri", iri)])
    _check(fuzz_client, "GET", "/sparql", params={"query": f"DESCRIBE <{iri}>"})
    _check(fuzz_client, "GET", "/query", params=params)
