"""Properties of the curated data that hold across every file, whatever the data holds.

The SHACL shapes check each node; these tests check what spans files: that
quotes really are in the captured documents, that every term and IRI of our
namespace is declared or described, that each source document's claims
live in that document's own file and named graph, that every claim is
attributed and every event claimed about. They assert invariants, never
totals: each runs on the checkout and on copies of it to which a valid new
source document was added (see :mod:`curated_projects`), and must pass on all.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import RDF, Graph, Namespace, URIRef

from sahel_kg.curation.terms import OA, SHG
from sahel_kg.namespaces import BASE
from sahel_kg.project import turtle_files
from support.curated_projects import Project, run
from support.project_data import select

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PROV = Namespace("http://www.w3.org/ns/prov#")
#: Incident IRIs published by the first five documents. IRIs never disappear: each stays an
#: incident, or is retired (301 to its replacement, or 410), never silently dropped.
PUBLISHED_INCIDENTS = (
    "abeibara-area-killings", "gao-algeria-vehicle-executions", "amassine-killings",
    "amasrakad-drone-strike", "ersane-beheadings", "northern-mali-civilian-killings-csp-dpa",
    "central-mali-village-raid-executions", "northern-mali-two-drone-strikes",
    "segou-wedding-drone-strike", "segou-funeral-drone-strike",
)


def parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def source_files(project: Project) -> list[Path]:
    return sorted((project.root / "data" / "ttl" / "sources").glob("*.ttl"))


def test_every_quote_is_verbatim_in_its_captured_document(project: Project) -> None:
    """``validate``'s own quote check: never skipped, so missing captures fail here with the folder where they are expected."""
    from sahel_kg.curation.literal_check import quiet_rdflib
    from sahel_kg.curation.project_checks import quote_findings
    from sahel_kg.curation.quote_check import Captures
    from sahel_kg.curation.report import load_project, union

    assert project.sources.is_dir(), f"the captured source documents are expected in {project.sources} (SAHEL_KG_SOURCES)"
    with quiet_rdflib():
        data = union(load_project(project.root).data.values())
    for path in source_files(project):
        assert set(parse(path).objects(None, OA.exact)), f"{path.name} has no quotes"
    assert [(v.focus_node, v.value, v.message) for v in quote_findings(data, Captures(project.sources))] == []


def test_a_source_file_holds_one_document_and_only_its_claims(project: Project) -> None:
    for path in source_files(project):
        graph = parse(path)
        documents = set(graph.subjects(RDF.type, SHG.SourceDocument))
        assert documents == {URIRef(f"{BASE}id/source/{path.stem}")}, f"{path.name}: the file name must be the document's slug"
        claims = set(graph.subjects(RDF.type, SHG.Claim))
        assert claims, f"{path.name} carries no claim"
        assert {graph.value(c, PROV.wasDerivedFrom) for c in claims} == documents, path.name


def test_claims_are_only_in_source_files(project: Project) -> None:
    for f in turtle_files(project.root):
        if "sources" not in f.path.parts:
            assert not set(parse(f.path).subjects(RDF.type, SHG.Claim)), f"{f.path} holds claims"


def test_every_claim_is_attributed_and_derived_from_a_source_document(project: Project) -> None:
    rows = select(project.store, """
        PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?claim WHERE {
          ?claim a shg:Claim .
          FILTER NOT EXISTS { ?claim prov:wasAttributedTo ?speaker . ?speaker a ?kind }
          FILTER NOT EXISTS { ?claim prov:wasDerivedFrom ?source . ?source a shg:SourceDocument }
        }""")
    assert rows == []


def test_own_terms_used_are_declared_by_the_ontology(project: Project) -> None:
    rows = select(project.store, f"""
        SELECT DISTINCT ?term WHERE {{
          {{ ?s ?term ?o }} UNION {{ ?s a ?term }}
          FILTER (STRSTARTS(STR(?term), "{SHG}"))
          FILTER NOT EXISTS {{ ?term <http://www.w3.org/2000/01/rdf-schema#isDefinedBy> <{BASE}ontology> }}
        }}""")
    assert rows == []


