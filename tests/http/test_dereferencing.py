"""Dereferencing: every IRI of the namespace answers, by content negotiation or suffix.

Over the fixture graph (``tests/fixtures/graph/``). Every kind of IRI is
fetched in every format; every IRI at all is fetched as Turtle and HTML in one
slow sweep. The HTML branch is tested for status, type and headers only: the
pages themselves are :mod:`sahel_kg.pages.render`' business.
"""

from __future__ import annotations

import subprocess

import pyoxigraph
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from sahel_kg.namespaces import BASE
from sahel_kg.rdf.formats import GRAPH_OFFERS, HTML
from support.fixture_project import fixture_turtle_files

PLACE = "/id/place/kossiba"  # a place with coordinates
CLAIM = "/id/claim/tro-timbera-around-10-children"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
RDF_OFFERS = [o for o in GRAPH_OFFERS if o is not HTML]


#: The fixture's retired IRIs: 301 to a replacement, and 410 (see test_retired_iris_redirect_or_are_gone).
def _retired() -> dict[str, str | None]:
    """Every retired IRI of the fixture project and its replacement (None: withdrawn, 410)."""
    retired: dict[str, str | None] = {}
    for f in fixture_turtle_files():
        for t in pyoxigraph.parse(path=str(f.path), format=pyoxigraph.RdfFormat.TURTLE):
            if t.predicate.value == "http://purl.org/dc/terms/isReplacedBy":
                retired[t.subject.value] = t.object.value
            elif t.predicate.value == "http://www.w3.org/2002/07/owl#deprecated" and t.object.value == "true":
                retired.setdefault(t.subject.value, None)
    return retired


RETIRED = _retired()


def _project_iris() -> list[str]:
    """Every IRI of our namespace in the fixture project's files (subjects, predicates, objects, graphs), but the retired."""
    iris: set[str] = set()
    for f in fixture_turtle_files():
        iris.add(f.graph_iri)
        for t in pyoxigraph.parse(path=str(f.path), format=pyoxigraph.RdfFormat.TURTLE):
            iris |= {term.value for term in (t.subject, t.predicate, t.object)
                     if isinstance(term, pyoxigraph.NamedNode) and term.value.startswith(BASE)}
    return sorted(iris - set(RETIRED))


PROJECT_IRIS = _project_iris()


def iri_kind(iri: str) -> str:
    """What kind of IRI of ours this is: its area, entity kind, or ontology, vocabulary, shape or graph level.

    >>> [iri_kind(BASE + p) for p in ("id/claim/x", "ontology", "ontology/Claim", "ontology/about", "vocab/stance",
    ...                               "vocab/stance/denies", "graph/sources/x", "graph/places")]
    ['id/claim', 'ontology', 'ontology/Class', 'ontology/property', 'vocab/scheme', 'vocab/concept', 'graph/sources', 'graph/data']
    """
    area, *rest = iri[len(BASE):].split("/")
    if area == "id":
        return f"id/{rest[0]}"
    if area == "graph":
        return f"graph/{rest[0]}" if len(rest) > 1 else "graph/data"
    if not rest:
        return area
    if area == "ontology":
        return "ontology/version" if rest[0][:1].isdigit() else "ontology/Class" if rest[0][:1].isupper() else "ontology/property"
    if area == "vocab":
        return "vocab/scheme" if len(rest) == 1 else "vocab/concept"
    return f"{area}/member"


#: One IRI of each kind, chosen for what its description holds (blank nodes, many links, a graph of its own).
KINDS = {
    "id/claim": BASE + "id/claim/ko-aghazar-chief-spokesman-46-executed",
    "id/incident": BASE + "id/incident/aghazar-killings",
    "id/actor": BASE + "id/actor/hostile-label-outlet",
    "id/place": BASE + "id/place/segala-region",
    "id/source": BASE + "id/source/radio-aghazar-kossiba-market",
    "id/event": BASE + "id/event/framework-appeal-to-regional-court",
    "ontology": BASE + "ontology",
    "ontology/Class": BASE + "ontology/Claim",
    "ontology/property": BASE + "ontology/respondsTo",
    "ontology/version": BASE + "ontology/0.1.0",
    "vocab/scheme": BASE + "vocab/stance",
    "vocab/concept": BASE + "vocab/stance/denies",
    "shapes": BASE + "shapes",
    "shapes/member": BASE + "shapes/Claim",
    "graph/data": BASE + "graph/places",
    "graph/sources": BASE + "graph/sources/kossiba-observer-aghazar-killings",
    "graph/ontology": BASE + "graph/ontology/vocab/stance",
    "graph/shapes": BASE + "graph/shapes/claims",
}


