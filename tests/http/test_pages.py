"""Human-readable pages: every kind of entity, home, browse, search, escaping, offline use.

Over the fixture graph (``tests/fixtures/graph/``): its figures are pinned here
and change only with it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import pyoxigraph
import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sahel_kg.namespaces import BASE
from sahel_kg.pages import render as pages
from sahel_kg.store.backend import GraphBackend
from support.apps import make_client

ID = BASE + "id/"
#: The fixture's incidents, claims and denials (tests/fixtures/graph).
INCIDENTS, CLAIMS, DENIALS = 7, 23, 2
#: An outlet's name in the fixture, and a place's: markup that must be escaped everywhere.
MALICIOUS = "<script>alert('x')</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'


class CountingBackend:
    """Counts the queries a page asks of the backend it wraps (embedded or remote)."""

    def __init__(self, backend: GraphBackend) -> None:
        self.backend, self.queries = backend, 0

    def select(self, sparql: str):  # type: ignore[no-untyped-def]
        self.queries += 1
        return self.backend.select(sparql)

    def construct(self, sparql: str):  # type: ignore[no-untyped-def]
        self.queries += 1
        return self.backend.construct(sparql)

    def ask(self, sparql: str) -> bool:
        self.queries += 1
        return self.backend.ask(sparql)


def page(app: FastAPI, iri: str) -> BeautifulSoup:
    html = pages.entity_page(app.state.backend, app.state.links, iri)
    assert html is not None, iri
    return BeautifulSoup(html, "html.parser")


def text(node: object) -> str:
    return " ".join(node.get_text(" ").split())  # type: ignore[attr-defined]


def row(soup: BeautifulSoup, slug: str) -> BeautifulSoup:
    found = soup.find("tr", id=f"claim-{slug}")
    assert found is not None, slug
    return found


# ---------------------------------------------------------------- incident

@pytest.fixture(scope="module")
def aghazar(app: FastAPI) -> BeautifulSoup:
    return page(app, ID + "incident/aghazar-killings")


def test_incident_identity(aghazar: BeautifulSoup) -> None:
    assert "Killings in Aghazar" in text(aghazar.find("h1"))
    facts = text(aghazar.find("dl", class_="facts"))
    assert "Attack" in facts and "20 June 2024 – 29 June 2024" in facts and "day" in facts
    assert "inferred by curator" in text(aghazar)
    assert "between June 20 and 29" in text(aghazar.find("aside", class_="inferred"))
    chain = [text(li) for li in aghazar.select("nav.chain li")]
    assert chain == ["Zembara", "Tessoura Region", "Aghazar"]


def test_incident_comparison_figures(aghazar: BeautifulSoup) -> None:
    table = aghazar.find("table", class_="claims")
    assert table.find("th", scope="col")
    assert "46" in text(row(aghazar, "ko-aghazar-chief-spokesman-46-executed").find("td", class_="num"))
    assert "at least 60" in text(row(aghazar, "ko-aghazar-observatory-at-least-60"))
    assert "dozens" in text(row(aghazar, "ko-aghazar-accused-of-killing-dozens"))
    spokesman = row(aghazar, "ko-aghazar-chief-spokesman-46-executed")
    who = text(spokesman.find("th")) + " " + text(spokesman.find("td", class_="speaking-as"))  # the name, then as whom
    assert "Tayeb Ag Imizdar" in who and "village chief of Aghazar" in who and "The Kossiba Observer" in who
    assert "spoke on behalf of" in who and "relayed by" in who
    assert "Zembaran Armed Forces" in text(spokesman) and "execution" in text(spokesman) and "civilians" in text(spokesman)
    assert any("executed 46 civilians, including elderly men and shepherds" in text(q) for q in spokesman.find_all("blockquote"))


def test_incident_disclaimer_beside_what_it_answers(aghazar: BeautifulSoup) -> None:
    rows = aghazar.select("table.claims tbody tr")
    ids = [r["id"] for r in rows]
    disclaimer = row(aghazar, "ko-aghazar-army-spokesman-no-knowledge")
    assert "response" in disclaimer["class"]
    assert "disclaims knowledge" in text(disclaimer) and "Zéphirin Okolobé" in text(disclaimer)
    assert "Zembaran Armed Forces" in text(disclaimer.find("td", class_="speaking-as"))  # the speaker's affiliation
    answered = {a["href"] for a in disclaimer.select(".answers a")}
    assert answered == {"#claim-ko-aghazar-chief-spokesman-46-executed", "#claim-ko-aghazar-observatory-at-least-60",
                        "#claim-ko-aghazar-residents-report-killings"}
    # it follows the claims it answers, and they link back to it
    assert ids.index(disclaimer["id"]) > max(ids.index(a.removeprefix("#")) for a in answered)
    assert any("#claim-ko-aghazar-army-spokesman-no-knowledge" == a["href"]
               for a in row(aghazar, "ko-aghazar-observatory-at-least-60").select(".answered-by a"))


def test_incident_sources_and_publishers(app: FastAPI) -> None:
    soup = page(app, ID + "incident/kossiba-market-killings")
    source_cells = " ".join(text(td) for td in soup.select('td[data-label="Source"]'))
    assert "Radio Aghazar" in source_cells and "Samira Oudlane" in source_cells
    combatants = row(soup, "ra-kossiba-security-source-dead-were-combatants")
    assert "combatants" in text(combatants) and "disputes" in text(combatants) and "terroristes" in text(combatants)
    members = row(soup, "ra-kossiba-framework-members-over-30")
    assert "more than 30" in text(members.find("td", class_="num"))
    assert "subtotal" in text(members.find("details", class_="subcounts"))


def test_range_chart(aghazar: BeautifulSoup) -> None:
    svg = aghazar.find("figure", class_="range-chart").find("svg")
    shapes = [g["class"][1] for g in svg.find_all("g", class_="bar")]
    assert sorted(shapes) == ["bar-open", "bar-open", "bar-point"]  # at least 60, dozens, 46
    assert aghazar.find("g", class_="bar-open").find("path", class_="arrow")


def test_range_chart_approximate_marker(app: FastAPI) -> None:
    soup = page(app, ID + "incident/kossiba-market-killings")
    assert soup.select("g.bar-approx path.approx"), "around 30 is drawn as a marker"


def test_incident_map_without_coordinates(aghazar: BeautifulSoup) -> None:
    box = aghazar.find("div", class_="map")
    assert "map-empty" in box["class"] and not box.has_attr("data-lat")
    assert "No coordinates are recorded for Aghazar" in text(aghazar.find("figure", class_="map-figure"))


# ---------------------------------------------------------------- other entities

def test_actor_page_lists_denials(app: FastAPI) -> None:
    soup = page(app, ID + "actor/zembaran-armed-forces")
    assert "FAZ" in text(soup.find("ul", class_="names")) and "state forces" in text(soup.find("dl", class_="facts"))
    denials = text(soup.find("section", class_="denials"))
    assert "vehemently denies" in denials
    sections = {text(s.find("h2")): text(s) for s in soup.find_all("section")}
    accused = next(v for k, v in sections.items() if k.startswith("Claims naming it"))
    assert "at least 60" in accused and "Tessoura Rights Observatory" in accused
    members = next(v for k, v in sections.items() if k.startswith("Claims by people"))
    assert "unfounded" in members and "no prior knowledge" in members


def test_actor_alt_labels(app: FastAPI) -> None:
    soup = page(app, ID + "actor/tessoura-defence-framework")
    names = text(soup.find("ul", class_="names"))
    assert "CDT" in names and "(fr)" in names


def test_place_page_chain_and_incidents_below(app: FastAPI) -> None:
    soup = page(app, ID + "place/tessoura-region")
    assert [text(li) for li in soup.select("nav.chain li")] == ["Zembara", "Tessoura Region"]
    incidents = text(soup.find("table", class_="list"))
    assert "Aghazar" in incidents and "Kossiba market" in incidents and "Timbéra" not in incidents
    assert "Kossiba" in text(soup.find("dl", class_="facts"))  # places within


def test_place_map_with_coordinates(app: FastAPI) -> None:
    soup = page(app, ID + "place/kossiba")
    box = soup.find("div", class_="map")
    assert box["data-lat"] == "16.8831" and box["data-lon"] == "-2.4512"
    assert "16.8831° N" in text(box) and "2.4512° W" in text(box)


def test_place_falls_back_to_containing_map(app: FastAPI) -> None:
    soup = page(app, ID + "place/timbera")
    box = soup.find("div", class_="map")
    assert box["data-lat"] == "13.4375" and box["data-lon"] == "-5.125"
    assert "No coordinates are recorded for Timbéra; the map shows Ségala Region" in text(soup.find("figure", class_="map-figure"))
    assert "map-empty" in page(app, ID + "place/tessoura-region").find("div", class_="map")["class"]


def test_source_page(app: FastAPI) -> None:
    soup = page(app, ID + "source/kossiba-observer-aghazar-killings")
    facts = text(soup.find("dl", class_="facts"))
    assert "The Kossiba Observer" in facts and "fixture-a-kossiba-observer.txt" in facts
    assert "no earlier than 29 June 2024" in facts and "inferred by curator" in facts
    quotes = [text(q) for q in soup.find_all("blockquote")]
    assert any("at least 60 civilians killed" in q for q in quotes)
    assert len(soup.select("table.claims tbody tr")) == 6


def test_source_page_of_a_dated_report(app: FastAPI) -> None:
    facts = text(page(app, ID + "source/tessoura-rights-observatory-drone-report").find("dl", class_="facts"))
    assert "Tessoura Rights Observatory" in facts and "12 November 2024" in facts and "inferred by curator" not in facts


def test_claim_page(app: FastAPI) -> None:
    soup = page(app, ID + "claim/ko-aghazar-chief-spokesman-46-executed")
    facts = text(soup.find("dl", class_="facts"))
    assert "spoke on behalf of village chief of Aghazar" in facts and "relayed by The Kossiba Observer" in facts
    assert "Answered by" in facts and "no prior knowledge" in facts
    assert "46" in facts and "elderly" in facts


def test_event_page(app: FastAPI) -> None:
    soup = page(app, ID + "event/alleged-abuses-by-zembaran-forces")
    assert "Incident series" in text(soup.find("p", class_="kind"))
    assert soup.find("tr", id="claim-ho-army-denies-abuses")
    assert soup.find("tr", id="claim-tro-timbera-around-10-children")  # alleged part of the series


def test_class_page_counts_instances(app: FastAPI) -> None:
    soup = page(app, BASE + "ontology/Incident")
    assert text(soup.find("strong", class_="instance-count")) == str(INCIDENTS)
    assert "sem:Event" in text(soup) and "possibly same incident as" in text(soup.find("dl", class_="facts"))
    actor = page(app, BASE + "ontology/Actor")
    assert "Person" in text(actor.find("dl", class_="facts"))


def test_property_page(app: FastAPI) -> None:
    soup = page(app, BASE + "ontology/respondsTo")
    facts = text(soup.find("dl", class_="facts"))
    used = app.state.backend.select(f"SELECT (COUNT(*) AS ?n) {{ ?s <{BASE}ontology/respondsTo> ?o }}")[0]["n"].value
    assert "Claim" in facts and text(soup.find("strong", class_="usage-count")) == used


def test_ontology_page(app: FastAPI) -> None:
    soup = page(app, BASE + "ontology")
    assert "0.1.0" in text(soup) and "Incident" in text(soup.find("dl", class_="terms"))


def test_scheme_and_concept_pages(app: FastAPI) -> None:
    scheme = page(app, BASE + "vocab/incident-type")
    assert scheme.select("tr.depth-1") and "Attack" in text(scheme.find("table"))
    concept = page(app, BASE + "vocab/stance/denies")
    facts = text(concept.find("dl", class_="facts"))
    assert "Stance" in facts and int(text(concept.find("strong", class_="usage-count"))) == DENIALS
    attack = page(app, BASE + "vocab/incident-type/attack")
    assert "Violence against civilians" in text(attack.find("dl", class_="facts"))


def test_shape_page(app: FastAPI) -> None:
    soup = page(app, BASE + "shapes/Claim")
    assert "targetClass" in text(soup) and "A claim must name exactly one source document" in text(soup)


def test_unknown_iri_gives_none(app: FastAPI) -> None:
    assert pages.entity_page(app.state.backend, app.state.links, ID + "place/atlantis") is None  # type: ignore[arg-type]
    assert pages.entity_page(app.state.backend, app.state.links, "http://example.org/x") is None  # type: ignore[arg-type]


def test_not_found_and_gone(app: FastAPI) -> None:
    soup = BeautifulSoup(pages.not_found_page(app.state.links, ID + "place/tessoura-regoin"), "html.parser")  # type: ignore[arg-type]
    assert ID + "place/tessoura-regoin" in text(soup.find("code", class_="asked"))
    assert soup.find("input", id="nf-q")["value"] == "tessoura regoin"
    assert soup.find("a", href="/browse/incidents")
    gone = BeautifulSoup(pages.gone_page(app.state.links, ID + "place/kossiba-town", ID + "place/kossiba"), "html.parser")  # type: ignore[arg-type]
    assert gone.select_one(".replacement a")["href"].endswith("/id/place/kossiba")


@pytest.mark.parametrize("iri,limit", [
    (ID + "incident/aghazar-killings", 7), (ID + "actor/zembaran-armed-forces", 5),
    (ID + "place/tessoura-region", 6), (ID + "source/radio-aghazar-kossiba-market", 5),
    (ID + "claim/ra-kossiba-approximately-30-killed", 5), (BASE + "ontology/Claim", 6),
    (BASE + "vocab/stance", 4), (BASE + "shapes/Claim", 5),
])
def test_few_queries_per_page(app: FastAPI, iri: str, limit: int) -> None:
    backend = CountingBackend(app.state.backend)
    assert pages.entity_page(backend, app.state.links, iri) is not None  # type: ignore[arg-type]
    assert backend.queries <= limit


# ---------------------------------------------------------------- head, markup, escaping, offline

def test_head_has_canonical_and_alternates(aghazar: BeautifulSoup) -> None:
    assert aghazar.find("html")["lang"] == "en"
    assert aghazar.find("meta", attrs={"name": "viewport"})
    url = aghazar.find("link", rel="canonical")["href"]
    assert url == "http://localhost:8000/id/incident/aghazar-killings"
    alternates = {link["type"]: link["href"] for link in aghazar.find_all("link", rel="alternate")}
    assert alternates == {"text/turtle": url + ".ttl", "application/ld+json": url + ".jsonld",
                          "application/n-triples": url + ".nt", "application/rdf+xml": url + ".rdf",
                          "text/csv": url + ".csv"}  # an incident's claims as a table
    for tag in ("header", "nav", "main", "article"):
        assert aghazar.find(tag), tag
    nav = [text(a) for a in aghazar.find("nav").find_all("a")]
    assert {"Home", "Browse", "Search", "SPARQL"} <= set(nav)


def test_no_external_script_needed(client: TestClient, aghazar: BeautifulSoup) -> None:
    for soup in (aghazar, BeautifulSoup(client.get("/").text, "html.parser")):
        for script in soup.find_all("script"):
            assert not re.match(r"(https?:)?//", script.get("src", "")), script


def unescaped(html: str) -> list[str]:
    """The fixture's markup labels where they appear unescaped in ``html``."""
    return [m for m in (MALICIOUS, "<script>alert", "<img src=x", "<b>Bulletin</b>") if m in html]


