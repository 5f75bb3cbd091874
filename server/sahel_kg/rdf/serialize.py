"""Serializing triples in any RDF format with the project's prefixes, by pyoxigraph.

Formats with named graphs (N-Quads, TriG) put the triples in ``graph`` when
one is given, else in the default graph. Formats with prefixes (Turtle, TriG,
N3, RDF/XML) get :data:`~sahel_kg.namespaces.PREFIXES` and any ``extra``.

>>> t = pyoxigraph.Triple(pyoxigraph.NamedNode("https://w3id.org/sahel-harm/id/place/kidal"),
...                       pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
...                       pyoxigraph.Literal("Kidal"))
>>> print(serialize([t], pyoxigraph.RdfFormat.TURTLE).decode().splitlines()[-1])
place:kidal rdfs:label "Kidal" .
>>> serialize([t], pyoxigraph.RdfFormat.N_QUADS, graph="http://e/g").decode().split()[-2]
'<http://e/g>'
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph

from sahel_kg.namespaces import PREFIXES

#: Formats whose serialization can hold named graphs.
DATASET_FORMATS = (pyoxigraph.RdfFormat.N_QUADS, pyoxigraph.RdfFormat.TRIG)
#: Formats whose serialization pyoxigraph writes prefixes into.
PREFIX_FORMATS = (pyoxigraph.RdfFormat.TURTLE, pyoxigraph.RdfFormat.TRIG,
                  pyoxigraph.RdfFormat.N3, pyoxigraph.RdfFormat.RDF_XML)


def _used_prefixes(triples: list[pyoxigraph.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    iris = {term.value for t in triples for term in (t.subject, t.predicate, t.object)
            if isinstance(term, pyoxigraph.NamedNode)}
    iris |= {t.object.datatype.value for t in triples if isinstance(t.object, pyoxigraph.Literal)}
    return {p: ns for p, ns in prefixes.items() if any(i.startswith(ns) for i in iris)}


def by_subject(triples: Iterable[pyoxigraph.Triple]) -> list[pyoxigraph.Triple]:
    """The triples with each subject's together, subjects in order of first appearance."""
    groups: dict[object, list[pyoxigraph.Triple]] = {}
    for t in triples:
        groups.setdefault(t.subject, []).append(t)
    return [t for group in groups.values() for t in group]


def serialize(
    triples: Iterable[pyoxigraph.Triple], fmt: pyoxigraph.RdfFormat, *,
    graph: str | None = None, extra: dict[str, str] | None = None,
) -> bytes:
    """``triples`` in format ``fmt``, grouped by subject, declaring only the prefixes they use."""
    items = by_subject(triples)
    if fmt in DATASET_FORMATS:
        name = pyoxigraph.NamedNode(graph) if graph else pyoxigraph.DefaultGraph()
        quads = [pyoxigraph.Quad(t.subject, t.predicate, t.object, name) for t in items]
        prefixes = _used_prefixes(items, {**PREFIXES, **(extra or {})}) if fmt in PREFIX_FORMATS else None
        data = pyoxigraph.serialize(quads, format=fmt, prefixes=prefixes)
    elif fmt in PREFIX_FORMATS:
        data = pyoxigraph.serialize(items, format=fmt, prefixes=_used_prefixes(items, {**PREFIXES, **(extra or {})}))
    else:
        data = pyoxigraph.serialize(items, format=fmt)
    assert data is not None, "without an output, pyoxigraph returns the bytes"
    return data
