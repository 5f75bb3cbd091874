"""What the batched validation reads from the whole-corpus store: stubs of the nodes a batch refers to,
and the rules that span files (every event and source claimed about, the layout of named graphs,
references a changed file would break).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from sahel_kg.curation import file_check, project_checks
from sahel_kg.curation.report import (
    Violation,
    _bound_graph,
)
from sahel_kg.namespaces import BASE, SHG
from sahel_kg.rdf import oxigraph_types as ox


def _term(t: pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal) -> URIRef | BNode | Literal:
    if isinstance(t, pyoxigraph.NamedNode):
        return URIRef(t.value)
    if isinstance(t, pyoxigraph.BlankNode):
        return BNode(t.value)
    dt = t.datatype.value if t.datatype else None
    return Literal(t.value, lang=t.language, datatype=None if t.language else dt)


def _select(store: pyoxigraph.Store, query: str, *, union: bool = False) -> pyoxigraph.QuerySolutions:
    return ox.solutions(store.query(query, use_default_graph_as_union=union))


def stubs(store: pyoxigraph.Store, iris: set[str], *, exclude_graph: str | None = None) -> Graph:
    """Types of the given IRIs, and the containment chains of places, as the store knows them.

    Three small index-driven queries (one pattern each, no OPTIONAL): a
    left join over a property path is evaluated for every place otherwise.
    """
    graph = Graph(bind_namespaces="none")
    if not iris:
        return graph
    not_this = f"FILTER (?g != <{exclude_graph}>)" if exclude_graph else ""
    places: set[str] = set()
    documents: set[str] = set()
    query = f"SELECT ?x ?t WHERE {{ VALUES ?x {{ {_values(iris)} }} GRAPH ?g {{ ?x a ?t }} {not_this} }}"
    for row in _select(store, query):
        graph.add((URIRef(row["x"].value), RDF.type, URIRef(row["t"].value)))
        if row["t"].value == SHG + "Place":
            places.add(row["x"].value)
        if row["t"].value == SHG + "SourceDocument":
            documents.add(row["x"].value)
    _capture_stubs(store, documents, graph, not_this)
    if not places:
        return graph
    query = f"SELECT DISTINCT ?up WHERE {{ VALUES ?x {{ {_values(places)} }} ?x <{GEO_WITHIN}>* ?up }}"
    chain = {row["up"].value for row in _select(store, query, union=True)}
    query = (f"SELECT ?up ?p ?o WHERE {{ VALUES ?up {{ {_values(chain)} }} VALUES ?p {{ <{RDF.type}> "
             f"<{SHG}placePrecision> <{GEO_WITHIN}> }} ?up ?p ?o }}")
    for row in _select(store, query, union=True):
        graph.add((URIRef(row["up"].value), URIRef(row["p"].value), URIRef(row["o"].value)))
    _box_stubs(store, chain, graph)
    return graph


def _capture_stubs(store: pyoxigraph.Store, documents: set[str], graph: Graph, not_this: str) -> None:
    """The capture file names of the given source documents (quotes are checked against them)."""
    if not documents:
        return
    query = (f"SELECT ?d ?f WHERE {{ VALUES ?d {{ {_values(documents)} }} "
             f"GRAPH ?g {{ ?d <{SHG}captureFile> ?f }} {not_this} }}")
    for row in _select(store, query):
        graph.add((URIRef(row["d"].value), URIRef(SHG + "captureFile"), _term(row["f"])))


def _box_stubs(store: pyoxigraph.Store, places: set[str], graph: Graph) -> None:
    """The bounding boxes of the given places (points are checked against them)."""
    if not places:
        return
    query = (f"SELECT ?up ?wkt WHERE {{ VALUES ?up {{ {_values(places)} }} "
             f"?up <{GEO}hasBoundingBox>/<{GEO}asWKT> ?wkt }}")
    for row in _select(store, query, union=True):
        box = BNode()
        graph.add((URIRef(row["up"].value), URIRef(GEO + "hasBoundingBox"), box))
        graph.add((box, URIRef(GEO + "asWKT"), _term(row["wkt"])))


GEO = "http://www.opengis.net/ont/geosparql#"


GEO_WITHIN = GEO + "sfWithin"


def _values(iris: set[str]) -> str:
    return " ".join(f"<{i}>" for i in sorted(iris))


_EVENT_CLAIMS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
SELECT DISTINCT ?event ?value ?file WHERE {
  { GRAPH ?file { ?event a ?t } ?t rdfs:subClassOf* sem:Event .
    FILTER NOT EXISTS { ?c shg:about ?event } }
  UNION
  { GRAPH ?file { ?event a ?t } ?t rdfs:subClassOf* sem:Event .
    ?value shg:about ?event FILTER NOT EXISTS { ?value a shg:Claim } }
}"""


