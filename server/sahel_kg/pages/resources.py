"""Facts about a set of subjects, read in one or two queries into plain Python objects.

Pages never hold pyoxigraph terms: :func:`facts` turns the rows of one SELECT
into :class:`Resource` objects (a subject and its property values, with the
labels of those values and, for blank nodes, their own properties one level
down). View builders read these; templates read the views.

>>> import pyoxigraph
>>> from sahel_kg.store.backend import EmbeddedBackend
>>> store = pyoxigraph.Store()
>>> store.load(b'''@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... <http://e/a> rdfs:label "A"@en ; <http://e/knows> <http://e/b> ; <http://e/n> [ <http://e/v> 3 ] .
... <http://e/b> rdfs:label "B"@en .''', format=pyoxigraph.RdfFormat.TURTLE)
>>> found = facts(EmbeddedBackend(store), "?s <http://e/knows> ?o")
>>> a = found["http://e/a"]
>>> a.text(RDFS_LABEL), a.first("http://e/knows").label
('A', 'B')
>>> a.first("http://e/n").node.first("http://e/v").text
'3'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph

from sahel_kg.labels import DC_TITLE, LABEL_PROPS, RDF_TYPE, RDFS_LABEL, SKOS_PREF, Label, best_label, lang_rank
from sahel_kg.languages import current
from sahel_kg.rdf.oxigraph_types import Term, value_of
from sahel_kg.store.backend import GraphBackend
from sahel_kg.store.cache import cache_for


@dataclass
class Value:
    """One value of a property: an IRI, a blank node or a literal, ready to show."""

    text: str  # IRI, blank node id, or the literal's lexical form
    kind: str = "literal"  # iri, bnode, literal
    label: str | None = None
    label_rank: int = 9
    lang: str | None = None
    datatype: str | None = None
    node: Resource | None = None  # a blank node's own facts

    @property
    def iri(self) -> str | None:
        """The IRI when the value is one."""
        return self.text if self.kind == "iri" else None

    @property
    def display(self) -> str:
        """The label if known, else the text."""
        return self.label or self.text


@dataclass
class Resource:
    """A subject and its values per property IRI."""

    id: str
    props: dict[str, list[Value]] = field(default_factory=dict)
    prop_labels: dict[str, str] = field(default_factory=dict)

    def values(self, prop: str) -> list[Value]:
        """All values of ``prop`` (in the order read)."""
        return self.props.get(prop, [])

    def first(self, prop: str) -> Value | None:
        """The preferred value of ``prop``: an English literal before others."""
        values = self.values(prop)
        return min(values, key=lambda v: lang_rank(v.lang)) if values else None

    def text(self, prop: str) -> str | None:
        """The preferred value's text, or None."""
        value = self.first(prop)
        return value.text if value else None

    def iris(self, prop: str) -> list[str]:
        """The IRI values of ``prop``."""
        return [v.text for v in self.values(prop) if v.kind == "iri"]

    @property
    def types(self) -> set[str]:
        """The subject's rdf:type IRIs."""
        return set(self.iris(RDF_TYPE))

    @property
    def label(self) -> str:
        """rdfs:label, skos:prefLabel or dcterms:title, else the id."""
        for prop in (RDFS_LABEL, SKOS_PREF, DC_TITLE):
            if (text := self.text(prop)) is not None:
                return text
        return self.id

    @property
    def label_lang(self) -> str | None:
        """The language tag of :attr:`label` (None when untagged or when the id stands in for it)."""
        for prop in (RDFS_LABEL, SKOS_PREF, DC_TITLE):
            if (value := self.first(prop)) is not None:
                return value.lang or None
        return None


def term_key(term: object) -> str:
    """A string identifying a term within one result."""
    if isinstance(term, pyoxigraph.NamedNode):
        return term.value
    if isinstance(term, pyoxigraph.BlankNode):
        return "_:" + term.value
    if isinstance(term, pyoxigraph.Literal):
        return f'"{term.value}"@{term.language or ""}^^{term.datatype.value}'
    return str(term)


def to_value(term: object) -> Value:
    """A :class:`Value` for a pyoxigraph term."""
    if isinstance(term, pyoxigraph.NamedNode):
        return Value(term.value, "iri")
    if isinstance(term, pyoxigraph.BlankNode):
        return Value(term.value, "bnode", node=Resource("_:" + term.value))
    if isinstance(term, pyoxigraph.Literal):
        return Value(term.value, "literal", lang=term.language, datatype=term.datatype.value)
    return Value(str(term))


#: Most subjects one :func:`facts` call reads (a page shows a bounded first page, never everything).
MAX_SUBJECTS = 500


