"""The query page: editor, examples, HTML results, downloads, permalinks, no CDN."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from sahel_kg.namespaces import PREFIXES
from sahel_kg.pages.examples import example_queries

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


def test_editor_has_only_the_prefixes_its_query_uses_and_grouped_examples(client: TestClient) -> None:
    page = _soup(client.get("/query"))
    editor = page.find("textarea", attrs={"name": "query"}).get_text()
    declared = re.findall(r"^PREFIX (\w+): <([^>]+)>$", editor, re.M)
    body = editor.split("\n\n", 1)[1]
    assert declared and all(PREFIXES[p] == iri and f"{p}:" in body for p, iri in declared)
    assert len(declared) < len(PREFIXES) / 2, "the prefixes are predeclared, not all written out"
    listed = {dt.get_text().rstrip(":") for dt in page.select(".prefixes dt")}
    assert listed == set(PREFIXES)
    titles = [a.get_text() for a in page.select(".examples a")]
    assert sorted(titles) == sorted(e.title for e in example_queries())
    groups = [h.get_text() for h in page.select(".examples h3")]
    assert len(groups) == len(set(groups)) > 1
    for example in example_queries():
        item = page.find("a", attrs={"data-slug": example.slug}).find_parent("ul").find_previous_sibling("h3")
        assert item.get_text() == example.group
    assert page.find("form")["method"] == "get"
    assert client.get("/query", params={"query": editor}).status_code == 200


def test_browser_at_sparql_without_query_gets_the_editor(client: TestClient) -> None:
    page = _soup(client.get("/sparql", headers={"accept": BROWSER}))
    assert page.find("textarea", attrs={"name": "query"}) is not None


def test_no_external_resources(client: TestClient) -> None:
    page = _soup(client.get("/query"))
    for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
        for el in page.find_all(tag):
            assert not re.match(r"(https?:)?//", el.get(attr, "")), el
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/query.js").status_code == 200


@pytest.mark.parametrize("example", example_queries(), ids=lambda e: e.slug)
def test_every_example_runs_from_its_menu_link(client: TestClient, example) -> None:  # type: ignore[no-untyped-def]
    page = _soup(client.get("/query"))
    link = page.find("a", attrs={"data-slug": example.slug})["href"]
    assert parse_qs(urlparse(link).query)["query"] == [example.sparql]
    result = _soup(client.get(link))
    assert result.find(class_="error") is None, result.find(class_="error")
    assert result.find("textarea").get_text().strip() == example.sparql.strip()


def test_results_table_links_iris_with_labels(client: TestClient) -> None:
    q = "SELECT ?place WHERE { BIND(place:kossiba AS ?place) }"
    page = _soup(client.get("/query", params={"query": q}))
    link = page.select_one("table td a")
    assert link["href"] == "http://localhost:8000/id/place/kossiba"
    assert link.get_text() == "Kossiba"
    assert page.select_one("th").get_text() == "place"


def test_literals_are_escaped(client: TestClient) -> None:
    q = 'SELECT ?x WHERE { BIND("<script>alert(1)</script>" AS ?x) }'
    response = client.get("/query", params={"query": q})
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_download_links_in_each_format(client: TestClient) -> None:
    q = "SELECT ?c WHERE { ?c a shg:Claim } LIMIT 2"
    page = _soup(client.get("/query", params={"query": q}))
    links = {a.get_text(): a["href"] for a in page.select(".downloads a")}
    assert set(links) == {"SPARQL JSON", "SPARQL XML", "CSV", "TSV"}
    for href in links.values():
        response = client.get(href)
        assert response.status_code == 200 and not response.headers["content-type"].startswith("text/html")
    construct = _soup(client.get("/query", params={"query": "CONSTRUCT WHERE { ?c a shg:Claim } LIMIT 2"}))
    assert "Turtle" in {a.get_text() for a in construct.select(".downloads a")}


def test_ask_and_errors(client: TestClient) -> None:
    assert _soup(client.get("/query", params={"query": "ASK {}"})).select_one(".boolean").get_text() == "yes"
    bad = client.get("/query", params={"query": "SELECT * WHERE {"})
    assert bad.status_code == 400
    assert "syntax error" in _soup(bad).select_one(".error").get_text()
    assert "Traceback" not in bad.text


def test_sparql_url_with_browser_accept_is_a_permalink(client: TestClient) -> None:
    q = "SELECT * WHERE { ?c a shg:Claim } LIMIT 1"
    page = _soup(client.get("/sparql", params={"query": q}, headers={"accept": BROWSER}))
    assert page.find("textarea").get_text() == q
    assert len(page.select("table tbody tr")) == 1


def test_row_limit(client: TestClient) -> None:
    q = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    page = _soup(client.get("/query", params={"query": q}))
    assert len(page.select("table tbody tr")) == 1000
    assert "Rows 1–1000 of more" in " ".join(page.select_one(".meta").get_text().split())