@pytest.mark.parametrize("path", ["/search?q=script", "/search?q=img", "/browse/actors", "/browse/incidents",
                                  "/browse/claims", "/browse/places", "/browse/sources", "/"])
def test_malicious_labels_are_escaped_in_lists(client: TestClient, path: str) -> None:
    html = client.get(path).text
    assert unescaped(html) == []
    assert "&lt;script&gt;alert" in html or "&lt;img src=x" in html, "the labels are shown, escaped"


@pytest.mark.parametrize("slug", ["actor/hostile-label-outlet", "incident/kossiba-quarter-looting",
                                  "claim/ho-kossiba-quarter-looting", "place/hostile-label-quarter",
                                  "place/kossiba", "source/hostile-outlet-vehicle-executions",
                                  "incident/northern-zembara-vehicle-executions"])
def test_malicious_labels_are_escaped_on_entity_pages(app: FastAPI, client: TestClient, slug: str) -> None:
    html = pages.entity_page(app.state.backend, app.state.links, ID + slug)  # type: ignore[arg-type]
    assert html and unescaped(html) == [], slug
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("img") and all(s.get("src") for s in soup.find_all("script"))
    assert MALICIOUS in text(soup) or BREAKOUT in text(soup), "the label is shown as text"
    assert unescaped(client.get("/id/" + slug, headers={"accept": "text/html"}).text) == []


