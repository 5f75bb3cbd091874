"""The exports over HTTP and from the command line, on the fixture graph, as a client would read them."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd
import pyoxigraph
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, Namespace, URIRef

from sahel_kg.app import create_app
from sahel_kg.cli import main
from sahel_kg.exports.registry import EXPORTS
from sahel_kg.store.backend import EmbeddedBackend
from support.apps import make_client, remote_settings
from support.project_data import select

SHG = "https://w3id.org/sahel-harm/ontology/"
INCIDENT = "aghazar-killings"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCT = Namespace("http://purl.org/dc/terms/")


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def incidents(store: pyoxigraph.Store) -> set[str]:
    return {r["i"] for r in select(store, f"SELECT ?i WHERE {{ ?i a <{SHG}Incident> }}")}


def claims_about(store: pyoxigraph.Store, slug: str) -> set[str]:
    iri = f"https://w3id.org/sahel-harm/id/incident/{slug}"
    return {r["c"] for r in select(store, f"SELECT ?c WHERE {{ ?c a <{SHG}Claim> ; <{SHG}about> <{iri}> }}")}


@pytest.mark.parametrize("name", list(EXPORTS))
def test_each_export_is_served_as_csv_with_one_row_per_incident_or_claim(
        client: TestClient, store: pyoxigraph.Store, name: str) -> None:
    r = client.get(f"/exports/{EXPORTS[name].filename}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert EXPORTS[name].filename in r.headers["content-disposition"]
    rows = rows_of(r.text)
    frame = pd.read_csv(io.StringIO(r.text), dtype=str, keep_default_na=False)
    assert len(frame) == len(rows)
    key = {"acled": "event_id_cnty", "ucdp-ged": "id", "claims": "incident"}[name]
    assert {row[key] for row in rows} <= incidents(store)
    if name != "claims":
        assert sorted(row[key] for row in rows) == sorted(incidents(store))


def test_an_incidents_csv_has_one_row_per_claim_about_it(client: TestClient, store: pyoxigraph.Store) -> None:
    r = client.get(f"/id/incident/{INCIDENT}.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = rows_of(r.text)
    assert claims_about(store, INCIDENT) and sorted(row["claim"] for row in rows) == sorted(claims_about(store, INCIDENT))


def test_accept_text_csv_on_the_incident_iri_gives_the_same_table(client: TestClient) -> None:
    negotiated = client.get(f"/id/incident/{INCIDENT}", headers={"Accept": "text/csv"})
    assert negotiated.status_code == 200 and negotiated.headers["content-type"].startswith("text/csv")
    assert "Accept" in negotiated.headers["vary"]
    assert negotiated.headers["content-location"].endswith(f"/id/incident/{INCIDENT}.csv")
    assert negotiated.text == client.get(f"/id/incident/{INCIDENT}.csv").text
    links = negotiated.headers["link"]
    assert f'/id/incident/{INCIDENT}.csv>; rel="alternate"; type="text/csv"' in links
    turtle = client.get(f"/id/incident/{INCIDENT}", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle") and turtle.headers["link"] == links


def test_a_browser_and_a_bare_wildcard_still_get_html_and_turtle(client: TestClient) -> None:
    assert client.get(f"/id/incident/{INCIDENT}", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/turtle")
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert client.get(f"/id/incident/{INCIDENT}", headers={"Accept": browser}).headers["content-type"].startswith("text/html")


def test_an_unknown_incident_as_csv_is_a_404_that_says_so(client: TestClient) -> None:
    for r in (client.get("/id/incident/no-such-incident.csv"),
              client.get("/id/incident/no-such-incident", headers={"Accept": "text/csv"})):
        assert r.status_code == 404 and "no-such-incident" in r.text


def test_csv_of_what_is_not_an_incident_is_a_406_listing_the_formats(client: TestClient) -> None:
    for r in (client.get("/id/place/kossiba.csv"), client.get("/id/place/kossiba", headers={"Accept": "text/csv"})):
        assert r.status_code == 406 and "text/turtle" in r.text and "text/csv" not in r.text.split("served as:")[1]
    r = client.get(f"/id/incident/{INCIDENT}", headers={"Accept": "image/png"})
    assert r.status_code == 406 and "text/csv" in r.text


def test_an_unknown_export_is_a_404_naming_those_there_are(client: TestClient) -> None:
    r = client.get("/exports/nope.csv", headers={"Accept": "text/plain"})
    assert r.status_code == 404 and "acled.csv" in r.text


def test_the_exports_page_links_every_file_and_the_home_and_dumps_pages_link_it(client: TestClient) -> None:
    page = client.get("/exports").text
    assert all(f'href="/exports/{e.filename}"' in page for e in EXPORTS.values())
    assert 'href="/exports"' in client.get("/").text
    assert 'href="/exports"' in client.get("/dumps").text


def test_void_names_each_export_as_a_csv_distribution(client: TestClient) -> None:
    graph = Graph().parse(data=client.get("/.well-known/void.ttl").text, format="turtle")
    dataset = URIRef("https://w3id.org/sahel-harm/.well-known/void#dataset")
    for export in EXPORTS.values():
        url = next(u for u in graph.objects(dataset, DCAT.distribution) if str(u).endswith("/exports/" + export.filename))
        assert (dataset, VOID.dataDump, url) in graph
        assert (url, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/text/csv")) in graph
        assert isinstance(graph.value(url, DCT.description), Literal)


def test_browse_lists_as_csv_and_json_have_the_rows_of_the_html(client: TestClient) -> None:
    html = client.get("/browse/incidents?per_page=50").text
    as_csv = client.get("/browse/incidents?per_page=50&format=csv")
    as_json = client.get("/browse/incidents?per_page=50", headers={"Accept": "application/json"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_json.headers["content-type"].startswith("application/json")
    rows, objects = rows_of(as_csv.text), json.loads(as_json.text)
    assert len(rows) == len(objects) == html.count('<th scope="row">') > 0
    assert [r["Incident"] if "Incident" in r else next(iter(r.values())) for r in rows] == \
           [next(iter(o.values())) for o in objects]
    assert all(v.startswith("http") for r in rows for k, v in r.items() if k.endswith(" url") and v)


def test_a_list_as_csv_or_json_refuses_filters_it_would_ignore(client: TestClient) -> None:
    """The HTML page lists everything with a notice; a program would take everything for the filtered rows."""
    everything = rows_of(client.get("/browse/incidents?format=csv&per_page=200").text)
    for query, said in (("from=2024/99/01", "2024/99/01"), ("regoin=kidal-region", "regoin")):
        for fmt in ("csv", "json"):
            r = client.get(f"/browse/incidents?{query}&format={fmt}&per_page=200")
            assert r.status_code == 400 and said in r.text and r.headers["content-type"].startswith("text/plain")
        html = client.get(f"/browse/incidents?{query}&per_page=200", headers={"Accept": "text/html"})
        assert html.status_code == 200  # the page keeps showing the list, with its notice
    assert everything and len(rows_of(client.get("/browse/incidents?format=csv&from=2000-01-01").text)) <= len(everything)


def test_a_list_as_csv_or_json_pages_by_link_and_ends_with_a_404(client: TestClient) -> None:
    """Following rel="next" from page 1 reads every row once; a page past the last is not page 1 again."""
    everything = rows_of(client.get("/browse/incidents?format=csv&per_page=200").text)
    url: str | None = "/browse/incidents?format=csv&per_page=2"
    paged: list[dict[str, str]] = []
    while url:
        r = client.get(url)
        assert r.status_code == 200
        paged += rows_of(r.text)
        nxt = re.search(r'<([^>]*)>; rel="next"', r.headers.get("link", ""))
        url = nxt.group(1) if nxt else None
        assert len(paged) <= len(everything)
    assert paged == everything and len(everything) > 2
    past = client.get(f"/browse/incidents?format=json&per_page=2&page={len(everything)}")
    assert past.status_code == 404 and "there is no page" in past.text


@pytest.mark.parametrize("name", ["incidents", "actors", "places", "sources", "claims"])
def test_every_page_of_a_list_has_the_same_columns(client: TestClient, name: str) -> None:
    """Pages read one by one and put together (pd.concat) line up: a link column is there even on a page
    whose rows have nothing to link to (a country is within nothing)."""
    whole = client.get(f"/browse/{name}?format=csv&per_page=200")
    header = next(csv.reader(io.StringIO(whole.text, newline="")))
    count = len(rows_of(whole.text))
    for page in range(1, count + 1):
        one = client.get(f"/browse/{name}?format=csv&per_page=1&page={page}")
        assert next(csv.reader(io.StringIO(one.text, newline=""))) == header, f"page {page}"
        (obj,) = json.loads(client.get(f"/browse/{name}?format=json&per_page=1&page={page}").text)
        assert list(obj) == header


@pytest.mark.parametrize("path", ["/", "/browse", "/browse/incidents", "/browse/incidents?format=csv",
                                  "/browse/places?format=json", "/search?q=kossiba", "/search?q=kossiba&format=csv"])
def test_head_of_a_list_or_search_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    """A link checker's or curl -I's HEAD: the GET's status and type, not a 405."""
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers.get("content-disposition") == get.headers.get("content-disposition")


