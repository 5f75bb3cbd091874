"""``sahel-kg export nanopub``: each claim a nanopublication the ``nanopub`` library accepts, holding the claim."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from nanopub import Nanopub
from rdflib import ConjunctiveGraph, Dataset, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from sahel_kg.curation.nanopub import nanopub_iri, write_nanopubs
from sahel_kg.store.backend import EmbeddedBackend
from support.curated_projects import copy_project, run
from support.project_data import load_project_store

NP = rdflib.Namespace("http://www.nanopub.org/nschema#")
SHG = rdflib.Namespace("https://w3id.org/sahel-harm/ontology/")
LICENCE = "https://example.org/licence"


@pytest.fixture(scope="module")
def exported() -> tuple[int, Dataset, rdflib.Graph]:
    """The curated data's nanopublications, parsed; and the curated data itself (union), parsed apart."""
    store = load_project_store()
    out = io.BytesIO()
    count = write_nanopubs(EmbeddedBackend(store), out, license_iri=LICENCE, created="2026-01-02T03:04:05+00:00")
    dataset = Dataset()
    dataset.parse(data=out.getvalue(), format="trig")
    union = rdflib.Graph()
    union.parse(data=_union_nt(store), format="nt")
    return count, dataset, union


def _union_nt(store: pyoxigraph.Store) -> bytes:
    """Every triple of the store's graphs, as N-Triples."""
    result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    return pyoxigraph.serialize(result, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""


def _nanopubs(dataset: Dataset) -> dict[URIRef, ConjunctiveGraph]:
    """Each nanopublication's four graphs on their own, found through its head."""
    found = {}
    for head in dataset.graphs():
        for np_iri in head.subjects(RDF.type, NP.Nanopublication):
            one = ConjunctiveGraph()
            parts = [head.identifier] + [head.value(np_iri, p) for p in (NP.hasAssertion, NP.hasProvenance,
                                                                          NP.hasPublicationInfo)]
            for name in parts:
                graph = one.get_context(name)
                for triple in dataset.graph(name):
                    graph.add(triple)
            found[np_iri] = one
    return found


def test_one_nanopublication_per_claim(exported: tuple[int, Dataset, rdflib.Graph]) -> None:
    count, dataset, union = exported
    claims = set(union.subjects(RDF.type, SHG.Claim))
    nanopubs = _nanopubs(dataset)
    assert count == len(claims) == len(nanopubs) > 0
    assert set(nanopubs) == {URIRef(nanopub_iri(str(c))) for c in claims}


def test_every_nanopublication_passes_the_nanopub_librarys_validation(exported: tuple[int, Dataset, rdflib.Graph]) -> None:
    _, dataset, _ = exported
    for np_iri, graph in _nanopubs(dataset).items():
        assert Nanopub(rdf=graph).is_valid, np_iri  # raises MalformedNanopubError, naming what is wrong


def test_the_validation_can_fail() -> None:
    """A nanopublication without provenance is refused by the same check."""
    from nanopub.utils import MalformedNanopubError

    store = load_project_store()
    out = io.BytesIO()
    write_nanopubs(EmbeddedBackend(store), out)
    dataset = Dataset()
    dataset.parse(data=out.getvalue(), format="trig")
    np_iri, graph = next(iter(_nanopubs(dataset).items()))
    provenance = graph.get_context(graph.value(np_iri, NP.hasProvenance))
    for triple in list(provenance):
        provenance.remove(triple)
    with pytest.raises(MalformedNanopubError):
        Nanopub(rdf=graph).is_valid


def _counts(graph: rdflib.Graph, claim: URIRef) -> Counter[tuple[str, str, str]]:
    """(count type, property, value) of each bound of each count of the claim."""
    found: Counter[tuple[str, str, str]] = Counter()
    for count in graph.objects(claim, SHG["count"]):
        kind = str(graph.value(count, SHG.countType))
        for prop in (SHG.low, SHG.best, SHG.high):
            for value in graph.objects(count, prop):
                found[(kind, str(prop), str(value))] += 1
    return found


def test_assertion_holds_the_claim_and_its_counts(exported: tuple[int, Dataset, rdflib.Graph]) -> None:
    _, dataset, union = exported
    with_counts = 0
    for claim in union.subjects(RDF.type, SHG.Claim):
        np_iri = URIRef(nanopub_iri(str(claim)))
        head = dataset.graph(URIRef(f"{np_iri}#Head"))
        assertion = dataset.graph(head.value(np_iri, NP.hasAssertion))
        assert set(assertion.predicate_objects(claim)) >= {
            (p, o) for p, o in union.predicate_objects(claim) if not isinstance(o, rdflib.BNode)}
        assert _counts(assertion, claim) == _counts(union, claim)
        assert not any(isinstance(term, rdflib.BNode) for triple in assertion for term in triple)
        with_counts += bool(_counts(union, claim))
    assert with_counts > 0, "no claim with a count: the comparison above checked nothing"


def test_provenance_and_pubinfo(exported: tuple[int, Dataset, rdflib.Graph]) -> None:
    _, dataset, union = exported
    for claim in union.subjects(RDF.type, SHG.Claim):
        np_iri = URIRef(nanopub_iri(str(claim)))
        head = dataset.graph(URIRef(f"{np_iri}#Head"))
        assertion_iri = head.value(np_iri, NP.hasAssertion)
        provenance = dataset.graph(head.value(np_iri, NP.hasProvenance))
        pubinfo = dataset.graph(head.value(np_iri, NP.hasPublicationInfo))
        assert set(provenance.objects(assertion_iri, PROV.wasAttributedTo)) == set(union.objects(claim, PROV.wasAttributedTo))
        assert set(provenance.objects(assertion_iri, PROV.wasDerivedFrom)) == set(union.objects(claim, PROV.wasDerivedFrom))
        assert pubinfo.value(np_iri, DCTERMS.license) == URIRef(LICENCE)
        assert str(pubinfo.value(np_iri, DCTERMS.created)) == "2026-01-02T03:04:05+00:00"
        assert pubinfo.value(np_iri, DCTERMS.isPartOf) == URIRef("https://w3id.org/sahel-harm/.well-known/void#dataset")


def test_export_without_a_build_says_to_build(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    code, said = run("--root", root, "export", "nanopub", "--out", tmp_path / "np.trig")
    assert code == 1 and "sahel-kg build" in said and not (tmp_path / "np.trig").exists()