def facts_query(subjects: list[str], hop: str | None = None, hop_props: Iterable[str] = ()) -> str:
    """The first SELECT behind :func:`facts_of`: the triples of the given IRIs and of their blank nodes.

    With ``hop`` (a property path), also the triples of what the subjects reach by it
    (only those of ``hop_props`` when given). The subjects are given by VALUES
    inside each UNION branch: joined with a pattern or with OPTIONAL label
    lookups, ``?s ?p ?o`` may be planned as a scan of the whole store or cost a
    slow lookup per row; given once outside the branches, they are not pushed
    into them.
    """
    values = "VALUES ?s0 { " + " ".join(f"<{iri}>" for iri in subjects) + " }"
    branches = [f"{values} BIND(?s0 AS ?s) ?s ?p ?o .",
                f"{values} BIND(?s0 AS ?s) ?s ?p ?o . FILTER(isBlank(?o)) ?o ?bp ?bo ."]
    if hop:
        kept = ", ".join(f"<{p}>" for p in hop_props)
        branches.append(f"{{ SELECT DISTINCT ?s WHERE {{ {values} ?s0 {hop} ?s . FILTER(isIRI(?s)) }} }} ?s ?p ?o ."
                        + (f" FILTER(?p IN ({kept}))" if kept else ""))
    return "SELECT ?s ?p ?o ?bp ?bo WHERE { " + " UNION ".join(f"{{ {b} }}" for b in branches) + " }"


def labels_query(iris: list[str]) -> str:
    """The SELECT behind :func:`labels_of`: the labels of the given IRIs.

    Each IRI's own triples are read and the label properties kept by a FILTER:
    with the properties as a path or a second VALUES, the store joined over
    every label it has (seconds), and each label is a lookup of its own.
    """
    values = " ".join(f"<{iri}>" for iri in iris)
    props = ", ".join(f"<{p}>" for p in LABEL_PROPS)
    return f"SELECT ?x ?p ?l WHERE {{ VALUES ?x {{ {values} }} ?x ?p ?l FILTER(?p IN ({props})) }}"


def labels_of(backend: GraphBackend, iris: Iterable[str]) -> dict[str, Label]:
    """The labels of IRIs (those without one left out): remembered per store, the rest in one query.

    The store served is read-only, so a label once read stays right (see :mod:`sahel_kg.store.cache`);
    it is remembered per reader's language, since the best label depends on it.
    """
    cache, lang = cache_for(backend).labels, current()
    held, missing = cache.get_many([(lang, iri) for iri in sorted(set(iris))])
    known: dict[str, Label | None] = {str(key[1]): label for key, label in held.items()}  # type: ignore[index]
    if missing:
        read: dict[str, list[tuple[str, str, str | None]]] = {str(key[1]): [] for key in missing}  # type: ignore[index]
        for row in backend.select(labels_query(list(read))):
            label = row["l"]
            if isinstance(label, pyoxigraph.Literal):
                read[value_of(row["x"])].append((value_of(row["p"]), label.value, label.language))
        for iri, found in read.items():
            known[iri] = best_label(found)
            cache.put((lang, iri), known[iri])
    return {iri: label for iri, label in known.items() if label is not None}


def remember_labels(backend: GraphBackend, resources: Iterable[Resource]) -> None:
    """Keep the labels of resources read whole, for the pages that only name them."""
    cache, lang = cache_for(backend).labels, current()
    for resource in resources:
        if not resource.id.startswith("_:"):
            cache.put((lang, resource.id), own_label(resource))


def own_label(resource: Resource) -> Label | None:
    """The label a resource's own values give it, as :func:`best_label` picks."""
    return best_label((prop, v.text, v.lang) for prop in LABEL_PROPS for v in resource.values(prop)
                      if v.kind == "literal")


def subjects(backend: GraphBackend, selector: str, *, limit: int = MAX_SUBJECTS) -> list[str]:
    """The IRIs ``selector`` binds to ``?s`` (blank nodes left out), at most ``limit`` of them."""
    found = backend.select(f"SELECT DISTINCT ?s WHERE {{ {selector} }} LIMIT {limit}")
    return [s.value for row in found if isinstance(s := row.get("s"), pyoxigraph.NamedNode)]


def facts(backend: GraphBackend, selector: str, *, limit: int = MAX_SUBJECTS,
          hop: str | None = None) -> dict[str, Resource]:
    """Every IRI the selector binds to ``?s`` (at most ``limit``), with its values.

    Three queries at most: the subjects, then :func:`facts_of` them (call that
    directly for IRIs already known).
    """
    return facts_of(backend, subjects(backend, selector, limit=limit), hop=hop)