def test_search_results_as_json_and_csv(client: TestClient) -> None:
    found = json.loads(client.get("/search?q=kossiba&format=json").text)
    assert found and all(o["iri"].startswith("https://w3id.org/sahel-harm/") for o in found)
    assert len(rows_of(client.get("/search?q=kossiba", headers={"Accept": "text/csv"}).text)) == len(found)


def test_a_format_no_list_serves_is_a_406(client: TestClient) -> None:
    for path in ("/browse/incidents?format=xlsx", "/search?q=mali&format=xml"):
        r = client.get(path, headers={"Accept": "text/plain"})
        assert r.status_code == 406 and "format=csv" in r.text


def test_the_command_writes_the_same_bytes_as_the_server(client: TestClient, fixture_root: Path, store_pointer: Path,
                                                          tmp_path: Path) -> None:
    for name, export in EXPORTS.items():
        out = tmp_path / export.filename
        assert main(["--root", str(fixture_root), "export", name, "--store", str(store_pointer), "--out", str(out)]) == 0
        assert out.read_bytes() == client.get(f"/exports/{export.filename}").content


def test_the_command_says_to_build_first_when_there_is_no_store(fixture_root: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(fixture_root), "export", "acled", "--store", str(tmp_path / "none")]) == 2
    assert "sahel-kg build" in capsys.readouterr().err


