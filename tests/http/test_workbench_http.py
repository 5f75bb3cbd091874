"""The query workbench over HTTP: POST for long queries, paging, datatypes on demand, views offered,
completion terms, error positions and short links (content-addressed, kept across restarts and rebuilds)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph
import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rdflib import OWL, RDF, Graph

from sahel_kg.app import create_app
from sahel_kg.curation import build
from sahel_kg.namespaces import PREFIXES, compact
from sahel_kg.pages.examples import example_query
from sahel_kg.settings import Settings
from sahel_kg.store.ondisk import open_read_only
from support.servers import sahel_server

PAGE = 3  # rows a page in these tests, so the fixture's results span several pages


def _soup(response: httpx.Response) -> BeautifulSoup:
    assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
    return BeautifulSoup(response.text, "html.parser")


def _rows(page: BeautifulSoup) -> list[list[str]]:
    return [[" ".join(td.get_text(" ").split()) for td in tr.find_all("td")] for tr in page.select("#results tbody tr")]


@pytest.fixture()
def small_pages(settings: Settings, store: pyoxigraph.Store, tmp_path: Path) -> Iterator[TestClient]:
    """The app with three rows a page and its own short-links file."""
    app = create_app(settings.model_copy(update={"html_row_limit": PAGE, "short_links": tmp_path / "links.sqlite"}),
                     store)
    with TestClient(app) as client:
        yield client


def sparql_rows(client: TestClient, query: str) -> list[dict[str, dict[str, str]]]:
    response = client.post("/sparql", data={"query": query}, headers={"accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    rows: list[dict[str, dict[str, str]]] = response.json()["results"]["bindings"]
    return rows


def test_post_shows_what_get_shows(small_pages: TestClient) -> None:
    query = example_query("incidents-through-time").sparql
    by_get = _soup(small_pages.get("/query", params={"query": query}))
    by_post = _soup(small_pages.post("/query", data={"query": query}))
    assert _rows(by_post) == _rows(by_get) and _rows(by_get)
    assert by_post.find("textarea").get_text() == query


def test_post_without_a_query_says_what_to_do(small_pages: TestClient) -> None:
    response = small_pages.post("/query", data={"view": "map"})
    assert response.status_code == 400 and "no query was sent" in _soup(response).select_one(".error").get_text()


def test_pages_together_are_the_full_result(small_pages: TestClient) -> None:
    query = "SELECT ?claim WHERE { ?claim a shg:Claim } ORDER BY ?claim"
    expected = [r["claim"]["value"] for r in sparql_rows(small_pages, query)]
    assert len(expected) > 2 * PAGE, "the fixture has claims for three pages"
    shown: list[str] = []
    page_number = 1
    while True:
        page = _soup(small_pages.get("/query", params={"query": query, "page": page_number}))
        shown += [a["title"] for a in page.select("#results tbody td a")]
        following = page.select_one(".pager button[rel=next]")
        if following is None:
            break
        page_number = int(following.find_previous_sibling("input", attrs={"name": "page"})["value"])
        assert page_number == len(shown) // PAGE + 1
    assert shown == [compact(e) for e in expected], "every row once, in the query's order"


def test_datatypes_hidden_unless_asked(small_pages: TestClient) -> None:
    query = 'SELECT ?n ?t WHERE { VALUES (?n ?t) { (19 "Kidal"@en) } }'
    plain = _soup(small_pages.get("/query", params={"query": query}))
    assert _rows(plain) == [["19", "Kidal"]]
    typed = _soup(small_pages.get("/query", params={"query": query, "types": "1"}))
    assert [n.get_text() for n in typed.select("#results small.note")] == ["xsd:integer", "@en"]
    toggle = plain.select_one(".types-toggle")["href"]
    assert "types=1" in toggle and _soup(small_pages.get(toggle)).select("#results small.note")


@pytest.mark.parametrize(("slug", "view"), [("incidents-on-a-map", "map"), ("incidents-through-time", "timeline"),
                                            ("highest-toll-per-incident", "chart")])
def test_each_view_is_offered_for_the_result_that_feeds_it(small_pages: TestClient, slug: str, view: str) -> None:
    query = example_query(slug).sparql
    results = _soup(small_pages.get("/query", params={"query": query, "page": "1"})).select_one("#results")
    assert view in results["data-views"].split() and results["data-view"] == view
    switch = {a["data-view"]: a["href"] for a in results.select(".view-switch a[data-view]")}
    assert set(switch) == set(results["data-views"].split())
    table = _soup(small_pages.get(switch["table"])).select_one("#results")
    assert table["data-view"] == "table", "the table, when the URL asks for it"


def test_no_map_without_coordinates(small_pages: TestClient) -> None:
    query = "SELECT ?claim WHERE { ?claim a shg:Claim } LIMIT 2"
    results = _soup(small_pages.get("/query", params={"query": query, "view": "map"})).select_one("#results")
    assert results["data-views"] == "table" and results["data-view"] == "table"


def test_completion_terms_are_our_ontology_terms(small_pages: TestClient, repo_root: Path) -> None:
    document = small_pages.get("/query/terms.json").json()
    assert document["prefixes"] == dict(PREFIXES)
    terms = {t["iri"]: t for t in document["terms"]}
    for term in terms.values():
        prefix, local = term["curie"].split(":", 1)
        assert PREFIXES[prefix] + local == term["iri"]
    ontology = Graph()
    for path in sorted((repo_root / "ontology").glob("*.ttl")):
        ontology.parse(path)
    classes = {str(c) for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(PREFIXES["shg"])}
    properties = {str(p) for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
                  for p in ontology.subjects(RDF.type, kind) if str(p).startswith(PREFIXES["shg"])}
    assert classes and classes <= {i for i, t in terms.items() if t["kind"] == "class"}
    assert properties and properties <= {i for i, t in terms.items() if t["kind"] == "property"}
    assert any(t["kind"] == "concept" for t in terms.values())


def test_parser_error_names_its_line_and_column(small_pages: TestClient) -> None:
    bad = "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?s = }"
    page = _soup(small_pages.get("/query", params={"query": bad}))
    at = page.select_one(".error-at")
    line, column = int(at["data-line"]), int(at["data-column"])
    assert line == 3 and f"error at {line}:{column}" in page.select_one("pre.error").get_text()
    excerpt = page.select_one(".error-line").get_text().split("\n")
    assert excerpt[0] == bad.split("\n")[2] and excerpt[1].index("^") == column - 1


# ---------------------------------------------------------------- short links


def test_short_link_round_trip_and_same_link_for_same_query(small_pages: TestClient) -> None:
    query = example_query("incidents-on-a-map").sparql
    made = small_pages.post("/q", data={"query": query, "view": "map"}, follow_redirects=False)
    assert made.status_code == 303 and re.fullmatch(r".*/q/[a-z2-7]{12}", made.headers["location"])
    again = small_pages.post("/q", data={"query": query, "view": "map"}, headers={"accept": "application/json"})
    assert again.status_code == 201 and again.json()["url"] == made.headers["location"]
    other_view = small_pages.post("/q", data={"query": query, "view": "table"}, headers={"accept": "application/json"})
    assert other_view.json()["id"] != again.json()["id"]
    page = _soup(small_pages.get(made.headers["location"]))
    assert page.find("textarea").get_text() == query
    assert page.select_one("#results")["data-view"] == "map" and _rows(page)


def test_short_link_keeps_only_known_view_parameters(small_pages: TestClient) -> None:
    query = example_query("highest-toll-per-incident").sparql
    link = small_pages.post("/q", data={"query": query, "view": "chart", "chart": "line", "junk": "x"},
                            headers={"accept": "application/json"}).json()
    same = small_pages.post("/q", data={"chart": "line", "view": "chart", "query": query, "page": "1"},
                            headers={"accept": "application/json"}).json()
    assert link == same, "the same view however its form was written"
    results = _soup(small_pages.get(link["url"].replace("http://testserver", ""))).select_one("#results")
    assert results["data-view"] == "chart" and results["data-chart"] == "line"


def test_short_link_not_saved_is_a_503_with_advice(settings: Settings, store: pyoxigraph.Store, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the links' folder should be", encoding="utf-8")
    app = create_app(settings.model_copy(update={"short_links": blocked / "links.sqlite"}), store)
    with TestClient(app) as client:
        response = client.post("/q", data={"query": "ASK {}"})
    assert response.status_code == 503 and "share the page's URL" in response.text


def test_short_link_refusals(small_pages: TestClient) -> None:
    assert small_pages.post("/q", data={"query": "  "}).status_code == 400
    missing = small_pages.get("/q/aaaaaaaaaaaa", headers={"accept": "text/html"})
    assert missing.status_code == 404 and "never made here" in missing.text
    assert small_pages.get("/q/not-an-id").status_code == 404


def _app_over(root: Path, pointer: Path, links: Path) -> FastAPI:
    settings = Settings(root=root, store=pointer, short_links=links)
    return create_app(settings, open_read_only(pointer))


def test_short_links_outlive_a_restart_and_a_rebuild(fixture_root: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "check", lambda root: (True, "validation skipped in tests"))
    pointer = tmp_path / "var" / "store"
    assert build.build_store(fixture_root, pointer, log=lambda m: None).status == "built"
    links = Settings(root=fixture_root, store=pointer).short_links_path
    assert links.parent == pointer.parent, "beside the store pointer, outside any built store"
    query = example_query("incidents-through-time").sparql
    with TestClient(_app_over(fixture_root, pointer, links)) as client:
        url = client.post("/q", data={"query": query, "view": "timeline"}, headers={"accept": "application/json"}).json()["url"]
    first_target = pointer.resolve()
    assert build.build_store(fixture_root, pointer, log=lambda m: None, force=True).status == "built"
    assert pointer.resolve() != first_target or not any(first_target.iterdir()), "a new build"
    with TestClient(_app_over(fixture_root, pointer, links)) as client:  # a new app: a restart
        page = _soup(client.get(url.replace("http://localhost:8000", "")))
        assert page.find("textarea").get_text() == query and _rows(page)
        again = client.post("/q", data={"query": query, "view": "timeline"}, headers={"accept": "application/json"})
        assert again.json()["url"] == url


@pytest.mark.real_server
def test_short_link_survives_a_server_restart(store_pointer: Path, tmp_path: Path) -> None:
    env = {"SAHEL_KG_SHORT_LINKS": str(tmp_path / "links.sqlite")}
    query = example_query("highest-toll-per-incident").sparql
    with sahel_server(store_pointer, env=env) as (base, _):
        made = httpx.post(base + "/q", data={"query": query, "view": "chart"}, headers={"accept": "application/json"})
        key = made.json()["id"]
    with sahel_server(store_pointer, env=env) as (base, _):
        page = _soup(httpx.get(f"{base}/q/{key}", timeout=30))
        assert page.find("textarea").get_text() == query
        assert page.select_one("#results")["data-view"] == "chart"


def test_a_long_query_downloads_by_post_in_every_format(small_pages: TestClient) -> None:
    filters = " ".join(f"FILTER(?i != <https://example.org/not-an-incident/{n}>)" for n in range(80))
    long = f"SELECT ?i WHERE {{ ?i a shg:Incident . {filters} }}"
    page = _soup(small_pages.post("/query", data={"query": long}))
    forms = page.select(".downloads form")
    assert forms and not page.select(".downloads a"), "no download link too long for a URL"
    expected = {r["i"]["value"] for r in sparql_rows(small_pages, long)}
    for form in forms:
        fields = {i["name"]: i["value"] for i in form.select("input")}
        assert fields["query"] == long
        response = small_pages.post(form["action"], data=fields)
        assert response.status_code == 200 and not response.headers["content-type"].startswith("text/html")
        if fields["format"] == "csv":
            assert {r["i"] for r in csv.DictReader(io.StringIO(response.text))} == expected


@pytest.mark.parametrize("online", [False, True])
def test_maps_add_online_tiles_only_by_the_setting(settings: Settings, store: pyoxigraph.Store, online: bool) -> None:
    app = create_app(settings.model_copy(update={"online_tiles": online}), store)
    with TestClient(app) as client:
        incident = client.get("/id/incident/kossiba-market-killings", headers={"accept": "text/html"})
        query = client.get("/query", params={"query": example_query("incidents-on-a-map").sparql})
    body = _soup(incident).body
    assert (body.get("data-online-tiles") == "yes") is online
    assert _soup(incident).select_one(".map[data-lat][data-lon]") is not None, "the incident's map box has coordinates"
    assert (_soup(query).select_one("#results")["data-online-tiles"] == "yes") is online
    img_src = incident.headers["content-security-policy"].split("img-src")[1].split(";")[0]
    assert ("tile.openstreetmap.org" in img_src) is online


def test_page_past_the_end_says_where_the_result_ends(small_pages: TestClient) -> None:
    query = "SELECT ?claim WHERE { ?claim a shg:Claim } ORDER BY ?claim"
    total = len(sparql_rows(small_pages, query))
    last = -(-total // PAGE)
    assert _rows(_soup(small_pages.get("/query", params={"query": query, "page": last}))), "the last page has rows"
    past = small_pages.get("/query", params={"query": query, "page": last + 1})
    assert past.status_code == 404
    message = _soup(past).select_one("#results .error").get_text()
    assert f"last page is {last}" in message and f"{total} rows" in message
    assert not _soup(past).select("#results tbody tr"), "no empty table headed 'Rows n+1–n'"


def test_a_chart_that_would_leave_rows_out_is_offered_not_shown_first(small_pages: TestClient) -> None:
    # an OPTIONAL figure: the chart would draw one bar for three rows
    query = 'SELECT ?label ?n WHERE { VALUES (?label ?n) { ("a" 4) ("b" UNDEF) ("c" UNDEF) } }'
    results = _soup(small_pages.get("/query", params={"query": query})).select_one("#results")
    assert "chart" in results["data-views"].split() and results["data-view"] == "table"
    whole = 'SELECT ?label ?n WHERE { VALUES (?label ?n) { ("a" 4) ("b" 2) ("c" 7) } }'
    assert _soup(small_pages.get("/query", params={"query": whole})).select_one("#results")["data-view"] == "chart"


def test_unknown_short_link_names_the_button_that_makes_one(small_pages: TestClient) -> None:
    button = _soup(small_pages.get("/query")).select_one("#share").get_text(strip=True)
    for key in ("abcdefghijkl", "x" * 5000):
        missing = small_pages.get(f"/q/{key}", headers={"Accept": "application/json"})
        assert missing.status_code == 404
        detail = missing.json()["detail"]
        assert f"“{button}”" in detail, "the message names the button the query page really has"
        assert len(detail) < 300, "a long path is not echoed whole"


def test_a_query_too_long_for_a_url_has_a_way_without_javascript(small_pages: TestClient) -> None:
    # without JavaScript the form is sent by GET; the page's only POST button is the short link
    page = _soup(small_pages.get("/query"))
    button = page.select_one("#share")
    assert button["formmethod"] == "post"
    query = "SELECT ?claim WHERE { ?claim a shg:Claim } LIMIT 1\n#" + "x" * 20_000
    refused = small_pages.get("/query", params={"query": query})
    assert refused.status_code == 414 and f"“{button.get_text(strip=True)}”" in refused.text
    linked = small_pages.post(button["formaction"], data={"query": query}, follow_redirects=True)
    assert linked.status_code == 200 and len(_rows(_soup(linked))) == 1


@pytest.mark.parametrize("path", ["/", "/query", "/browse/incidents", "/q/abcdefghijkl"])
def test_no_page_sends_the_browser_to_a_missing_icon(small_pages: TestClient, path: str) -> None:
    # a page that names no icon makes the browser fetch /favicon.ico: a 404 in its console on every page
    page = _soup(small_pages.get(path, headers={"Accept": "text/html"}))
    icon = page.select_one("link[rel~=icon]")
    href = icon["href"] if icon else "/favicon.ico"
    assert href.startswith("data:") or small_pages.get(href).status_code == 200, href


def test_lat_and_long_columns_without_a_point_feed_no_map(small_pages: TestClient) -> None:
    named_only = 'SELECT ?lat ?long WHERE { VALUES (?lat ?long) { ("north" "west") (95 200) } }'
    results = _soup(small_pages.get("/query", params={"query": named_only})).select_one("#results")
    assert "map" not in results["data-views"].split() and results["data-view"] == "table"
    one_point = 'SELECT ?lat ?long WHERE { VALUES (?lat ?long) { ("north" "west") ("18.44" "1.41") } }'
    assert _soup(small_pages.get("/query", params={"query": one_point})).select_one("#results")["data-view"] == "map"


def test_a_short_link_made_in_french_opens_in_french_and_is_the_same_link(small_pages: TestClient) -> None:
    page = _soup(small_pages.get("/query", params={"lang": "fr"}, headers={"Accept-Language": "en"}))
    form = page.select_one("#query-form")
    fields = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    fields["query"] = "SELECT ?claim WHERE { ?claim a shg:Claim } LIMIT 1"
    made = small_pages.post(form.select_one("#share")["formaction"], data=fields, headers={"Accept-Language": "en"},
                            follow_redirects=False)
    plain = small_pages.post("/q", data={"query": fields["query"]}, follow_redirects=False)
    assert made.status_code == plain.status_code == 303
    assert made.headers["location"].split("?")[0] == plain.headers["location"], "one link whatever the language"
    opened = small_pages.get(made.headers["location"], headers={"Accept-Language": "en"})
    assert '<html lang="fr"' in opened.text
