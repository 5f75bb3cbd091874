"""What the server says about one IRI: its concise bounded description, plus labels.

One data function, :func:`describe`, feeds every format of a dereferenced
IRI. It asks the :class:`~sahel_kg.store.backend.GraphBackend` at most four whole
queries over the union graph:

1. the **concise bounded description** (CBD): every triple with the IRI as
   subject, recursively the triples of the blank nodes it points at (up to
   :data:`BLANK_DEPTH` levels, which covers counts, quotes, qualified
   attributions and curator inferences), and blank-node reifications of its
   statements; for an entity (``/id/…``) also the statements of our other
   entities that point at it — the claims about an incident, the responses
   to a claim, the places within a place — at most :data:`MAX_INBOUND` of
   them, with ``rdfs:seeAlso`` a query for all when there are more, so a
   client following its nose finds who said what — all in one CONSTRUCT;
2. for an ``owl:Ontology`` the whole graph(s) declaring it, for a
   ``skos:ConceptScheme`` its concepts' ``skos:inScheme`` links, and for an
   IRI that is never a subject the triples pointing at it (a version IRI);
3. the ``rdfs:label`` and ``skos:prefLabel`` of every other IRI in the result.

A named graph's IRI (``/graph/...``) is described by its content instead.

>>> iri_for_path("id/place/kidal")
'https://w3id.org/sahel-harm/id/place/kidal'
>>> iri_for_path("id/place/../x") is None, iri_for_path("static/x") is None
(True, True)
>>> d = Description("http://e/x", [])
>>> d.status
'unknown'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlencode

import pyoxigraph

from sahel_kg.namespaces import BASE, ENTITY_BASE, GRAPH_BASE, PREFIXES
from sahel_kg.rdf.oxigraph_types import value_of
from sahel_kg.store.backend import GraphBackend

#: Nested blank-node levels followed from the described IRI.
BLANK_DEPTH = 4
#: Most linked IRIs whose labels one description fetches.
MAX_LABELLED = 2000
#: Most statements pointing at an entity that its description holds (the rest: see :func:`inbound_link`).
MAX_INBOUND = 500
#: Longest path (after the base) that can name one of our IRIs.
MAX_PATH = 512
#: The first path segments of IRIs the server dereferences.
AREAS = ("id", "ontology", "shapes", "vocab", "graph")

RDF_TYPE = PREFIXES["rdf"] + "type"
OWL_ONTOLOGY = PREFIXES["owl"] + "Ontology"
OWL_DEPRECATED = PREFIXES["owl"] + "deprecated"
REPLACED_BY = PREFIXES["dcterms"] + "isReplacedBy"
CONCEPT_SCHEME = PREFIXES["skos"] + "ConceptScheme"
LABELS = (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel")

_SEGMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")

Status = Literal["found", "moved", "gone", "unknown"]


def iri_for_path(path: str) -> str | None:
    """The IRI in our namespace a server path (without the leading ``/``) names, or None.

    Only IRIs we could have minted pass: a known first segment, then segments
    of unreserved ASCII characters, none of them ``.`` or ``..``.
    """
    segments = path.split("/")
    if len(path) > MAX_PATH or segments[0] not in AREAS:
        return None
    if any(s in (".", "..") or not _SEGMENT.match(s) for s in segments[1:]):
        return None
    return BASE + path


@dataclass(frozen=True)
class Description:
    """The triples served for one IRI, and whether it is retired.

    ``graph`` is set when the triples are the content of the named graph ``iri``.
    """

    iri: str
    triples: list[pyoxigraph.Triple]
    graph: str | None = None
    replaced_by: str | None = field(default=None)
    deprecated: bool = False

    @property
    def status(self) -> Status:
        """``moved`` (301), ``gone`` (410), ``found`` (200) or ``unknown`` (404)."""
        if self.replaced_by:
            return "moved"
        if self.deprecated:
            return "gone"
        return "found" if self.triples else "unknown"


def _node(iri: str) -> str:
    return str(pyoxigraph.NamedNode(iri))


def cbd_query(iri: str, *, depth: int = BLANK_DEPTH) -> str:
    """One CONSTRUCT for the concise bounded description of ``iri``.

    >>> "isBlank(?b1)" in cbd_query("http://e/x", depth=2)
    True
    """
    node = _node(iri)
    branches = [f"{{ VALUES ?s {{ {node} }} ?s ?p ?o }}"]
    for level in range(1, depth + 1):
        chain = [node] + [f"?b{i}" for i in range(1, level + 1)]
        steps = " . ".join(f"{a} ?q{i} {b}" for i, (a, b) in enumerate(zip(chain, chain[1:])))
        blanks = " && ".join(f"isBlank({b})" for b in chain[1:])
        branches.append(f"{{ {steps} . FILTER({blanks}) BIND(?b{level} AS ?s) ?s ?p ?o }}")
    rdf = PREFIXES["rdf"]
    branches.append(
        f"{{ ?s <{rdf}subject> {node} ; <{rdf}predicate> ?rp ; <{rdf}object> ?ro . "
        f"FILTER(isBlank(?s)) ?s ?p ?o }}"
    )
    if iri.startswith(ENTITY_BASE):
        branches.append(f"{{ SELECT ?s ?p ?o WHERE {{ ?s ?p {node} FILTER(isIRI(?s) && ?s != {node} && "
                        f'STRSTARTS(STR(?s), "{ENTITY_BASE}")) BIND({node} AS ?o) }} LIMIT {MAX_INBOUND + 1} }}')
    return "CONSTRUCT { ?s ?p ?o } WHERE {\n  " + "\n  UNION ".join(branches) + "\n}"


def inbound_query(iri: str) -> str:
    """A CONSTRUCT of every statement of our entities that points at ``iri`` (what a bounded description links to)."""
    node = _node(iri)
    return (f"CONSTRUCT {{ ?s ?p {node} }} WHERE {{ ?s ?p {node} FILTER(isIRI(?s) && ?s != {node} && "
            f'STRSTARTS(STR(?s), "{ENTITY_BASE}")) }}')


def bounded_inbound(iri: str, triples: list[pyoxigraph.Triple]) -> list[pyoxigraph.Triple]:
    """``triples`` with at most :data:`MAX_INBOUND` statements pointing at ``iri``, and a link to all when cut.

    The link is ``<iri> rdfs:seeAlso <…/sparql?query=…>``: the :func:`inbound_query` on our endpoint.
    """
    inbound = [t for t in triples if t.object == pyoxigraph.NamedNode(iri) and value_of(t.subject) != iri]
    if len(inbound) <= MAX_INBOUND:
        return triples
    dropped = set(inbound[MAX_INBOUND:])
    see_also = pyoxigraph.Triple(pyoxigraph.NamedNode(iri), pyoxigraph.NamedNode(PREFIXES["rdfs"] + "seeAlso"),
                                 pyoxigraph.NamedNode(BASE + "sparql?" + urlencode({"query": inbound_query(iri)})))
    return [t for t in triples if t not in dropped] + [see_also]


def context_query(iri: str, triples: list[pyoxigraph.Triple]) -> str | None:
    """The query for what else belongs with ``iri`` (see the module docs), or None.

    >>> context_query("http://e/x", []) is not None
    True
    """
    node = _node(iri)
    types = {t.object.value for t in triples
             if value_of(t.subject) == iri and t.predicate.value == RDF_TYPE
             and isinstance(t.object, pyoxigraph.NamedNode)}
    if not triples:
        return f"CONSTRUCT {{ ?s ?p {node} }} WHERE {{ ?s ?p {node} }} LIMIT 10000"
    if OWL_ONTOLOGY in types:
        return (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ {node} <{RDF_TYPE}> <{OWL_ONTOLOGY}> . "
                f"?s ?p ?o }} }}")
    if CONCEPT_SCHEME in types:
        in_scheme = PREFIXES["skos"] + "inScheme"
        return f"CONSTRUCT {{ ?c <{in_scheme}> {node} }} WHERE {{ ?c <{in_scheme}> {node} }}"
    return None


def labels_query(iri: str, triples: list[pyoxigraph.Triple]) -> str | None:
    """One CONSTRUCT for the labels of every other IRI in ``triples``, or None when there is none.

    >>> t = pyoxigraph.Triple(pyoxigraph.NamedNode("http://e/x"), pyoxigraph.NamedNode("http://e/p"),
    ...                       pyoxigraph.NamedNode("http://e/y"))
    >>> "<http://e/y>" in labels_query("http://e/x", [t])
    True
    """
    linked = sorted({term.value for t in triples for term in (t.subject, t.predicate, t.object)
                     if isinstance(term, pyoxigraph.NamedNode) and term.value != iri})[:MAX_LABELLED]
    if not linked:
        return None
    values = " ".join(_node(i) for i in linked)
    # One UNION branch per label property: with the properties as a second VALUES,
    # the store joined ``?x ?lp ?l`` over every label (0.4-0.7 s per page at 100k incidents).
    branches = " UNION ".join(f"{{ ?x <{p}> ?l BIND(<{p}> AS ?lp) }}" for p in LABELS)
    return f"CONSTRUCT {{ ?x ?lp ?l }} WHERE {{ VALUES ?x {{ {values} }} {branches} }}"


def _unique(triples: list[pyoxigraph.Triple]) -> list[pyoxigraph.Triple]:
    return list(dict.fromkeys(triples))


def _retirement(iri: str, triples: list[pyoxigraph.Triple]) -> tuple[str | None, bool]:
    replaced = [t.object.value for t in triples if value_of(t.subject) == iri
                and t.predicate.value == REPLACED_BY and isinstance(t.object, pyoxigraph.NamedNode)]
    deprecated = any(value_of(t.subject) == iri and t.predicate.value == OWL_DEPRECATED
                     and isinstance(t.object, pyoxigraph.Literal) and t.object.value in ("true", "1")
                     for t in triples)
    return (sorted(replaced)[0] if replaced else None), deprecated


def graph_content(backend: GraphBackend, iri: str) -> list[pyoxigraph.Triple]:
    """Every triple of the named graph ``iri`` (empty when there is no such graph)."""
    return backend.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {_node(iri)} {{ ?s ?p ?o }} }}")


def cbd(backend: GraphBackend, iri: str) -> list[pyoxigraph.Triple]:
    """The concise bounded description of ``iri``: one query in the usual case.

    Blank nodes are followed one level first (counts, quotes, attributions and
    inferences are one level deep); only when one of them points at another
    blank node is the description read again to :data:`BLANK_DEPTH` levels.
    Each level is a UNION branch that walks from the IRI again, which costs
    even when it finds nothing.
    """
    triples = backend.construct(cbd_query(iri, depth=1))
    if any(isinstance(t.subject, pyoxigraph.BlankNode) and isinstance(t.object, pyoxigraph.BlankNode)
           for t in triples):
        triples = backend.construct(cbd_query(iri))
    return bounded_inbound(iri, triples)


def describe(backend: GraphBackend, iri: str, *, labels: bool = True) -> Description:
    """Everything served for ``iri``: its CBD, context and linked labels, or a graph's content.

    ``labels=False`` leaves out the labels of the other IRIs (an HTML page reads
    its own, most of them remembered per store).

    >>> store = pyoxigraph.Store()
    >>> x, p, b = pyoxigraph.NamedNode(BASE + "id/place/x"), pyoxigraph.NamedNode("http://e/p"), pyoxigraph.BlankNode()
    >>> c = pyoxigraph.BlankNode()
    >>> store.extend([pyoxigraph.Quad(x, p, b), pyoxigraph.Quad(b, p, c), pyoxigraph.Quad(c, p, pyoxigraph.Literal("deep"))])
    >>> from sahel_kg.store.backend import EmbeddedBackend
    >>> sorted(t.object.value for t in describe(EmbeddedBackend(store), x.value).triples
    ...        if isinstance(t.object, pyoxigraph.Literal))
    ['deep']
    """
    if iri.startswith(GRAPH_BASE) and (content := graph_content(backend, iri)):
        return Description(iri, content, graph=iri)
    triples = cbd(backend, iri)
    replaced_by, deprecated = _retirement(iri, triples)
    if (extra := context_query(iri, triples)) is not None:
        triples = _unique(triples + backend.construct(extra))
    if labels:
        triples = with_labels(backend, iri, triples)
    return Description(iri, triples, replaced_by=replaced_by, deprecated=deprecated)


def with_labels(backend: GraphBackend, iri: str, triples: list[pyoxigraph.Triple]) -> list[pyoxigraph.Triple]:
    """``triples`` and the labels of the other IRIs in them (one query)."""
    if triples and (labels := labels_query(iri, triples)) is not None:
        return _unique(triples + backend.construct(labels))
    return triples