def _path(iri: str) -> str:
    return "/" + iri[len(BASE):]


def _media(response: object) -> str:
    return response.headers["content-type"].split(";")[0]  # type: ignore[attr-defined]


# ---------------------------------------------------------------- negotiation

@pytest.mark.parametrize(("accept", "status", "media_type"), [
    (None, 200, "text/turtle"),
    ("*/*", 200, "text/turtle"),
    (BROWSER, 200, "text/html"),
    ("text/html", 200, "text/html"),
    ("application/xhtml+xml", 200, "text/html"),
    ("text/turtle", 200, "text/turtle"),
    ("application/ld+json", 200, "application/ld+json"),
    ("application/json", 200, "application/ld+json"),
    ("application/n-triples", 200, "application/n-triples"),
    ("application/n-quads", 200, "application/n-quads"),
    ("application/trig", 200, "application/trig"),
    ("application/rdf+xml", 200, "application/rdf+xml"),
    ("text/n3", 200, "text/n3"),
    ("text/*", 200, "text/turtle"),
    ("application/rdf+xml;q=0.5, text/turtle;q=0.4", 200, "application/rdf+xml"),
    ("text/turtle;q=0.1, application/ld+json;q=0.9", 200, "application/ld+json"),
    ("text/html;q=0.2, text/turtle", 200, "text/turtle"),
    ("text/turtle;q=0, */*;q=0.1", 200, "application/n-triples"),
    ("image/png", 406, "text/plain"),
    ("text/turtle;q=0", 406, "text/plain"),
])
def test_accept_chooses_the_format(client: TestClient, accept: str | None, status: int, media_type: str) -> None:
    r = client.get(PLACE, headers={"accept": accept} if accept else {})
    assert (r.status_code, _media(r)) == (status, media_type)
    assert "Accept" in r.headers["vary"]


@pytest.mark.parametrize("offer", GRAPH_OFFERS, ids=lambda o: o.extension)
def test_suffix_fixes_the_format_whatever_accept_says(client: TestClient, offer: object) -> None:
    r = client.get(f"{PLACE}.{offer.extension}", headers={"accept": "image/png"})  # type: ignore[attr-defined]
    assert r.status_code == 200
    assert _media(r) == offer.media_type.split(";")[0]  # type: ignore[attr-defined]
    # the format does not vary by Accept (an HTML page still varies by Accept-Language)
    assert "accept" not in {v.strip().lower() for v in r.headers.get("vary", "").split(",")}


def test_406_lists_what_is_offered(client: TestClient) -> None:
    r = client.get(PLACE, headers={"accept": "image/png"})
    assert r.status_code == 406
    for offer in GRAPH_OFFERS:
        assert offer.media_type.split(";")[0] in r.text
    assert 'rel="alternate"' in r.headers["link"]


def test_link_header_names_every_format_and_the_canonical_iri(client: TestClient) -> None:
    link = client.get(PLACE).headers["link"]
    for offer in GRAPH_OFFERS:
        media = offer.media_type.split(";")[0]
        assert f'<http://localhost:8000{PLACE}.{offer.extension}>; rel="alternate"; type="{media}"' in link
    assert f'<{BASE}id/place/kossiba>; rel="canonical"' in link


def test_negotiated_rdf_names_its_own_location(client: TestClient) -> None:
    r = client.get(PLACE, headers={"accept": "application/ld+json"})
    assert r.headers["content-location"] == f"http://localhost:8000{PLACE}.jsonld"


@pytest.mark.parametrize("accept", [None, BROWSER, "application/rdf+xml", "image/png"])
@pytest.mark.parametrize("path", [PLACE, PLACE + ".nt", "/id/place/nowhere", "/id/place/%zz"])
def test_head_answers_like_get_without_a_body(client: TestClient, path: str, accept: str | None) -> None:
    headers = {"accept": accept} if accept else {}
    get, head = client.get(path, headers=headers), client.head(path, headers=headers)
    assert head.status_code == get.status_code
    assert head.content == b""
    for name in ("content-type", "content-length", "vary", "link"):
        assert head.headers.get(name) == get.headers.get(name)


def test_html_branch(client: TestClient) -> None:
    for r in (client.get(PLACE, headers={"accept": BROWSER}), client.get(PLACE + ".html")):
        assert r.status_code == 200
        assert _media(r) == "text/html"
        assert "<html" in r.text.lower()


