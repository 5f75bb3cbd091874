"""The computed summaries as a user meets them over HTTP, on the fixture graph's built store.

The incident page opens with the summary's line, labelled as computed,
linked to the claims table and to the rules; the summary's IRI and the
rules' IRIs dereference (HTML, Turtle, JSON-LD); /browse filters incidents by
their computed grade. The figures the line must show are computed here from
the claims (SPARQL over the curated graphs only), never pinned.
"""

from __future__ import annotations

import pyoxigraph
import pytest
import rdflib
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from sahel_kg.namespaces import BASE

ID = BASE + "id/"
SHG = BASE + "ontology/"
DERIVED = BASE + "graph/derived"
INCIDENT = "aghazar-killings"


def text(node: object) -> str:
    return " ".join(node.get_text(" ").split())  # type: ignore[attr-defined]


def html(client: TestClient, path: str) -> BeautifulSoup:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, (path, response.status_code)
    return BeautifulSoup(response.text, "html.parser")


def killed_figures(store: pyoxigraph.Store, incident: str) -> list[tuple[int, int | None]]:
    """(floor, ceiling) of the incident's non-subtotal killed counts with a figure, from the claims only."""
    query = f"""PREFIX shg: <{SHG}> SELECT ?c ?q ?low ?best ?high WHERE {{
      GRAPH ?g {{ ?claim shg:about <{ID}incident/{incident}> ; shg:count ?c . ?c shg:countType ?t .
        FILTER(STRENDS(STR(?t), "/killed")) FILTER NOT EXISTS {{ ?c shg:subtotal true }}
        OPTIONAL {{ ?c shg:countQualifier ?q }} OPTIONAL {{ ?c shg:low ?low }} OPTIONAL {{ ?c shg:best ?best }}
        OPTIONAL {{ ?c shg:high ?high }} }} FILTER(?g != <{DERIVED}>) }}"""
    found = []
    for r in store.query(query):
        low, best, high = (int(r[k].value) if r[k] is not None else None for k in ("low", "best", "high"))
        floor = low if low is not None else best
        closed = r["q"] is not None and r["q"].value.rsplit("/", 1)[-1] in ("exact", "approximately")
        ceiling = high if high is not None else best if closed else None
        if floor is not None:
            found.append((floor, ceiling))
    return found


def test_the_incident_page_opens_with_the_computed_line(client: TestClient, store: pyoxigraph.Store) -> None:
    soup = html(client, f"/id/incident/{INCIDENT}")
    header = soup.find("article").find("header")
    # the first paragraph after the title and its IRI
    first = header.find("h1").find_next_sibling("p", class_=lambda c: c != "iri")
    assert "summary-line" in first.get("class", [])
    line = text(first)
    assert line.startswith("computed Claimed killed:")
    figures = killed_figures(store, INCIDENT)
    assert figures  # the fixture's incident has figures
    lowest = min(f for f, _ in figures)
    tops = [(c if c is not None else f, c is None) for f, c in figures]
    highest = max(t for t, _ in tops)
    open_top = any(is_open and t == highest for t, is_open in tops)
    assert f"Claimed killed: {lowest} to {'at least ' if open_top else ''}{highest}," in line
    # linked to the claims it summarises: an anchor on this page, the heading of the comparison table
    anchor = first.find("a")["href"]
    assert anchor.startswith("#") and soup.find(id=anchor[1:]) is not None
    assert soup.find(id=anchor[1:]).find_parent("section", class_="comparison") is not None


def test_the_line_links_to_its_rules_and_they_show_their_sparql(client: TestClient) -> None:
    line = html(client, f"/id/incident/{INCIDENT}").find(class_="summary-line")
    rules = [a["href"] for a in line.select(".computed-by a") if "/ontology/rule/" in a["href"]]
    assert rules
    for href in rules:
        page = html(client, href.replace("http://localhost:8000", "").replace("http://testserver", ""))
        assert "Derivation rule" in text(page) and "CONSTRUCT" in text(page.find("pre", class_="sparql"))


def test_the_summary_iri_dereferences_as_html_turtle_and_json_ld(client: TestClient) -> None:
    path = f"/id/summary/{INCIDENT}"
    page = html(client, path)
    assert "computed" in text(page.find(class_="caution")).lower()
    subject = rdflib.URIRef(ID + f"summary/{INCIDENT}")
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
        g = rdflib.Graph().parse(data=response.text, format=fmt)
        assert (subject, rdflib.URIRef(SHG + "summarises"), rdflib.URIRef(ID + f"incident/{INCIDENT}")) in g
        runs = list(g.objects(subject, rdflib.URIRef("http://www.w3.org/ns/prov#wasGeneratedBy")))
        assert runs and all(str(r).startswith(ID + "build/") for r in runs)


def test_rules_are_listed_on_the_ontology_page(client: TestClient) -> None:
    soup = html(client, "/ontology")
    section = soup.find(id="r-h").find_parent("section")
    assert {a.get_text() for a in section.select("dt a")} >= {"Grade of an incident, after Airwars' grading, computed from the claims"}


@pytest.mark.parametrize("grade", ["confirmed", "fair", "weak", "contested", "discounted"])
def test_browse_by_grade_lists_exactly_the_incidents_of_that_grade(client: TestClient, store: pyoxigraph.Store,
                                                                   grade: str) -> None:
    expected = {r["i"].value for r in store.query(f"""PREFIX shg: <{SHG}> SELECT ?i WHERE {{ GRAPH <{DERIVED}> {{
        ?s shg:summarises ?i ; shg:grade <{BASE}vocab/grade/{grade}> }} }}""")}
    soup = html(client, f"/browse/incidents?grade={grade}")
    listed = {a["href"].rsplit("/id/", 1)[1] for a in soup.select("table tbody tr th a, table tbody tr td:first-child a")
              if "/id/incident/" in a["href"]}
    assert listed == {i.removeprefix(ID) for i in expected}
    for row in soup.select("table tbody tr"):
        assert grade in text(row) if expected else "Nothing matches" in text(row)


def test_the_line_names_the_grade_in_the_readers_language(client: TestClient, store: pyoxigraph.Store) -> None:
    """The grade is a concept with a label per language: a French page shows the French one."""
    found = list(store.query(f"""SELECT ?fr WHERE {{ GRAPH <{DERIVED}> {{ ?s <{BASE}ontology/summarises>
        <{BASE}id/incident/{INCIDENT}> ; <{BASE}ontology/grade> ?g }}
        ?g <http://www.w3.org/2004/02/skos/core#prefLabel> ?fr FILTER(LANG(?fr) = "fr") }}""",
                             use_default_graph_as_union=True))
    assert found, "the fixture's incident has a graded summary with a French label"
    line = text(html(client, f"/id/incident/{INCIDENT}?lang=fr").find(class_="summary-line"))
    assert " ".join(f"Grade : {found[0]['fr'].value}".split()) in " ".join(line.split()), line