def test_a_markup_name_is_the_heading_as_text(app: FastAPI) -> None:
    assert text(page(app, ID + "actor/hostile-label-outlet").find("h1")) == MALICIOUS
    assert text(page(app, ID + "place/hostile-label-quarter").find("h1")) == BREAKOUT


# ---------------------------------------------------------------- home, search, browse

def test_home(client: TestClient) -> None:
    soup = BeautifulSoup(client.get("/").text, "html.parser")
    stats = {text(li) for li in soup.select("ul.stats li")}
    assert f"{INCIDENTS} incidents" in stats and f"{CLAIMS} claims" in stats
    assert soup.select("figure.timeline svg g.span") and soup.find("form", action="/search")
    examples = [a["href"] for a in soup.select("ul.examples-list a")]
    assert examples and all(h.startswith("/query?query=") for h in examples)
    assert client.get(examples[0]).status_code == 200
    hrefs = {a["href"] for a in soup.find_all("a")}
    assert {"/.well-known/void", "/sparql", "/query"} <= hrefs


def search(client: TestClient, q: str) -> list[str]:
    soup = BeautifulSoup(client.get("/search", params={"q": q}).text, "html.parser")
    return [a["href"] for a in soup.select("ol.results > li > a")]


@pytest.mark.parametrize("q,expected", [
    ("segala", "/id/place/segala-region"), ("SÉGALA", "/id/place/segala-region"),
    ("okolobe", "/id/actor/zephirin-okolobe"), ("Okolobé", "/id/actor/zephirin-okolobe"),
    ("CDT", "/id/actor/tessoura-defence-framework"), ("faz", "/id/actor/zembaran-armed-forces"),
    ("aghazar killings", "/id/incident/aghazar-killings"), ("أغازار", "/id/place/aghazar"),
    ("drone strikes in the", "/id/source/tessoura-rights-observatory-drone-report"),
    ("seg reg", "/id/place/segala-region"), ("OKOL zeph", "/id/actor/zephirin-okolobe"),
    ("défense tessoura", "/id/actor/tessoura-defence-framework"),
])
def test_search(client: TestClient, q: str, expected: str) -> None:
    assert any(h.endswith(expected) for h in search(client, q)), q


