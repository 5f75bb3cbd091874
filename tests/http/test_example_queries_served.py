"""Every shipped example query gives its rows through the endpoint and the query page, as the engine does.

Over the curated data (whatever it holds: no totals here), each example is
run three ways — directly in the engine over the union of the graphs, through
``/sparql`` and through the query page — and the rows must be the same, and
not empty: an example that shows a researcher 0 rows is a broken example.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from sahel_kg.pages.examples import ExampleQuery, example_queries
from support.apps import make_client
from support.project_data import load_project_store, select

EXAMPLES = example_queries()


@pytest.fixture(scope="module")
def curated() -> Iterator[tuple[pyoxigraph.Store, TestClient]]:
    store = load_project_store(derived=True)  # as the build serves it: the summaries too
    with make_client(store) as client:
        yield store, client


def endpoint_rows(client: TestClient, query: str) -> list[dict[str, str]]:
    response = client.post("/sparql", data={"query": query}, headers={"accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return [{name: cell["value"] for name, cell in binding.items()} for binding in response.json()["results"]["bindings"]]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.slug for e in EXAMPLES])
def test_each_example_gives_the_engines_rows_through_the_endpoint(curated: tuple[pyoxigraph.Store, TestClient],
                                                                  example: ExampleQuery) -> None:
    store, client = curated
    expected = select(store, example.sparql)
    assert expected, f"{example.slug} answers nothing over the curated data"
    assert endpoint_rows(client, example.sparql) == expected


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.slug for e in EXAMPLES])
def test_each_example_shows_its_rows_on_the_query_page(curated: tuple[pyoxigraph.Store, TestClient],
                                                       example: ExampleQuery) -> None:
    store, client = curated
    page = BeautifulSoup(client.get("/query", params={"example": example.slug, "query": example.sparql}).text,
                         "html.parser")
    table = page.select_one("section#results table")
    assert table is not None, f"{example.slug}: no results table"
    assert len(table.select("tbody tr")) == len(select(store, example.sparql))
