"""Every shape has a passing and a failing example, and each failing example
produces exactly the violations it names: ``(focus node, path, source shape)``.

The examples live in ``tests/support/shape_examples.py``; the ontology and concept
schemes are loaded into every data graph, as ``sahel-kg validate`` does. Most
examples share their pyshacl run with others, each in a copy of its own (see
"shared pyshacl runs" below), for the same exact violations in a third of the time.
"""

from __future__ import annotations

from functools import lru_cache

import pytest
from pyshacl.shapes_graph import ShapesGraph
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from sahel_kg.curation.report import run_shapes, union, violations_from
from sahel_kg.curation.terms import SHAPES
from sahel_kg.namespaces import ENTITY_BASE, PREFIXES
from support.project_data import ROOT
from support.shape_examples import BASE, CASES, PASSING, PREFIX_LINES, Case

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


# ---------------------------------------------------------------- shared pyshacl runs
#
# A run of one example costs about 1.7 s, two thirds of it on the run's set-up
# and on the ontology and concept schemes that every example graph holds (about
# 0.6 s goes to the example's own data). So the examples are validated together,
# PER_RUN to a run: one copy of the ontology, and beside it each example's own
# data (BASE changed by its update) with IRIs of its own (every entity IRI gets
# the suffix -x<n>) and blank nodes of its own; each violation goes back to the
# example whose copy holds its focus node, under the example's own names.
#
# Exact, because the copies share no node but the ontology's and every shape
# reaches from a focus node only through that node's own triples (property
# paths, and SPARQL constraints anchored on $this), so an example's copy gets
# the violations the example gets alone. An example whose update changes the
# ontology itself (removes any of its triples, or adds one about a term,
# concept or scheme), or whose expected violations are on such a node, runs
# alone as before; a violation in a shared run on a node of no copy fails
# test_shared_runs_leave_no_violation_unassigned.

#: Examples per shared run: about 0.6 s each there.
PER_RUN = 25
#: What a copy's entity IRIs end with (n: its place in its run).
SUFFIX = "-x{n}"


@lru_cache(maxsize=1)
def base_graph() -> Graph:
    """The passing example: BASE and the ontology, parsed once; every example's data is a change of it."""
    return example_graph()


@lru_cache(maxsize=1)
def ontology_triples() -> frozenset[tuple[Node, Node, Node]]:
    return frozenset(ontology_graph())


@lru_cache(maxsize=1)
def ontology_blank_nodes() -> frozenset[BNode]:
    return frozenset(n for triple in ontology_triples() for n in triple if isinstance(n, BNode))


def is_entity(node: object) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(ENTITY_BASE)


def is_own(node: object) -> bool:
    """Whether a node is an example's own: an entity IRI, or a blank node that is not the ontology's."""
    return is_entity(node) or isinstance(node, BNode) and node not in ontology_blank_nodes()


def names_an_entity(focus: str) -> bool:
    """Whether an expected focus node (``_:``, ``claim:a``, ``<iri>``) is an example's own."""
    if focus == "_:":
        return True
    if focus.startswith("<"):
        return focus[1:-1].startswith(ENTITY_BASE)
    prefix, _, local = focus.partition(":")
    return (PREFIXES.get(prefix, "") + local).startswith(ENTITY_BASE)


@lru_cache(maxsize=None)
def own_data(update: str) -> Graph | None:
    """An example's data (its graph but the ontology), or None when its update changes the ontology itself."""
    graph = union([base_graph()])
    if update:
        graph.update(PREFIX_LINES + "\n" + update)
    triples, ontology = set(graph), ontology_triples()
    if not ontology <= triples:
        return None
    data = Graph()
    for triple in triples - ontology:
        if not is_own(triple[0]):
            return None
        data.add(triple)
    return data


def examples() -> dict[str, frozenset[tuple[str, str | None, str]]]:
    """Every example's update and the violations it must give (none for a passing one)."""
    return {**{update: frozenset() for update in PASSING.values()}, **{case.update: case.expected for case in CASES}}


@lru_cache(maxsize=1)
def shared_runs() -> tuple[tuple[str, ...], ...]:
    """The examples' updates in the shared runs; any other example runs alone."""
    together = [update for update, expected in examples().items()
                if all(names_an_entity(focus) for focus, _path, _shape in expected) and own_data(update) is not None]
    return tuple(tuple(together[i:i + PER_RUN]) for i in range(0, len(together), PER_RUN))


@lru_cache(maxsize=None)
def shared_run(updates: tuple[str, ...]) -> tuple[dict[str, set[Key]], set[Key]]:
    """One pyshacl run over the ontology and a copy of each example's data: the violations of each, and of none."""
    graph = union([ontology_graph()])
    owner: dict[object, tuple[str, URIRef | BNode]] = {}
    for n, update in enumerate(updates):
        copies: dict[URIRef | BNode, URIRef | BNode] = {}

        def copy(node: object) -> object:
            if not is_own(node):
                return node
            if node not in copies:
                copies[node] = URIRef(str(node) + SUFFIX.format(n=n)) if is_entity(node) else BNode()  # type: ignore[index]
            return copies[node]  # type: ignore[index]

        for s, p, o in own_data(update):  # type: ignore[union-attr]
            graph.add((copy(s), p, copy(o)))
        owner.update({copied: (update, node) for node, copied in copies.items()})
    _conforms, results = run_shapes(graph, shapes_graph())
    names = union([]).namespace_manager
    found: dict[str, set[Key]] = {update: set() for update in updates}
    unassigned: set[Key] = set()
    for v in violations_from(results, graph):
        if v.focus_term not in owner:
            unassigned.add(v.key())
            continue
        update, node = owner[v.focus_term]
        found[update].add(("_:" if isinstance(node, BNode) else node.n3(names), v.path, v.source_shape))
    return found, unassigned


def violations_of(update: str) -> set[Key]:
    """The violations of BASE changed by ``update``: from its shared run, or from a run of its own."""
    for updates in shared_runs():
        if update in updates:
            return shared_run(updates)[0][update]
    return violation_keys(example_graph(update))


@pytest.mark.slow  # pyshacl runs shared by up to PER_RUN examples, about 0.6 s per example; the shapes' own lane
@pytest.mark.parametrize("update", PASSING.values(), ids=list(PASSING))
def test_passing_example_has_no_violation(update: str) -> None:
    assert violations_of(update) == set()


@pytest.mark.slow  # pyshacl runs shared by up to PER_RUN examples, about 0.6 s per example; the shapes' own lane
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_failing_example_raises_exactly_the_expected_violations(case: Case) -> None:
    assert violations_of(case.update) == set(case.expected)


@pytest.mark.slow  # every shared run
def test_shared_runs_leave_no_violation_unassigned() -> None:
    """A violation on a node of no example's copy (a term, a concept) says that some example must run alone."""
    assert {key for updates in shared_runs() for key in shared_run(updates)[1]} == set()


@pytest.mark.slow  # it plans the shared runs: every example's update applied, about 7 s
def test_most_examples_share_runs() -> None:
    """Those that change the ontology run alone: a few concept and term examples, not the rest."""
    alone = [name for name, update in [*PASSING.items(), *((c.name, c.update) for c in CASES)]
             if not any(update in updates for updates in shared_runs())]
    assert len(alone) < len(examples()) / 5, alone


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