def test_an_export_over_a_store_that_cannot_be_reached_is_a_5xx_not_an_empty_200() -> None:
    app = create_app(remote_settings("http://127.0.0.1:1/sparql"))
    with TestClient(app, raise_server_exceptions=False) as down:
        for export in EXPORTS.values():
            r = down.get(f"/exports/{export.filename}")
            assert r.status_code in (502, 503) and "store" in r.text
            assert not r.headers["content-type"].startswith("text/csv")


def test_the_command_says_why_it_cannot_write_out_without_a_traceback(
        fixture_root: Path, store_pointer: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for out, said in ((tmp_path / "missing" / "acled.csv", "no folder"), (tmp_path, "is a folder")):
        assert main(["--root", str(fixture_root), "export", "acled", "--store", str(store_pointer),
                     "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert said in err and str(out.parent if said == "no folder" else out) in err and "Traceback" not in err


def test_a_store_failing_mid_export_leaves_the_earlier_file_whole(
        fixture_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "acled.csv"
    out.write_text("an earlier export\n", encoding="utf-8")
    code = main(["--root", str(fixture_root), "export", "acled", "--store-url", "http://127.0.0.1:1/sparql",
                 "--out", str(out)])
    assert code == 1 and "did not answer" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "an earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acled.csv"]  # no partial file left behind


def test_the_incident_page_offers_its_claims_as_csv_and_other_pages_do_not(client: TestClient) -> None:
    page = client.get(f"/id/incident/{INCIDENT}", headers={"Accept": "text/html"}).text
    assert re.search(rf'<a href="[^"]*/id/incident/{INCIDENT}\.csv" rel="alternate" type="text/csv">', page)
    assert 'type="text/csv"' not in client.get("/id/place/kossiba", headers={"Accept": "text/html"}).text


def test_a_long_export_is_not_cut_by_the_page_deadline(store: pyoxigraph.Store) -> None:
    """A page deadline far shorter than the export: the file still comes whole, while a page is stopped."""
    with make_client(store, page_timeout=1e-6) as short:
        r = short.get("/exports/claims.csv")
        whole = "".join(EXPORTS["claims"].write(EmbeddedBackend(store)))
        assert r.status_code == 200 and r.text == whole
        assert short.get("/browse/incidents").status_code == 503