def test_html_branch_with_the_pages_module(client: TestClient) -> None:
    pytest.importorskip("sahel_kg.pages.render")
    for path, status in ((PLACE, 200), (CLAIM, 200), ("/ontology/Claim", 200), ("/id/place/atlantis", 404)):
        r = client.get(path, headers={"accept": BROWSER})
        assert (r.status_code, _media(r)) == (status, "text/html"), path
        assert r.headers["vary"].startswith("Accept")


# ---------------------------------------------------------------- unknown, malformed, retired

@pytest.mark.parametrize(("accept", "media_type"), [(None, "text/plain"), (BROWSER, "text/html"),
                                                    ("text/turtle", "text/plain")])
def test_unknown_iri_is_404(client: TestClient, accept: str | None, media_type: str) -> None:
    r = client.get("/id/place/atlantis", headers={"accept": accept} if accept else {})
    assert (r.status_code, _media(r)) == (404, media_type)
    assert "Accept" in r.headers["vary"]


@pytest.mark.parametrize(("path", "statuses"), [
    ("/id/place/%zz", {400}),
    ("/id/place/%ff%fe", {400}),
    ("/id/place/%2e%2e/kossiba", {400}),
    ("/id/place/%2E%2E", {400}),
    ("/id/place/%2e/kossiba", {400}),
    ("/id/" + "a" * 5000, {400, 404}),
    ("/id/place/kid%3Cal%3E", {404}),
    ("/id/place/kossiba%20x", {404}),
    ("/id/place/kossiba%22%7D", {404}),
    ("/id/place/", {404}),
    ("/id/place//kossiba", {404}),
    ("/id/place/kossiba.exe", {404}),
    ("/ontology.exe", {404}),
    ("/vocab/%00", {404}),
])
def test_malformed_paths_never_500(client: TestClient, path: str, statuses: set[int]) -> None:
    r = client.get(path)
    assert r.status_code in statuses, r.text


@pytest.mark.parametrize(("path", "status", "location"), [
    ("/id/place/kossiba-town", 301, "http://localhost:8000/id/place/kossiba"),
    ("/id/place/kossiba-town.jsonld", 301, "http://localhost:8000/id/place/kossiba.jsonld"),
    ("/id/place/tessoura-plateau", 410, None),
    ("/id/place/tessoura-plateau.ttl", 410, None),
    ("/id/place/kossiba", 200, None),
])
def test_retired_iris_redirect_or_are_gone(client: TestClient, path: str, status: int, location: str | None) -> None:
    for accept in (None, BROWSER):
        r = client.get(path, headers={"accept": accept} if accept else {}, follow_redirects=False)
        assert r.status_code == status
        assert r.headers.get("location") == location


# ---------------------------------------------------------------- every IRI, every format

def _parse(body: bytes, fmt: pyoxigraph.RdfFormat) -> set[pyoxigraph.Triple]:
    return {q.triple for q in pyoxigraph.parse(body, format=fmt)}


def _non_blank_objects(triples: object, iri: str) -> set[tuple[str, str]]:
    return {(t.predicate.value, str(t.object)) for t in triples  # type: ignore[attr-defined]
            if t.subject.value == iri and not isinstance(t.object, pyoxigraph.BlankNode)}


def test_project_iris_were_collected() -> None:
    # the fixture's own entities (its two retired IRIs aside), and the real ontology's, schemes' and shapes' IRIs
    assert len([i for i in PROJECT_IRIS if i.startswith(BASE + "id/")]) == 62 and len(PROJECT_IRIS) > 300
    assert BASE + "ontology" in PROJECT_IRIS and BASE + "graph/places" in PROJECT_IRIS


def test_every_kind_of_iri_has_its_example() -> None:
    assert {iri_kind(i) for i in PROJECT_IRIS} == set(KINDS)
    assert all(iri_kind(iri) == kind and iri in PROJECT_IRIS for kind, iri in KINDS.items())


def _expected(store: pyoxigraph.Store, iri: str) -> int | set[tuple[str, str]]:
    """A graph's number of triples, or the non-blank statements about an IRI."""
    node = pyoxigraph.NamedNode(iri)
    if iri.startswith(BASE + "graph/"):
        return len(list(store.quads_for_pattern(None, None, None, node)))
    return _non_blank_objects([q.triple for q in store.quads_for_pattern(node, None, None)], iri)


