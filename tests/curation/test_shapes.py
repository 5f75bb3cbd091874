"""Every shape has a passing and a failing example, and each failing example
produces exactly the violations it names: ``(focus node, path, source shape)``.

The examples live in ``tests/support/shape_examples.py``; the ontology and concept
schemes are loaded into every data graph, as ``sahel-kg validate`` does.
"""

from __future__ import annotations

from functools import lru_cache

import pytest
from pyshacl.shapes_graph import ShapesGraph
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from sahel_kg.namespaces import PREFIXES
from sahel_kg.curation.terms import SHAPES
from sahel_kg.curation.report import run_shapes, union, violations_from

from support.project_data import ROOT
from support.shape_examples import BASE, CASES, Case, PASSING, PREFIX_LINES

Key = tuple[str, "str | None", str]


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The ontology and every concept scheme, parsed once."""
    return union(Graph().parse(p, format="turtle") for p in sorted((ROOT / "ontology").rglob("*.ttl")))


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """Every shapes file, parsed once."""
    return union(Graph().parse(p, format="turtle") for p in sorted((ROOT / "shapes").glob("*.ttl")))


def example_graph(update: str = "") -> Graph:
    """BASE plus the ontology, changed by a SPARQL Update."""
    graph = union([ontology_graph()])
    graph.parse(data=BASE, format="turtle")
    if update:
        graph.update(PREFIX_LINES + "\n" + update)
    return graph


def violation_keys(graph: Graph) -> set[Key]:
    """The violations the shapes find in ``graph``, as comparable keys."""
    _conforms, results = run_shapes(graph, shapes_graph())
    return {v.key() for v in violations_from(results, graph)}


@pytest.mark.slow  # one pyshacl run per example, about a second each; the shapes' own lane
@pytest.mark.parametrize("update", PASSING.values(), ids=list(PASSING))
def test_passing_example_has_no_violation(update: str) -> None:
    assert violation_keys(example_graph(update)) == set()


@pytest.mark.slow  # one pyshacl run per example, about a second each; the shapes' own lane
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_failing_example_raises_exactly_the_expected_violations(case: Case) -> None:
    assert violation_keys(example_graph(case.update)) == set(case.expected)


def test_case_names_are_unique() -> None:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))


# ---------------------------------------------------------------- every shape is covered


def named_shapes() -> set[URIRef]:
    """Every shape with an IRI in the shapes files."""
    g = shapes_graph()
    found = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    return {s for s in found if isinstance(s, URIRef)}


def compact(term: URIRef) -> str:
    return "shapes:" + str(term).removeprefix(str(SHAPES))


def test_every_shape_has_a_failing_example() -> None:
    failing = {shape for case in CASES for (_f, _p, shape) in case.expected}
    g = shapes_graph()
    missing = []
    for shape in named_shapes():
        own = {compact(shape)} | {compact(p) for p in g.objects(shape, SH.property) if isinstance(p, URIRef)}
        if not own & failing:
            missing.append(compact(shape))
    assert missing == []


def test_every_property_shape_has_its_own_failing_example() -> None:
    failing = {shape for case in CASES for (_f, _p, shape) in case.expected}
    g = shapes_graph()
    property_shapes = {compact(s) for s in g.subjects(RDF.type, SH.PropertyShape) if isinstance(s, URIRef)}
    assert property_shapes - failing == set()


def test_every_node_shape_targets_something_in_the_passing_example() -> None:
    """BASE is a passing example for a shape only if the shape has focus nodes in it."""
    data = example_graph()
    idle = []
    for shape in ShapesGraph(shapes_graph()).shapes:
        if not isinstance(shape.node, URIRef) or shape.is_property_shape:
            continue
        shape.set_advanced(True)
        if not list(shape.focus_nodes(data)):
            idle.append(compact(shape.node))
    assert idle == []


# ---------------------------------------------------------------- shapes are documented


def test_every_shape_is_in_the_shapes_namespace_with_a_label() -> None:
    g = shapes_graph()
    for shape in named_shapes():
        assert str(shape).startswith(PREFIXES["shapes"]), shape
        assert g.value(shape, RDFS.label) is not None, shape


def test_every_constraint_has_a_message() -> None:
    """Property shapes and SPARQL constraints say what is wrong and what to write instead."""
    g = shapes_graph()
    holders = set(g.subjects(RDF.type, SH.PropertyShape)) | set(g.objects(None, SH.sparql))
    assert holders
    for holder in holders:
        message = g.value(holder, SH.message)
        assert message is not None and len(str(message)) > 30, holder


def test_every_node_shape_constrains_something() -> None:
    g = shapes_graph()
    for shape in g.subjects(RDF.type, SH.NodeShape):
        if isinstance(shape, BNode):
            continue
        assert any((shape, p, None) in g for p in (SH.property, SH.sparql, SH['or'])), shape


def test_project_ontology_and_vocabularies_conform() -> None:
    """The quality shapes hold for the ontology and concept schemes as they are."""
    assert violation_keys(union([ontology_graph()])) == set()


def test_no_shape_compares_with_the_native_property_pair_constraints() -> None:
    """pyshacl's sh:lessThan and sh:lessThanOrEquals stop validation with a TypeError on an
    ill-typed value ("many"^^xsd:integer): comparisons are written as SPARQL constraints."""
    g = shapes_graph()
    native = sorted(compact(s) for s in g.subjects(SH.lessThanOrEquals, None)) + sorted(
        compact(s) for s in g.subjects(SH.lessThan, None))
    assert native == []