_SOURCE_CLAIMS = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
SELECT DISTINCT ?document ?value ?file WHERE {
  { GRAPH ?file { ?document a shg:SourceDocument } FILTER NOT EXISTS { ?c prov:wasDerivedFrom ?document } }
  UNION
  { GRAPH ?file { ?document a shg:SourceDocument } ?value prov:wasDerivedFrom ?document
    FILTER NOT EXISTS { ?value a shg:Claim } }
}"""


def cross_file_violations(store: pyoxigraph.Store, *, events: Sequence[str] | None = None,
                          root: Path | None = None) -> list[Violation]:
    """``shapes:EventClaimedAbout`` over the whole store (or only the given events), and
    ``shapes:SourceHasClaim`` over the whole store when no events are given."""
    query = _EVENT_CLAIMS
    if events is not None:
        if not events:
            return []
        query = query.replace("SELECT DISTINCT ?event ?value ?file WHERE {",
                              "SELECT DISTINCT ?event ?value ?file WHERE {\n  VALUES ?event { "
                              + " ".join(f"<{e}>" for e in events) + " }")
    found = _rows_as_violations(_select(store, query, union=True), "event",
                                "^shg:about", "shapes:EventClaimedAbout", _CROSS_MESSAGE)
    if events is None:
        found += _rows_as_violations(_select(store, _SOURCE_CLAIMS, union=True), "document",
                                     "^prov:wasDerivedFrom", "shapes:SourceHasClaim", _SOURCE_MESSAGE)
    return found


def _rows_as_violations(rows: Iterable[pyoxigraph.QuerySolution], focus: str, path: str, shape: str,
                        message: str) -> list[Violation]:
    """One violation per (focus, value) of a cross-file query's rows."""
    nm = _bound_graph().namespace_manager
    found: dict[tuple[str, str | None], Violation] = {}
    for row in rows:
        node = URIRef(row[focus].value)
        value = URIRef(row["value"].value) if row["value"] is not None else None
        found[(str(node), str(value) if value else None)] = Violation(
            file=_graph_file(row["file"].value), focus_node=node.n3(nm), path=path,
            value=value.n3(nm) if value is not None else None, source_shape=shape, severity="Violation",
            message=message, focus_term=node, value_term=value,
        )
    return list(found.values())


_SOURCE_MESSAGE = ("A source document is curated for its claims: add at least one shg:Claim with prov:wasDerivedFrom "
                   "pointing at it (in the document's own file), or remove the document.")