def test_search_shows_matched_alt_label(client: TestClient) -> None:
    soup = BeautifulSoup(client.get("/search", params={"q": "CDT-PF"}).text, "html.parser")
    first = soup.select_one("ol.results > li")
    assert first.a["href"].endswith("/id/actor/tessoura-defence-framework") and "CDT-PF" in text(first.find(class_="matched"))


def test_search_empty_and_nothing(client: TestClient) -> None:
    assert client.get("/search").status_code == 200
    assert search(client, "zzzzqqq") == []
    assert search(client, "egala") == [], "a word matches the beginning of a word, not its middle"


def test_search_leaves_claims_to_their_incidents(client: TestClient) -> None:
    assert not [h for h in search(client, "aghazar") if "/id/claim/" in h]
    assert any(h.endswith("/id/incident/aghazar-killings") for h in search(client, "aghazar"))


def browse(client: TestClient, path: str, **params: object) -> BeautifulSoup:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def names(soup: BeautifulSoup) -> list[str]:
    return [text(th) for th in soup.select("table.list tbody th[scope=row]")]


def test_browse_incidents_filters(client: TestClient) -> None:
    assert len(names(browse(client, "/browse/incidents"))) == INCIDENTS
    tessoura = names(browse(client, "/browse/incidents", region="tessoura-region"))
    assert len(tessoura) == 3 and all("Aghazar" in n or "Kossiba" in n for n in tessoura)
    drones = names(browse(client, "/browse/incidents", type="explosions-remote-violence"))
    assert len(drones) == 3 and all("rone" in n for n in drones)
    june = names(browse(client, "/browse/incidents", **{"from": "2024-06-01", "to": "2024-06-30"}))
    assert any("Aghazar" in n for n in june) and not any("Kossiba market" in n for n in june)
    soup = browse(client, "/browse/incidents", region="x> } #")
    assert soup.find("p", class_="error")