def facts_of(backend: GraphBackend, iris: Iterable[str], *, hop: str | None = None,
             hop_props: Iterable[str] = ()) -> dict[str, Resource]:
    """The given IRIs (and with ``hop`` what they reach by that path) with their values.

    Two queries at most (none for no IRIs): the triples, then the labels of the
    IRIs in them that the store's label cache does not hold yet.
    """
    wanted = sorted(set(iris))
    found: dict[str, Resource] = {}
    if not wanted:
        return found
    seen: dict[str, Value] = {}
    for row in backend.select(facts_query(wanted, hop, hop_props)):
        subject = found.setdefault(term_key(row["s"]), Resource(term_key(row["s"])))
        value = _add_value(subject, seen, value_of(row["p"]), row["o"])
        if "bp" in row and value.node is not None:
            _add_value(value.node, seen, value_of(row["bp"]), row["bo"])
    remember_labels(backend, found.values())
    _add_labels(backend, found)
    return found


def resource_from_triples(iri: str, triples: Iterable[pyoxigraph.Triple]) -> Resource | None:
    """The facts of ``iri`` from triples already read (a description), blank nodes filled in; None if it has none.

    >>> e = lambda x: pyoxigraph.NamedNode("http://e/" + x)
    >>> b = pyoxigraph.BlankNode()
    >>> r = resource_from_triples("http://e/a", [pyoxigraph.Triple(e("a"), e("n"), b),
    ...                                         pyoxigraph.Triple(b, e("v"), pyoxigraph.Literal("3"))])
    >>> r.first("http://e/n").node.text("http://e/v")
    '3'
    """
    by_subject: dict[str, list[pyoxigraph.Triple]] = {}
    for triple in triples:
        by_subject.setdefault(term_key(triple.subject), []).append(triple)
    if iri not in by_subject:
        return None
    seen: dict[str, Value] = {}

    def fill(resource: Resource, depth: int) -> None:
        for triple in by_subject.get(resource.id, []):
            value = _add_value(resource, seen, triple.predicate.value, triple.object)
            if value.node is not None and not value.node.props and depth < 8:
                fill(value.node, depth + 1)

    resource = Resource(iri)
    fill(resource, 0)
    return resource


def facts_from_triples(backend: GraphBackend, iri: str, triples: Iterable[pyoxigraph.Triple]) -> dict[str, Resource]:
    """What :func:`facts_of` gives for one IRI, from its description already read (labels: one query at most)."""
    resource = resource_from_triples(iri, triples)
    if resource is None:
        return {}
    found = {iri: resource}
    _add_labels(backend, found)
    return found


def _add_labels(backend: GraphBackend, found: dict[str, Resource]) -> None:
    """Label every IRI value and property of ``found`` (at most one query; see :func:`labels_of`)."""
    named: dict[str, list[Value]] = {}
    for resource in found.values():
        for node in [resource] + [v.node for vs in resource.props.values() for v in vs if v.node is not None]:
            for prop, values in node.props.items():
                named.setdefault(prop, [])
                for value in values:
                    if value.kind == "iri":
                        named.setdefault(value.text, []).append(value)
    labels = {iri: label for iri in named if iri in found  # what was read already needs no second look
              if (label := own_label(found[iri])) is not None}
    labels |= labels_of(backend, (iri for iri in named if iri not in found))
    for iri, (text, rank) in labels.items():
        for value in named.get(iri, []):
            value.label, value.label_rank = text, rank
    for resource in found.values():
        for prop in resource.props:
            if prop in labels:
                resource.prop_labels[prop] = labels[prop][0]


def _add_value(resource: Resource, seen: dict[str, Value], prop: str, term: object) -> Value:
    key = resource.id + " " + prop + " " + term_key(term)
    if key not in seen:
        seen[key] = to_value(term)
        resource.props.setdefault(prop, []).append(seen[key])
    return seen[key]


def plain(term: Term) -> str:
    """The text of a term (IRI, blank node id or lexical form; a quoted triple in N-Triples).

    >>> plain(pyoxigraph.Literal("x")), plain(pyoxigraph.NamedNode("http://e/a"))
    ('x', 'http://e/a')
    """
    return str(term) if isinstance(term, pyoxigraph.Triple) else term.value


def rows(backend: GraphBackend, sparql: str) -> list[dict[str, str]]:
    """A SELECT's solutions as plain strings (unbound variables absent)."""
    return [{name: plain(term) for name, term in row.items()} for row in backend.select(sparql)]


def safe_iri(iri: str) -> bool:
    """True when ``iri`` can be written between ``<`` and ``>`` in a query.

    >>> safe_iri("https://w3id.org/sahel-harm/id/place/mali"), safe_iri("x> } DROP ALL #")
    (True, False)
    """
    return bool(iri) and ":" in iri and not any(c in iri for c in '<>"{}|^`\\ \n\t\r')