_LAYOUT = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
SELECT ?g ?node ?kind ?document WHERE {
  { GRAPH ?g { ?node a shg:SourceDocument } BIND ("document" AS ?kind) }
  UNION
  { GRAPH ?g { ?node a shg:Claim OPTIONAL { ?node prov:wasDerivedFrom ?document } } BIND ("claim" AS ?kind) }
}"""


def layout_violations(store: pyoxigraph.Store, *, exclude_graph: str | None = None) -> list[Violation]:
    """The Python check of what each data file holds (:mod:`sahel_kg.curation.file_check`), read from the store."""
    facts = {_graph_file(g.value): file_check.FileFacts(_graph_file(g.value))
             for g in store.named_graphs() if g.value != exclude_graph}
    for row in _select(store, _LAYOUT):
        graph = row["g"].value
        if graph == exclude_graph:
            continue
        label = _graph_file(graph)
        entry = facts.setdefault(label, file_check.FileFacts(label))
        if row["kind"].value == "document":
            entry.documents.add(row["node"].value)
        else:
            derived = entry.claims.setdefault(row["node"].value, set())
            if row["document"] is not None:
                derived.add(row["document"].value)
    return project_checks.layout_findings(facts.values(), _bound_graph())


_CROSS_MESSAGE = ("Every event is known only through claims: at least one shg:Claim must point at it with "
                  "shg:about. Add the claim from the source document that reports it, or remove the event.")


def _graph_file(graph_iri: str) -> str:
    rel = graph_iri.removeprefix(BASE + "graph/")
    if rel.startswith(("ontology/", "shapes/")):
        return rel + ".ttl"
    return "data/ttl/" + rel + ".ttl"


def _documents_without_claims(store: pyoxigraph.Store, graph_iri: str, label: str, new: Graph) -> list[Violation]:
    """``shapes:SourceHasClaim`` for the documents of the changed file: claims in it or in other files count."""
    derived = URIRef(PROV + "wasDerivedFrom")
    nm = _bound_graph().namespace_manager
    found = []
    for document in new.subjects(RDF.type, URIRef(SHG + "SourceDocument")):
        if (None, derived, document) in new or ox.boolean(store.query(
                f"ASK {{ GRAPH ?g {{ ?c <{derived}> <{document}> }} FILTER (?g != <{graph_iri}>) }}")):
            continue
        found.append(Violation(file=label, focus_node=document.n3(nm), path="^prov:wasDerivedFrom", value=None,
                               source_shape="shapes:SourceHasClaim", severity="Violation", message=_SOURCE_MESSAGE,
                               focus_term=document))
    return found


PROV = "http://www.w3.org/ns/prov#"


def _lost_references(store: pyoxigraph.Store, graph_iri: str, kept: set[str]) -> list[Violation]:
    """IRIs the old version described, that other files use, and that the new version drops."""
    query = f"""SELECT DISTINCT ?x WHERE {{
        GRAPH <{graph_iri}> {{ ?x a ?t }}
        GRAPH ?g {{ ?s ?p ?x }} FILTER (?g != <{graph_iri}>)
        FILTER NOT EXISTS {{ GRAPH ?g2 {{ ?x a ?t2 }} FILTER (?g2 != <{graph_iri}>) }}
    }}"""
    nm = _bound_graph().namespace_manager
    lost = []
    for row in _select(store, query):
        iri = row["x"].value
        if iri in kept:
            continue
        node = URIRef(iri)
        lost.append(Violation(
            file=None, focus_node=node.n3(nm), path="rdf:type", value=None, source_shape="shapes:DescribedIri",
            severity="Violation", focus_term=node,
            message="This project IRI is used but never described (it has no rdf:type anywhere): check it for a typo "
                    "against actors.ttl, places.ttl, events.ttl or the vocabularies, or add the entity with its rdf:type and label.",
        ))
    return lost


def _orphaned_events(store: pyoxigraph.Store, graph_iri: str, still_about: set[str]) -> list[Violation]:
    """Events the old version had claims about that now have a claim nowhere."""
    query = f"""PREFIX shg: <{SHG}>
        SELECT DISTINCT ?e WHERE {{
          GRAPH <{graph_iri}> {{ ?c shg:about ?e }}
          FILTER NOT EXISTS {{ GRAPH ?g {{ ?c2 shg:about ?e }} FILTER (?g != <{graph_iri}>) }}
        }}"""
    candidates = [row["e"].value for row in _select(store, query) if row["e"].value not in still_about]
    return cross_file_violations_without(store, candidates, graph_iri)


def cross_file_violations_without(store: pyoxigraph.Store, events: list[str], graph_iri: str) -> list[Violation]:
    """``shapes:EventClaimedAbout`` for ``events``, which have lost their claims in ``graph_iri``."""
    nm = _bound_graph().namespace_manager
    out = []
    for e in events:
        files = [r["g"].value for r in _select(store, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{e}> a ?t }} }}")]
        node = URIRef(e)
        out.append(Violation(
            file=_graph_file(files[0]) if files else None, focus_node=node.n3(nm), path="^shg:about", value=None,
            source_shape="shapes:EventClaimedAbout", severity="Violation", message=_CROSS_MESSAGE, focus_term=node,
        ))
    return out