def test_browse_actors_category_and_paging(client: TestClient) -> None:
    media = names(browse(client, "/browse/actors", category="news-media"))
    assert "Radio Aghazar" in media and "Zembaran Armed Forces" not in media
    first = browse(client, "/browse/actors", per_page=10)
    second = browse(client, "/browse/actors", per_page=10, page=2)
    assert len(names(first)) == 10 and not set(names(first)) & set(names(second))
    assert first.find("a", rel="next")["href"] == "/browse/actors?page=2&per_page=10"
    assert second.find("a", rel="prev")


def test_browse_claims_default_pages(client: TestClient) -> None:
    first, second = browse(client, "/browse/claims"), browse(client, "/browse/claims", page=2)
    assert len(names(first)) == 20 and len(names(second)) == CLAIMS - 20
    assert first.find("a", rel="next")["href"] == "/browse/claims?page=2" and not second.find("a", rel="next")
    assert not set(names(first)) & set(names(second))


@pytest.mark.parametrize("name", ["places", "sources", "claims"])
def test_other_lists(client: TestClient, name: str) -> None:
    assert names(browse(client, f"/browse/{name}"))
    assert client.get("/browse/nothing").status_code == 404


def test_browse_claims_by_stance(client: TestClient) -> None:
    denials = names(browse(client, "/browse/claims", stance="denies"))
    assert len(denials) == DENIALS


