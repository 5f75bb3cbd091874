"""Run the derivation rules over a store and write the derived graph, with its provenance.

Each rule is a CONSTRUCT evaluated over the union of the store's graphs (the
curated files; no rule reads what another derived). What it constructs goes
into :data:`~sahel_kg.derive.rules.DERIVED_GRAPH`, and every node it describes
gets ``prov:wasGeneratedBy`` the rule's run. PROV-O (https://www.w3.org/TR/prov-o/):

- the build: ``id/build/{hash16}`` a ``prov:Activity``;
- each rule's run: ``id/build/{hash16}/{rule-stem}`` a ``prov:Activity``,
  ``prov:wasInformedBy`` the build, ``prov:qualifiedAssociation [ a
  prov:Association ; prov:hadPlan rule ]``;
- each rule: a ``prov:Plan`` with ``rdfs:label`` (title), ``rdfs:comment``
  (the rule in words) and ``shg:sparql`` (its text).

>>> store = pyoxigraph.Store()
>>> store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("https://w3id.org/sahel-harm/id/incident/x"),
...     pyoxigraph.NamedNode(RDF_TYPE), pyoxigraph.NamedNode(SHG + "Incident"), pyoxigraph.NamedNode("urn:g")))
>>> rule = parse_rule("r", "# Mark\\nPREFIX shg: <https://w3id.org/sahel-harm/ontology/>\\n"
...     "CONSTRUCT { ?i shg:marked true } WHERE { ?i a shg:Incident }")
>>> derive(store, [rule], "0123456789abcdef").triples
{'r': 1}
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pyoxigraph

from sahel_kg.derive.rules import BUILD_BASE, DERIVED_GRAPH, Rule, parse_rule  # noqa: F401 (doctest)
from sahel_kg.namespaces import ONTOLOGY_IRI, SHG

PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


@dataclass
class DeriveReport:
    """What a derivation wrote: triples constructed per rule stem, and seconds per rule."""

    triples: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def build_activity(build_id: str) -> str:
    """IRI of the build's activity, from the first 16 hex digits of its inputs hash.

    >>> build_activity("0123456789abcdef0123")
    'https://w3id.org/sahel-harm/id/build/0123456789abcdef'
    """
    return BUILD_BASE + build_id[:16]


def derive(store: pyoxigraph.Store, rules: Sequence[Rule], build_id: str) -> DeriveReport:
    """Run every rule over ``store`` and add its results to the derived graph of the same store.

    ``build_id`` is the build's inputs hash (hex). Any derived graph already
    there is cleared first, so running twice gives the same graph. Raises
    SyntaxError when a rule is not valid SPARQL (the rule files are inputs of
    the build: such a build fails and says which rule).
    """
    graph = pyoxigraph.NamedNode(DERIVED_GRAPH)
    store.remove_graph(graph)
    report = DeriveReport()
    activity = build_activity(build_id)
    store.bulk_extend(_quads(_build_description(activity, rules), graph))
    for rule in rules:
        started = time.perf_counter()
        constructed = _construct(store, rule)
        run = f"{activity}/{rule.stem}"
        subjects = {t.subject for t in constructed}
        generated = [pyoxigraph.Triple(s, _node(PROV + "wasGeneratedBy"), _node(run)) for s in subjects]
        store.bulk_extend(_quads(constructed + generated, graph))
        report.triples[rule.stem] = len(constructed)
        report.seconds[rule.stem] = time.perf_counter() - started
    return report


def _construct(store: pyoxigraph.Store, rule: Rule) -> list[pyoxigraph.Triple]:
    """The rule's CONSTRUCT over the union of the store's graphs, read in full before any write."""
    try:
        result = store.query(rule.sparql, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise SyntaxError(f"rule {rule.stem} ({rule.iri}) is not valid SPARQL: {exc}") from exc
    if not isinstance(result, pyoxigraph.QueryTriples):
        raise SyntaxError(f"rule {rule.stem} ({rule.iri}) must be a CONSTRUCT query")
    return list(result)


def _build_description(activity: str, rules: Sequence[Rule]) -> Iterator[pyoxigraph.Triple]:
    """The build activity, each rule as a prov:Plan, and each rule's run as an activity of the build."""
    a = _node(RDF_TYPE)
    yield pyoxigraph.Triple(_node(activity), a, _node(PROV + "Activity"))
    yield pyoxigraph.Triple(_node(activity), _node(RDFS + "label"), pyoxigraph.Literal("build of the Sahel Harm Graph store"))
    for rule in rules:
        plan, run = _node(rule.iri), _node(f"{activity}/{rule.stem}")
        yield pyoxigraph.Triple(plan, a, _node(PROV + "Plan"))
        yield pyoxigraph.Triple(plan, _node(RDFS + "label"), pyoxigraph.Literal(rule.title, language="en"))
        yield pyoxigraph.Triple(plan, _node(RDFS + "comment"), pyoxigraph.Literal(rule.words, language="en"))
        yield pyoxigraph.Triple(plan, _node(SHG + "sparql"), pyoxigraph.Literal(rule.sparql))
        yield pyoxigraph.Triple(plan, _node(RDFS + "isDefinedBy"), _node(ONTOLOGY_IRI))  # listed on the ontology page
        association = pyoxigraph.BlankNode()
        yield pyoxigraph.Triple(run, a, _node(PROV + "Activity"))
        yield pyoxigraph.Triple(run, _node(RDFS + "label"), pyoxigraph.Literal(f"run of rule {rule.stem}"))
        yield pyoxigraph.Triple(run, _node(PROV + "wasInformedBy"), _node(activity))
        yield pyoxigraph.Triple(run, _node(PROV + "qualifiedAssociation"), association)
        yield pyoxigraph.Triple(association, a, _node(PROV + "Association"))
        yield pyoxigraph.Triple(association, _node(PROV + "hadPlan"), plan)


def _quads(triples: Iterator[pyoxigraph.Triple] | Sequence[pyoxigraph.Triple],
           graph: pyoxigraph.NamedNode) -> Iterator[pyoxigraph.Quad]:
    for t in triples:
        yield pyoxigraph.Quad(t.subject, t.predicate, t.object, graph)


def _node(iri: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(iri)
