"""The fixture graph itself: valid against the real shapes, canonical, fictional, and covering what the tests need.

The server, page and protocol tests pin the fixture's figures; these tests
make sure the fixture stays what those tests assume: data a curator could
have written (it passes the curated data's own checks), clearly marked as
test data, and holding at least one of every page kind and edge case.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

from sahel_kg.curation.fmt import is_canonical
from sahel_kg.curation.report import ValidationReport
from sahel_kg.curation.validate import validate_project
from support.fixture_project import FIXTURE_DIR, sources_dir
from support.project_data import load_project_store, select

ID = "https://w3id.org/sahel-harm/id/"
PREFIXES = """
PREFIX shg: <https://w3id.org/sahel-harm/ontology/> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX stance: <https://w3id.org/sahel-harm/vocab/stance/> PREFIX cqual: <https://w3id.org/sahel-harm/vocab/count-qualifier/>
PREFIX arole: <https://w3id.org/sahel-harm/vocab/attribution-role/> PREFIX vstatus: <https://w3id.org/sahel-harm/vocab/victim-status/>
"""


@pytest.fixture(scope="module")
def store(fixture_root: Path) -> pyoxigraph.Store:
    return load_project_store(fixture_root)


@pytest.fixture(scope="module")
def report(fixture_root: Path) -> ValidationReport:
    """The real shapes' verdict on the fixture project (read once)."""
    return validate_project(fixture_root)


def test_the_fixture_conforms_to_the_real_shapes(report: ValidationReport) -> None:
    """Retired IRIs included: described by dcterms:isReplacedBy or owl:deprecated alone, as docs/uris.md says."""
    assert not report.syntax_errors, report.to_text()
    assert report.conforms, report.to_text()


def test_the_fixture_is_in_canonical_form() -> None:
    stale = [p.name for p in sorted((FIXTURE_DIR / "data" / "ttl").rglob("*.ttl"))
             if not is_canonical(p.read_text(encoding="utf-8"))]
    assert stale == [], f"run `sahel-kg --root <a fixture root> fmt` and copy the files back: {stale}"


def test_every_fixture_quote_is_verbatim_in_its_capture(fixture_root: Path, store: pyoxigraph.Store) -> None:
    rows = select(store, PREFIXES + """SELECT ?file ?exact WHERE {
        ?claim prov:wasDerivedFrom ?source . ?source shg:captureFile ?file .
        { ?claim shg:quote/<http://www.w3.org/ns/oa#exact> ?exact } UNION { ?claim shg:speakerWords ?exact } }""")
    assert rows
    missing = [r for r in rows if r["exact"] not in (sources_dir(fixture_root) / r["file"]).read_text(encoding="utf-8")]
    assert missing == []


def test_every_fixture_capture_says_it_is_fictional() -> None:
    for capture in sorted((FIXTURE_DIR / "captures").glob("*.txt")):
        assert capture.read_text(encoding="utf-8").startswith("TEST FIXTURE"), capture.name


def test_every_named_thing_is_marked_as_test_data(store: pyoxigraph.Store) -> None:
    rows = select(store, PREFIXES + """SELECT ?thing WHERE {
        VALUES ?class { shg:Actor shg:Person shg:Organisation shg:StateForce shg:ArmedGroup shg:AnonymousSource
                         shg:Place shg:SourceDocument }
        ?thing a ?class .
        FILTER NOT EXISTS { ?thing rdfs:comment ?note FILTER (STRSTARTS(STR(?note), "Test fixture")) } }""")
    assert rows == []