def test_query_page_still_works(client: TestClient) -> None:
    soup = BeautifulSoup(client.get("/query").text, "html.parser")
    assert soup.find("textarea", id="query") and soup.find("a", href="/browse")


# ---------------------------------------------------------------- bounded lists

def crowded_store() -> pyoxigraph.Store:
    """One actor that made 120 claims in one source about 60 incidents in one place, and is accused in 30."""
    lines = ["@prefix shg: <https://w3id.org/sahel-harm/ontology/> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix prov: <http://www.w3.org/ns/prov#> .",
             "@prefix sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> .",
             "@prefix geo: <http://www.opengis.net/ont/geosparql#> .",
             "@prefix dct: <http://purl.org/dc/terms/> .",
             "shg:Organisation rdfs:subClassOf shg:Actor .",
             f'<{ID}actor/army> a shg:Organisation ; rdfs:label "The Army"@en .',
             f'<{ID}actor/group> a shg:Organisation ; rdfs:label "The Group"@en .',
             f'<{ID}source/bulletin> a shg:SourceDocument ; dct:title "Bulletin" .',
             f'<{ID}place/land> a shg:Place ; rdfs:label "Land"@en .',
             f'<{ID}place/town> a shg:Place ; rdfs:label "Town"@en ; geo:sfWithin <{ID}place/land> .']
    for n in range(60):
        lines.append(f'<{ID}incident/i{n:03d}> a shg:Incident ; rdfs:label "Incident {n:03d}"@en ; sem:hasPlace <{ID}place/town> .')
    for n in range(120):
        accused = f" ; shg:allegedPerpetrator <{ID}actor/group>" if n < 30 else ""
        lines.append(f'<{ID}claim/c{n:03d}> a shg:Claim ; rdfs:label "Claim {n:03d}"@en ; prov:wasAttributedTo <{ID}actor/army> ; '
                     f'prov:wasDerivedFrom <{ID}source/bulletin> ; shg:about <{ID}incident/i{n % 60:03d}>{accused} .')
    store = pyoxigraph.Store()
    store.load("\n".join(lines).encode(), format=pyoxigraph.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="module")
def crowded_client() -> TestClient:
    with make_client(crowded_store()) as c:
        yield c


def follow(client: TestClient, href: str, **params: object) -> BeautifulSoup:
    """The browse page a "more" link names (its own query string kept), perhaps with more parameters."""
    path, _, query = href.partition("?")
    return browse(client, path, **dict(parse_qsl(query)), **params)


def section(soup: BeautifulSoup, heading: str) -> BeautifulSoup:
    found = next((s for s in soup.find_all("section") if text(s.find("h2")).startswith(heading)), None)
    assert found is not None, heading
    return found


@pytest.mark.embedded_only(reason="its crowded data lives in an in-memory store of its own")
def test_actor_page_shows_counts_a_first_page_and_a_working_more_link(crowded_client: TestClient) -> None:
    backend = CountingBackend(crowded_client.app.state.backend)
    html = pages.entity_page(backend, crowded_client.app.state.links, ID + "actor/army")  # type: ignore[arg-type]
    assert html is not None and backend.queries <= 5
    made = section(BeautifulSoup(html, "html.parser"), "Claims it made")
    assert "(120)" in text(made.find("h2"))
    shown = [text(a) for a in made.select("ul.claim-list > li > a")]
    assert len(shown) == 20 and shown == sorted(shown)
    more = made.select_one("p.more a")["href"]
    assert more == "/browse/claims?speaker=army"
    listed = follow(crowded_client, more, per_page=200)
    assert "(120)" in text(listed.find("h1")) and len(names(listed)) == 120


@pytest.mark.embedded_only(reason="its crowded data lives in an in-memory store of its own")
def test_actor_page_accused_list_links_to_perpetrator_filter(crowded_client: TestClient) -> None:
    soup = BeautifulSoup(pages.entity_page(crowded_client.app.state.backend, crowded_client.app.state.links, ID + "actor/group"), "html.parser")  # type: ignore[arg-type]
    accused = section(soup, "Claims naming it")
    assert "(30)" in text(accused.find("h2")) and len(accused.select("ul.claim-list > li")) == 20
    listed = follow(crowded_client, accused.select_one("p.more a")["href"])
    assert "(30)" in text(listed.find("h1"))


