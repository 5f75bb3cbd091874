"""The terms the query editor completes: our classes, properties and SKOS concepts, read from the graph.

The ontology and the vocabularies are loaded into the store with the data,
so one query lists every class (``owl:Class``, ``rdfs:Class``), property
(``owl:ObjectProperty``, ``owl:DatatypeProperty``, ``rdf:Property``…) and
concept (``skos:Concept``) whose IRI shortens under one of our prefixes,
with its English label and comment. The route is ``/query/terms.json``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sahel_kg.labels import LABEL_PROPS
from sahel_kg.namespaces import PREFIXES, compact
from sahel_kg.rdf.oxigraph_types import value_of
from sahel_kg.store.backend import GraphBackend

KINDS = {
    "class": ("owl:Class", "rdfs:Class"),
    "property": ("owl:ObjectProperty", "owl:DatatypeProperty", "owl:AnnotationProperty", "rdf:Property"),
    "concept": ("skos:Concept",),
}


@dataclass(frozen=True)
class Term:
    """One term the editor offers: ``curie`` is what is inserted, ``kind`` is class, property or concept."""

    curie: str
    iri: str
    kind: str
    label: str
    comment: str


def _terms_query() -> str:
    values = " ".join(f"({t} \"{kind}\")" for kind, types in KINDS.items() for t in types)
    labels = " ".join(f"<{p}>" for p in LABEL_PROPS)
    prefixes = "\n".join(f"PREFIX {p}: <{PREFIXES[p]}>" for p in ("owl", "rdfs", "rdf", "skos"))
    return f"""{prefixes}
SELECT ?term ?kind (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?comment) WHERE {{
  VALUES (?type ?kind) {{ {values} }}
  ?term a ?type . FILTER(isIRI(?term))
  OPTIONAL {{ VALUES ?lp {{ {labels} }} ?term ?lp ?l FILTER(LANG(?l) = "en" || LANG(?l) = "") }}
  OPTIONAL {{ ?term rdfs:comment|skos:definition ?c FILTER(LANG(?c) = "en" || LANG(?c) = "") }}
}} GROUP BY ?term ?kind"""


def completion_terms(backend: GraphBackend) -> list[Term]:
    """Every class, property and concept under our prefixes, sorted by kind then CURIE (one kind per term)."""
    order = list(KINDS)
    seen: dict[str, Term] = {}
    for row in backend.select(_terms_query()):
        iri, kind = value_of(row["term"]), value_of(row["kind"])
        curie = compact(iri)
        if curie == iri:
            continue  # not under one of our prefixes: the editor could not write it short
        label = value_of(row["label"]) if row["label"] is not None else ""
        comment = value_of(row["comment"]) if row["comment"] is not None else ""
        known = seen.get(iri)
        if known is None or order.index(kind) < order.index(known.kind):
            seen[iri] = Term(curie, iri, kind, label, " ".join(comment.split())[:200])
    return sorted(seen.values(), key=lambda t: (order.index(t.kind), t.curie))


def completion_document(backend: GraphBackend) -> dict[str, object]:
    """The JSON the editor loads: ``{"prefixes": {prefix: namespace}, "terms": [{curie, iri, kind, label, comment}]}``."""
    return {"prefixes": dict(PREFIXES), "terms": [asdict(t) for t in completion_terms(backend)]}