#: What the page, protocol and dereferencing tests need the fixture to hold, as ASK patterns.
COVERAGE = {
    "more claims than one browse page (20) holds": "{ SELECT (COUNT(?c) AS ?n) { ?c a shg:Claim } } FILTER (?n > 20)",
    "more than ten actors, for paging with per_page=10": "{ SELECT (COUNT(?a) AS ?n) { ?a a ?k . ?k rdfs:subClassOf* shg:Actor } } FILTER (?n > 10)",
    "an incident with claims from different speakers and documents":
        "?i a shg:Incident . ?a shg:about ?i ; prov:wasAttributedTo ?x . ?b shg:about ?i ; prov:wasAttributedTo ?y . FILTER (?x != ?y)",
    "an incident whose claims' tolls conflict": """?i a shg:Incident . ?a shg:about ?i ; shg:count/shg:high ?h .
        ?b shg:about ?i ; shg:count/shg:low ?l . FILTER (?h < ?l)""",
    "an open bound (at least)": "?c shg:countQualifier cqual:at-least ; shg:low ?l . FILTER NOT EXISTS { ?c shg:high ?h }",
    "an approximate figure": "?c shg:countQualifier cqual:approximately ; shg:best ?b",
    "dozens": "?c shg:countQualifier cqual:dozens",
    "more than": "?c shg:countQualifier cqual:more-than",
    "a count without a number": "?c shg:countQualifier cqual:unquantified",
    "a subtotal": "?c shg:subtotal true",
    "a denial answering a claim": "?d shg:stance stance:denies ; shg:respondsTo ?c . ?c a shg:Claim",
    "a dispute of victim status": "?d shg:stance stance:disputes ; shg:victimStatus vstatus:combatants ; shg:respondsTo ?c",
    "a confirmation": "?d shg:stance stance:confirms ; shg:respondsTo ?c",
    "a disclaimer": "?d shg:stance stance:disclaims-knowledge ; shg:respondsTo ?c",
    "an anonymous source with an affiliation": "?a a shg:AnonymousSource ; <https://schema.org/affiliation> ?o",
    "an anonymous source without one": "?a a shg:AnonymousSource FILTER NOT EXISTS { ?a <https://schema.org/affiliation> ?o }",
    "a relay": "?c prov:qualifiedInfluence [ prov:hadRole arole:relay ]",
    "someone speaking on behalf of another": "?c prov:qualifiedInfluence [ prov:hadRole arole:on-behalf-of ]",
    "a curator inference on an incident's date": "?i a shg:Incident ; shg:curatorInference/shg:inferredProperty sem:hasEarliestBeginTimeStamp",
    "a curator inference on a document's date": "?s a shg:SourceDocument ; shg:curatorInference/shg:inferredProperty shg:earliestPublication",
    "a place chain village → region → country": "?v geo:sfWithin/geo:sfWithin ?c . ?c shg:placePrecision <https://w3id.org/sahel-harm/vocab/place-precision/country>",
    "a place with WKT coordinates": "?p geo:hasGeometry/geo:asWKT ?wkt",
    "a place without coordinates in places without them":
        "?p a shg:Place FILTER NOT EXISTS { ?p geo:sfWithin* ?q . ?q geo:hasGeometry ?g }",
    "a place without coordinates in a place with them": "?p a shg:Place ; geo:sfWithin ?q . ?q geo:hasGeometry ?g FILTER NOT EXISTS { ?p geo:hasGeometry ?h }",
    "a context event": "?e a shg:ContextEvent",
    "an incident series with a claim placing an incident in it": "?e a shg:IncidentSeries . ?c shg:allegedPartOf ?e",
    "an investigation": "?e a shg:Investigation",
    "an appeal": "?e a shg:Appeal ; shg:addressee ?a",
    "a possible duplicate incident": "?i shg:possiblySameIncidentAs ?j",
    "a source with a publisher and a creator": "?s dcterms:publisher ?p ; dcterms:creator ?c",
    "a source published by its own author": "?s dcterms:publisher ?a ; dcterms:creator ?a",
    "a dated source": "?s dcterms:issued ?d",
    "a non-English source": "?s a shg:SourceDocument ; dcterms:language \"fr\"",
    "a retired IRI with a replacement (301)": "?old dcterms:isReplacedBy ?new",
    "a retired IRI without one (410)": "?old owl:deprecated true",
    "a label with markup": "?x rdfs:label ?l FILTER (CONTAINS(?l, \"<script>\"))",
    "a label that breaks out of an attribute": "?x rdfs:label ?l FILTER (CONTAINS(?l, '\"><img'))",
    "a label with an ampersand and quotes": "?x rdfs:label ?l FILTER (CONTAINS(?l, \"&\") && CONTAINS(?l, '\"'))",
    "a label in a non-Latin script": "?x skos:altLabel ?l FILTER (LANG(?l) = \"ar\")",
    "an accented label": "?x rdfs:label ?l FILTER (CONTAINS(?l, \"é\"))",
    "an alternative label in French": "?x skos:altLabel ?l FILTER (LANG(?l) = \"fr\")",
}


@pytest.mark.parametrize("need", COVERAGE, ids=list(COVERAGE))
def test_the_fixture_covers(store: pyoxigraph.Store, need: str) -> None:
    assert store.query(PREFIXES + f"ASK {{ {COVERAGE[need]} }}", use_default_graph_as_union=True), need