@pytest.mark.embedded_only(reason="its crowded data lives in an in-memory store of its own")
def test_source_and_place_pages_are_bounded(crowded_client: TestClient) -> None:
    source = BeautifulSoup(pages.entity_page(crowded_client.app.state.backend, crowded_client.app.state.links, ID + "source/bulletin"), "html.parser")  # type: ignore[arg-type]
    claims = section(source, "Claims it carries")
    assert "(120)" in text(claims.find("h2")) and len(claims.select("table.claims tbody tr")) == 50
    assert claims.select_one("p.more a")["href"] == "/browse/claims?source=bulletin"
    place = BeautifulSoup(pages.entity_page(crowded_client.app.state.backend, crowded_client.app.state.links, ID + "place/land"), "html.parser")  # type: ignore[arg-type]
    incidents = section(place, "Incidents")
    assert "(60)" in text(incidents.find("h2")) and len(incidents.select("table.list tbody tr")) == 50
    more = incidents.select_one("p.more a")["href"]
    assert more == "/browse/incidents?region=land"
    assert "(60)" in text(follow(crowded_client, more).find("h1"))


@pytest.mark.embedded_only(reason="its crowded data lives in an in-memory store of its own")
def test_long_browse_list_is_paged_in_store_order(crowded_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from sahel_kg.pages import lists as listing
    monkeypatch.setattr(listing, "SORT_CAP", 100)
    first = browse(crowded_client, "/browse/claims", per_page=50)
    assert "more than 100" in text(first.find("h1")) and len(names(first)) == 50
    third = browse(crowded_client, "/browse/claims", per_page=50, page=3)
    assert len(names(third)) == 20 and not third.find("a", rel="next")
    assert not set(names(first)) & set(names(third))


# ---------------------------------------------------------------- dereferenced pages, per-store memory

INCIDENT = ID + "incident/aghazar-killings"


def claim_figures(soup: BeautifulSoup) -> list[tuple[str, int, bool]]:
    """Each claim row of a comparison: its anchor, its largest killed figure (-1: none), whether it answers others."""
    found = []
    for tr in soup.select("table.claims tbody tr"):
        figures = [int(n) for n in re.findall(r"\b(?:low|best|high) (\d+)", text(tr.find("td", class_="num")))]
        found.append((tr["id"], max(figures, default=-1), "response" in tr["class"]))
    return found


def test_dereferenced_incident_page_is_the_page_built_alone(client: TestClient, app: FastAPI) -> None:
    """The HTML branch builds the page from the description it read; the result is the same page."""
    served = BeautifulSoup(client.get("/id/incident/aghazar-killings", headers={"accept": "text/html"}).text,
                           "html.parser")
    alone = page(app, INCIDENT)
    assert str(served.find("main")) == str(alone.find("main"))


def test_incident_page_shows_every_claim_in_comparison_order(client: TestClient, app: FastAPI) -> None:
    soup = BeautifulSoup(client.get("/id/incident/aghazar-killings", headers={"accept": "text/html"}).text,
                         "html.parser")
    claims = {r["c"].value for r in app.state.backend.select(
        f"SELECT DISTINCT ?c WHERE {{ {{ ?c <{BASE}ontology/about> <{INCIDENT}> }} UNION "
        f"{{ ?a <{BASE}ontology/about> <{INCIDENT}> . ?c <{BASE}ontology/respondsTo> ?a }} }}")}
    rows = claim_figures(soup)
    assert sorted(anchor for anchor, _, _ in rows) == sorted("claim-" + c.rsplit("/", 1)[1] for c in claims)
    figures = [figure for _, figure, response in rows if not response]
    assert figures == sorted(figures, reverse=True) and figures[0] == 60, "largest figure first"
    assert [anchor.removeprefix("claim-ko-aghazar-") for anchor, _, _ in rows] == [
        "observatory-at-least-60", "chief-spokesman-46-executed", "accused-of-killing-dozens",
        "residents-report-killings", "army-spokesman-no-knowledge"], "the disclaimer after the last claim it answers"
    assert f"What each source says ({len(claims)} claims)" in text(soup.find("h2", id="claims-h"))


def test_dereferenced_incident_page_asks_few_queries(client: TestClient, app: FastAPI) -> None:
    """Description, claims and what concerns the incident, their facts; labels and places once per store."""
    backend = app.state.backend
    counting = app.state.backend = CountingBackend(backend)
    try:
        assert client.get("/id/incident/kossiba-market-killings", headers={"accept": "text/html"}).status_code == 200
        assert counting.queries <= 6
        counting.queries = 0
        assert client.get("/id/incident/kossiba-market-killings", headers={"accept": "text/html"}).status_code == 200
        assert counting.queries == 3, "labels and the place chain are remembered"
        counting.queries = 0
        assert client.get("/id/incident/kossiba-market-killings.ttl").status_code == 200
        assert counting.queries == 2, "the Turtle description reads its labels itself"
    finally:
        app.state.backend = backend


def labelled_store(place_label: str, incidents: int = 1) -> pyoxigraph.Store:
    """A tiny store: incidents at one place, whose label is given."""
    lines = ["@prefix shg: <https://w3id.org/sahel-harm/ontology/> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> .",
             "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
             f'<{ID}place/p> a shg:Place ; rdfs:label "{place_label}"@en .']
    for n in range(incidents):
        lines.append(f'<{ID}incident/i{n}> a shg:Incident ; rdfs:label "Incident {n}"@en ; sem:hasPlace <{ID}place/p> ; '
                     f'sem:hasEarliestBeginTimeStamp "2024-01-{n + 1:02d}"^^xsd:date .')
    store = pyoxigraph.Store()
    store.load("\n".join(lines).encode(), format=pyoxigraph.RdfFormat.TURTLE)
    return store


@pytest.mark.embedded_only(reason="two small stores of its own, in memory")
def test_labels_and_places_are_remembered_per_store() -> None:
    with make_client(labelled_store("Alpha")) as alpha, make_client(labelled_store("Beta")) as beta:
        for client, shown, other in ((alpha, "Alpha", "Beta"), (beta, "Beta", "Alpha"), (alpha, "Alpha", "Beta")):
            html = client.get("/id/incident/i0", headers={"accept": "text/html"}).text
            where = text(BeautifulSoup(html, "html.parser").find("dl", class_="facts"))
            assert shown in where and other not in where


@pytest.mark.embedded_only(reason="two small stores of its own, in memory")
def test_home_figures_are_remembered_per_store() -> None:
    from sahel_kg.links import Links
    from sahel_kg.pages import lists as listing
    from sahel_kg.store.backend import EmbeddedBackend

    links = Links("http://localhost:8000/")
    one, three = EmbeddedBackend(labelled_store("P", 1)), EmbeddedBackend(labelled_store("P", 3))
    for backend, incidents in ((one, 1), (three, 3), (one, 1)):
        counting = CountingBackend(backend)
        view = listing.home_view(counting, links)  # type: ignore[arg-type]
        assert view.stats[0].count == incidents and len(view.incidents) == incidents
    counting = CountingBackend(three)
    listing.home_view(counting, links)  # type: ignore[arg-type]
    assert counting.queries == 0, "read once per store"
    with make_client(labelled_store("P", 2)) as client:
        soup = BeautifulSoup(client.get("/").text, "html.parser")
        assert "2 incidents" in {text(li) for li in soup.select("ul.stats li")}


def test_latest_incidents_without_sorting_them_all(app: FastAPI) -> None:
    from sahel_kg.pages import lists as listing

    backend = app.state.backend
    start = "<http://semanticweb.cs.vu.nl/2009/11/sem/hasEarliestBeginTimeStamp>"
    incident = "<https://w3id.org/sahel-harm/ontology/Incident>"  # other events have start dates too
    everything = backend.select(f"SELECT ?i ?s WHERE {{ ?i {start} ?s ; a {incident} }} ORDER BY DESC(?s)")
    date_of = {r["i"].value: r["s"].value for r in everything}
    every_incident = {r["i"].value for r in backend.select(f"SELECT ?i WHERE {{ ?i a {incident} }}")}
    for n in (1, 3, len(everything), len(everything) + 5):
        latest = listing.latest_incidents(backend, n)
        dated = [i for i in latest if i in date_of]
        assert sorted((date_of[i] for i in dated), reverse=True) == [r["s"].value for r in everything[:n]]
        # the dated first; then, while there is room, incidents known only by their end or not dated at all
        assert latest[:len(dated)] == dated and len(latest) == min(n, len(every_incident))
        assert set(latest) <= every_incident and len(set(latest)) == len(latest)


def test_a_missing_constant_is_computed_once() -> None:
    import threading
    import time

    from sahel_kg.store.cache import LRU

    lru, calls = LRU(4), []

    def compute() -> int:
        calls.append(1)
        time.sleep(0.05)
        return 42

    threads = [threading.Thread(target=lambda: lru.remember("home", compute)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1] and lru.get("home") == 42