def test_every_own_iri_used_is_described(project: Project) -> None:
    rows = select(project.store, f"""
        SELECT DISTINCT ?iri WHERE {{
          {{ ?iri ?p ?o }} UNION {{ ?s ?p ?iri }}
          FILTER (isIRI(?iri) && STRSTARTS(STR(?iri), "{BASE}"))
          FILTER NOT EXISTS {{ ?iri a ?type }}
          FILTER NOT EXISTS {{ ?x <http://www.w3.org/2002/07/owl#versionIRI> ?iri }}
          FILTER NOT EXISTS {{ ?iri <http://purl.org/dc/terms/isReplacedBy> ?replacement }}
        }}""")
    assert rows == []


def test_slugs_are_lowercase_ascii(project: Project) -> None:
    rows = select(project.store, f'SELECT DISTINCT ?s {{ ?s ?p ?o FILTER STRSTARTS(STR(?s), "{BASE}id/") }}')
    bad = [r["s"] for r in rows if not SLUG.match(r["s"].rsplit("/", 1)[1])]
    assert bad == []


def test_every_event_is_known_only_through_claims(project: Project) -> None:
    rows = select(project.store, """
        PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
        SELECT ?event WHERE {
          ?event a ?class . ?class rdfs:subClassOf* sem:Event .
          FILTER NOT EXISTS { ?claim shg:about ?event }
        }""")
    assert rows == []


def test_events_carry_no_contested_facts(project: Project) -> None:
    rows = select(project.store, """
        PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
        SELECT ?event ?p WHERE {
          ?event a ?class . ?class rdfs:subClassOf* sem:Event .
          VALUES ?p { shg:count shg:allegedPerpetrator shg:victimStatus shg:method shg:victimGroup shg:characterisation }
          ?event ?p ?o .
        }""")
    assert rows == []


def test_published_incident_iris_never_disappear(project: Project) -> None:
    rows = select(project.store, f"""
        SELECT ?i WHERE {{
          {{ ?i a <{SHG}Incident> }} UNION {{ ?i <http://purl.org/dc/terms/isReplacedBy> ?new }}
          UNION {{ ?i <http://www.w3.org/2002/07/owl#deprecated> true }}
        }}""")
    kept = {r["i"] for r in rows}
    assert [s for s in PUBLISHED_INCIDENTS if f"{BASE}id/incident/{s}" not in kept] == []


def test_each_named_graph_is_one_file(project: Project) -> None:
    files = turtle_files(project.root)
    assert len({f.graph_iri for f in files}) == len(files)


def test_the_project_data_conforms_to_every_shape(project: Project) -> None:
    code, said = run("--root", project.root, "validate")  # as a curator runs it
    assert code == 0, said


def test_the_project_data_is_in_canonical_form(project: Project) -> None:
    code, said = run("--root", project.root, "fmt", "--check")  # as a curator runs it
    assert code == 0, said


# ---------------------------------------------------------------- the copies are what they claim to be

def test_a_generated_source_is_in_the_copy_and_only_there(project: Project) -> None:
    """Each copy has one more document than the checkout, and the IRIs its generator added are new and in its graph."""
    from support.curated_projects import curated

    if project.name == "curated":
        assert project.added == []
        return
    assert len(source_files(project)) == len(source_files(curated())) + 1
    ours = f'SELECT DISTINCT ?s {{ ?s ?p ?o FILTER STRSTARTS(STR(?s), "{BASE}id/") }}'
    added = {f"{BASE}id/{a}" for a in project.added}
    assert added and added <= {r["s"] for r in select(project.store, ours)}
    assert not added & {r["s"] for r in select(curated().store, ours)}
