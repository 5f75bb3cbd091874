"""JSON-LD: the published context, and entity documents compacted with it (PyLD).

The context (``/context.jsonld``) gives every property of our ontology a bare
name (``about``, ``stance``, ``best`` — with ``@type: @id`` for object
properties and the XSD datatype of the range for typed values), the common
terms of the vocabularies we reuse (``label``, ``wasAttributedTo``…), and the
prefixes of :data:`~sahel_kg.namespaces.PREFIXES`. A prefix whose name is also
a property's (``stance``, ``method``) is left out — one name cannot be both in
JSON-LD — and the concepts of those schemes compact under ``vocab:``
(``vocab:stance/alleges``).

Entity documents are made by PyLD from pyoxigraph's N-Quads (so that
``rdf:type`` becomes ``type``), compacted with that context, which is
embedded in each document so that it reads the same with no network.
Contexts are never fetched: the loader refuses every URL.

>>> from pyoxigraph import NamedNode
>>> ctx = context_document([{"p": NamedNode(PREFIXES["shg"] + "stance"),
...                          "kind": NamedNode(PREFIXES["owl"] + "ObjectProperty")}])["@context"]
>>> ctx["stance"], ctx["vocab"]
({'@id': 'shg:stance', '@type': '@id'}, 'https://w3id.org/sahel-harm/vocab/')
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pyld import jsonld

from sahel_kg.namespaces import BASE, PREFIXES
from sahel_kg.rdf.oxigraph_types import Term, value_of
from sahel_kg.store.backend import GraphBackend

#: The ontology's properties, their kind and range (one row each).
PROPERTIES = f"""SELECT ?p ?kind (SAMPLE(?r) AS ?range) WHERE {{
  VALUES ?kind {{ <{PREFIXES["owl"]}ObjectProperty> <{PREFIXES["owl"]}DatatypeProperty> }}
  ?p a ?kind . OPTIONAL {{ ?p <{PREFIXES["rdfs"]}range> ?r }}
  FILTER(STRSTARTS(STR(?p), "{PREFIXES["shg"]}"))
}} GROUP BY ?p ?kind ORDER BY ?p"""
#: Terms of other vocabularies that every document uses, by short name.
COMMON_TERMS: dict[str, Any] = {
    "id": "@id", "type": "@type",
    "label": {"@id": "rdfs:label"}, "prefLabel": {"@id": "skos:prefLabel"},
    "altLabel": {"@id": "skos:altLabel"}, "definition": {"@id": "skos:definition"},
    "inScheme": {"@id": "skos:inScheme", "@type": "@id"},
    "wasAttributedTo": {"@id": "prov:wasAttributedTo", "@type": "@id"},
    "wasDerivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
    "eventType": {"@id": "sem:eventType", "@type": "@id"},
    "hasPlace": {"@id": "sem:hasPlace", "@type": "@id"},
    "sfWithin": {"@id": "geo:sfWithin", "@type": "@id"},
    "hasGeometry": {"@id": "geo:hasGeometry", "@type": "@id"},
    "asWKT": {"@id": "geo:asWKT", "@type": "geo:wktLiteral"},
    "exact": {"@id": "oa:exact"}, "title": {"@id": "dcterms:title"},
    "publisher": {"@id": "dcterms:publisher", "@type": "@id"},
}


def context_document(properties: Sequence[Mapping[str, Term]]) -> dict[str, Any]:
    """The JSON-LD context from the ontology's properties (rows of :data:`PROPERTIES`)."""
    terms: dict[str, Any] = {}
    for row in properties:
        local = value_of(row["p"])[len(PREFIXES["shg"]):]
        term: dict[str, str] = {"@id": f"shg:{local}"}
        rng = value_of(row["range"]) if "range" in row else None
        if value_of(row["kind"]).endswith("ObjectProperty"):
            term["@type"] = "@id"
        elif rng is not None and rng.startswith(PREFIXES["xsd"]) and not rng.endswith("#string"):
            term["@type"] = "xsd:" + rng[len(PREFIXES["xsd"]):]
        terms[local] = term
    for name, term in COMMON_TERMS.items():
        terms.setdefault(name, term)
    prefixes = {name: ns for name, ns in {**PREFIXES, "vocab": BASE + "vocab/"}.items() if name not in terms}
    return {"@context": {**prefixes, **terms}}


def _no_remote_documents(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    raise jsonld.JsonLdError(f"remote documents are not loaded: {url}", "jsonld.LoadDocumentError",
                             code="loading document failed")


def compact(nquads: bytes, context: dict[str, Any]) -> bytes:
    """RDF in N-Quads (or N-Triples) as JSON-LD compacted with ``context`` (a :func:`context_document`), embedded.

    >>> doc = b'<https://w3id.org/sahel-harm/id/claim/c> <https://w3id.org/sahel-harm/ontology/best> '
    >>> doc += b'"3"^^<http://www.w3.org/2001/XMLSchema#integer> .'
    >>> ctx = {"@context": {"claim": PREFIXES["claim"], "xsd": PREFIXES["xsd"], "id": "@id",
    ...                     "best": {"@id": PREFIXES["shg"] + "best", "@type": "xsd:integer"}}}
    >>> out = json.loads(compact(doc, ctx))
    >>> out["id"], out["best"]
    ('claim:c', '3')
    """
    expanded = jsonld.from_rdf(nquads.decode("utf-8"), {"format": "application/n-quads"})
    compacted = jsonld.compact(expanded, context, options={"documentLoader": _no_remote_documents})
    return json.dumps(compacted, ensure_ascii=False, indent=1).encode("utf-8")


def cached_context(state: Any, backend: GraphBackend) -> dict[str, Any]:
    """The app's context document (``state.jsonld_context``), read from the ontology in ``backend`` once."""
    if state.jsonld_context is None:
        state.jsonld_context = context_document(backend.select(PROPERTIES))
    context: dict[str, Any] = state.jsonld_context
    return context


def jsonld_body(nquads: bytes, state: Any, backend: GraphBackend) -> bytes:
    """An entity document: its N-Quads as JSON-LD compacted with the app's context."""
    return compact(nquads, cached_context(state, backend))