def _holds(triples: set[pyoxigraph.Triple], iri: str, expected: int | set[tuple[str, str]]) -> bool:
    """Whether a served document holds what the store says of ``iri``."""
    if isinstance(expected, int):
        return len(triples) == expected
    if expected:
        return expected <= _non_blank_objects(triples, iri)
    return any(t.object == pyoxigraph.NamedNode(iri) for t in triples)  # never a subject (a version IRI): what points at it


@pytest.mark.parametrize("iri", KINDS.values(), ids=list(KINDS))
def test_every_kind_of_iri_dereferences_in_every_format(client: TestClient, store: pyoxigraph.Store, iri: str) -> None:
    expected = _expected(store, iri)
    for offer in RDF_OFFERS:
        r = client.get(_path(iri), headers={"accept": offer.media_type})
        assert (r.status_code, _media(r)) == (200, offer.media_type.split(";")[0]), iri
        assert _holds(_parse(r.content, offer.rdf_format), iri, expected), offer.media_type  # type: ignore[arg-type]
    assert client.get(_path(iri), headers={"accept": BROWSER}).status_code == 200


@pytest.mark.slow
def test_every_iri_dereferences_as_turtle_and_html(client: TestClient, store: pyoxigraph.Store) -> None:
    failed = []
    for iri in PROJECT_IRIS:
        turtle, html = client.get(_path(iri) + ".ttl"), client.get(_path(iri), headers={"accept": BROWSER})
        if (turtle.status_code, html.status_code) != (200, 200) or not _holds(
                _parse(turtle.content, pyoxigraph.RdfFormat.TURTLE), iri, _expected(store, iri)):
            failed.append((iri, turtle.status_code, html.status_code))
    assert failed == []


def test_description_follows_blank_nodes_and_labels_links(client: TestClient) -> None:
    g = Graph().parse(data=client.get(CLAIM + ".ttl").text, format="turtle")
    claim = URIRef(BASE + CLAIM[1:])
    exact = URIRef("http://www.w3.org/ns/oa#exact")
    quotes = [str(o) for o in g.objects(g.value(claim, URIRef(BASE + "ontology/quote")), exact)]
    assert quotes == ["In March, a drone strike by the army in Timbéra killed around ten children"]
    count = g.value(claim, URIRef(BASE + "ontology/count"))
    assert int(g.value(count, URIRef(BASE + "ontology/best"))) == 10
    label, pref = URIRef("http://www.w3.org/2000/01/rdf-schema#label"), URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    assert str(g.value(URIRef(BASE + "id/actor/tessoura-rights-observatory"), label)) == "Tessoura Rights Observatory"
    assert str(g.value(URIRef(BASE + "vocab/count-qualifier/approximately"), pref)) == "approximately"
    assert str(g.value(URIRef(BASE + "ontology/about"), label)) == "about"
    assert not list(g.triples((None, URIRef(BASE + "ontology/about"), claim)))  # claims about it stay out


def test_ontology_iri_serves_the_whole_ontology(client: TestClient, store: pyoxigraph.Store) -> None:
    core = pyoxigraph.NamedNode(BASE + "graph/ontology/core")
    triples = _parse(client.get("/ontology.nt").content, pyoxigraph.RdfFormat.N_TRIPLES)
    assert {q.triple for q in store.quads_for_pattern(None, None, None, core)} <= triples


def test_concept_scheme_lists_its_concepts(client: TestClient) -> None:
    g = Graph().parse(data=client.get("/vocab/stance.ttl").text, format="turtle")
    concepts = set(g.subjects(URIRef("http://www.w3.org/2004/02/skos/core#inScheme"), URIRef(BASE + "vocab/stance")))
    assert URIRef(BASE + "vocab/stance/denies") in concepts


def test_graph_iri_serves_its_quads_in_its_graph(client: TestClient) -> None:
    quads = list(pyoxigraph.parse(client.get("/graph/places.nq").content, format=pyoxigraph.RdfFormat.N_QUADS))
    assert quads and {q.graph_name.value for q in quads} == {BASE + "graph/places"}


def test_entity_routes_do_not_shadow_other_routes(client: TestClient) -> None:
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
    assert client.get("/static/style.css").status_code == 200


# ---------------------------------------------------------------- over real HTTP

@pytest.mark.real_server
def test_rdflib_dereferences_an_entity_over_http(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    g = Graph().parse(server[0] + PLACE)
    place = URIRef(BASE + "id/place/kossiba")
    assert (place, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), None) in g
    assert len(list(g.triples((place, None, None)))) >= 4
