"""Properties of the curated data that hold across every file.

The SHACL shapes check each node; these tests check what spans files: that
quotes really are in the captured documents, that every term and IRI of our
namespace is declared or described, and that each source document's claims
live in that document's own file and named graph.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDF, Graph, URIRef

from project_data import ROOT, load_project_store, select
from sahel_kg.layout import turtle_files
from sahel_kg.namespaces import BASE, OA, SHG

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SOURCE_FILES = sorted((ROOT / "data" / "ttl" / "sources").glob("*.ttl"))


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    return load_project_store()


def parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def test_every_quote_is_verbatim_in_its_captured_document() -> None:
    """``validate``'s own quote check over the curated data: never skipped, so missing
    captures fail here with the folder where they are expected."""
    from sahel_kg.literal_check import quiet_rdflib
    from sahel_kg.project_checks import quote_findings
    from sahel_kg.quote_check import Captures
    from sahel_kg.settings import load_settings
    from sahel_kg.validation import load_project, union

    sources = load_settings(root=ROOT).sources_dir
    assert sources.is_dir(), f"the captured source documents are expected in {sources} (SAHEL_KG_SOURCES)"
    with quiet_rdflib():
        data = union(load_project(ROOT).data.values())
    assert len(set(data.objects(None, OA.exact))) > 40
    assert [(v.focus_node, v.value, v.message) for v in quote_findings(data, Captures(sources))] == []


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda p: p.stem)
def test_a_source_file_holds_one_document_and_only_its_claims(path: Path) -> None:
    graph = parse(path)
    documents = set(graph.subjects(RDF.type, SHG.SourceDocument))
    assert documents == {URIRef(f"{BASE}id/source/{path.stem}")}, "file name must be the document's slug"
    claims = set(graph.subjects(RDF.type, SHG.Claim))
    assert claims, f"{path.name} carries no claim"
    derived = {graph.value(c, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) for c in claims}
    assert derived == documents


def test_claims_are_only_in_source_files() -> None:
    for f in turtle_files(ROOT):
        if "sources" not in f.path.parts:
            assert not set(parse(f.path).subjects(RDF.type, SHG.Claim)), f"{f.path} holds claims"


def test_own_terms_used_are_declared_by_the_ontology(store: pyoxigraph.Store) -> None:
    rows = select(store, f"""
        SELECT DISTINCT ?term WHERE {{
          {{ ?s ?term ?o }} UNION {{ ?s a ?term }}
          FILTER (STRSTARTS(STR(?term), "{SHG}"))
          FILTER NOT EXISTS {{ ?term <http://www.w3.org/2000/01/rdf-schema#isDefinedBy> <{BASE}ontology> }}
        }}""")
    assert rows == []


def test_every_own_iri_used_is_described(store: pyoxigraph.Store) -> None:
    rows = select(store, f"""
        SELECT DISTINCT ?iri WHERE {{
          {{ ?iri ?p ?o }} UNION {{ ?s ?p ?iri }}
          FILTER (isIRI(?iri) && STRSTARTS(STR(?iri), "{BASE}"))
          FILTER NOT EXISTS {{ ?iri a ?type }}
          FILTER NOT EXISTS {{ ?x <http://www.w3.org/2002/07/owl#versionIRI> ?iri }}
        }}""")
    assert rows == []


def test_slugs_are_lowercase_ascii(store: pyoxigraph.Store) -> None:
    rows = select(store, f'SELECT DISTINCT ?s {{ ?s ?p ?o FILTER STRSTARTS(STR(?s), "{BASE}id/") }}')
    bad = [r["s"] for r in rows if not SLUG.match(r["s"].rsplit("/", 1)[1])]
    assert bad == []


def test_every_event_is_known_only_through_claims(store: pyoxigraph.Store) -> None:
    rows = select(store, """
        PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
        SELECT ?event WHERE {
          ?event a ?class . ?class rdfs:subClassOf* sem:Event .
          FILTER NOT EXISTS { ?claim shg:about ?event }
        }""")
    assert rows == []


def test_events_carry_no_contested_facts(store: pyoxigraph.Store) -> None:
    rows = select(store, """
        PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
        SELECT ?event ?p WHERE {
          ?event a ?class . ?class rdfs:subClassOf* sem:Event .
          VALUES ?p { shg:count shg:allegedPerpetrator shg:victimStatus shg:method shg:victimGroup shg:characterisation }
          ?event ?p ?o .
        }""")
    assert rows == []


def test_the_graph_holds_every_incident_of_the_five_documents(store: pyoxigraph.Store) -> None:
    rows = select(store, "SELECT ?i { ?i a <https://w3id.org/sahel-harm/ontology/Incident> }")
    assert {r["i"].rsplit("/", 1)[1] for r in rows} == {
        "abeibara-area-killings", "gao-algeria-vehicle-executions", "amassine-killings",
        "amasrakad-drone-strike", "ersane-beheadings", "northern-mali-civilian-killings-csp-dpa",
        "central-mali-village-raid-executions", "northern-mali-two-drone-strikes",
        "segou-wedding-drone-strike", "segou-funeral-drone-strike",
    }


def test_each_named_graph_is_one_file() -> None:
    files = turtle_files(ROOT)
    assert len({f.graph_iri for f in files}) == len(files)


def test_the_project_data_conforms_to_every_shape() -> None:
    from sahel_kg.validation import validate_project

    report = validate_project(ROOT)
    assert report.conforms, report.to_text()


def test_the_project_data_is_in_canonical_form() -> None:
    from sahel_kg.turtle_format import is_canonical

    stale = [
        f.path.relative_to(ROOT).as_posix() for f in turtle_files(ROOT)
        if f.kind == "data" and not is_canonical(f.path.read_text(encoding="utf-8"))
    ]
    assert stale == [], f"not in canonical form: run `.venv/bin/sahel-kg fmt {' '.join(stale)}`"
