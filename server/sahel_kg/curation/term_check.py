"""Undeclared terms: every property, class and datatype our files use is declared.

Declared means: a class or property of our ontology (typed in ``ontology/``
as ``owl:Class``, ``owl:ObjectProperty``…) or a term of a vocabulary we reuse,
listed with its specification in ``ontology/reused-terms.csv`` (a closed list:
add a row, with the specification's URL, to use a new one). A typo such as
``schema:jobTitel`` or ``dcterms:publsher`` is valid RDF and no shape looks at
a property it does not name, so it would silently drop the value; a class
typo (``a shg:Cliam``) takes the node out of every shape of its class. Both
are reported at the file and subject that use them, with the nearest declared
name (:func:`difflib.get_close_matches`). SHACL cannot list the terms a graph
may use, nor suggest one, hence Python.

>>> terms = DeclaredTerms(properties={"https://schema.org/jobTitle": "https://schema.org/jobTitle"})
>>> terms.suggestion("https://schema.org/jobTitel", "property")
'schema:jobTitle'
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from sahel_kg.curation.terms import SHG
from sahel_kg.namespaces import PREFIXES

#: The closed list of reused terms, relative to the project root.
REUSED_TERMS = Path("ontology") / "reused-terms.csv"
KINDS = ("class", "property", "datatype")
#: rdf:type values that declare a term of our ontology, and the kind they declare.
DECLARING_TYPES: dict[URIRef, str] = {
    OWL.Class: "class", RDFS.Class: "class",
    OWL.ObjectProperty: "property", OWL.DatatypeProperty: "property", OWL.AnnotationProperty: "property",
    OWL.SymmetricProperty: "property", OWL.TransitiveProperty: "property", RDF.Property: "property",
}


def expand(curie: str) -> str:
    """A full IRI from ``prefix:name`` with the project's prefixes (an IRI stays as it is).

    >>> expand("prov:wasDerivedFrom")
    'http://www.w3.org/ns/prov#wasDerivedFrom'
    """
    prefix, _, name = curie.partition(":")
    return PREFIXES[prefix] + name if prefix in PREFIXES and not name.startswith("//") else curie


def compact(iri: str) -> str:
    """``prefix:name`` for an IRI in one of the project's namespaces, else ``<iri>``.

    >>> compact("https://w3id.org/sahel-harm/ontology/Claim"), compact("urn:x")
    ('shg:Claim', '<urn:x>')
    """
    for prefix, namespace in PREFIXES.items():
        rest = iri[len(namespace):]
        if iri.startswith(namespace) and rest and all(c.isalnum() or c in "-_." for c in rest):
            return f"{prefix}:{rest}"
    return f"<{iri}>"


@dataclass
class DeclaredTerms:
    """Declared terms by kind, each with where it is declared (a file or a specification URL)."""

    classes: dict[str, str] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    datatypes: dict[str, str] = field(default_factory=dict)

    def of_kind(self, kind: str) -> dict[str, str]:
        """The declared terms of one kind: ``class``, ``property`` or ``datatype``."""
        return {"class": self.classes, "property": self.properties, "datatype": self.datatypes}[kind]

    def kind_of(self, iri: str) -> str | None:
        """The kind ``iri`` is declared as, if any."""
        return next((kind for kind in KINDS if iri in self.of_kind(kind)), None)

    def suggestion(self, iri: str, kind: str) -> str | None:
        """The declared term of this kind whose name is nearest to ``iri``'s, if one is near."""
        names = {compact(term): term for term in self.of_kind(kind)}
        close = difflib.get_close_matches(compact(iri), list(names), n=1, cutoff=0.6)
        return close[0] if close else None


def read_reused_terms(path: Path) -> DeclaredTerms:
    """The rows of a ``term,kind,specification`` CSV file as declared terms.

    Raises ValueError naming the line of a row whose kind is unknown.
    """
    terms = DeclaredTerms()
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            if row.get("kind") not in KINDS:
                raise ValueError(f"{path}:{number}: kind must be one of {', '.join(KINDS)}, not {row.get('kind')!r}")
            terms.of_kind(row["kind"])[expand(row["term"].strip())] = row["specification"].strip()
    return terms


def declared_terms(root: Path, ontology: dict[str, Graph]) -> DeclaredTerms:
    """The reused terms of ``root``'s closed list and the terms the ontology files declare."""
    path = root / REUSED_TERMS
    terms = read_reused_terms(path) if path.is_file() else DeclaredTerms()
    for label, graph in ontology.items():
        for term, kind in _own_declarations(graph):
            terms.of_kind(kind)[term] = label
    return terms


def _own_declarations(graph: Graph) -> Iterator[tuple[str, str]]:
    for declaring, kind in DECLARING_TYPES.items():
        for term in graph.subjects(RDF.type, declaring):
            if isinstance(term, URIRef) and str(term).startswith(str(SHG)):
                yield str(term), kind


@dataclass(frozen=True)
class UndeclaredUse:
    """A term used in a triple without being declared as what it is used as."""

    subject: Node
    predicate: Node  # an IRI in any graph read from Turtle; rdflib types it as any node
    value: Node
    term: str
    kind: str  # what it is used as


def undeclared_uses(graph: Graph, terms: DeclaredTerms) -> Iterator[UndeclaredUse]:
    """Each use of an undeclared property, class (``rdf:type`` value) or datatype, once per subject."""
    seen: set[tuple[Node, str]] = set()
    for subject, predicate, value in graph:
        for term, kind in _terms_in(predicate, value):
            if term not in terms.of_kind(kind) and (subject, term) not in seen:
                seen.add((subject, term))
                yield UndeclaredUse(subject, predicate, value, term, kind)


def _terms_in(predicate: Node, value: Node) -> Iterable[tuple[str, str]]:
    yield str(predicate), "property"
    if predicate == RDF.type and isinstance(value, URIRef):
        yield str(value), "class"
    if isinstance(value, Literal) and value.datatype is not None:
        yield str(value.datatype), "datatype"


def message_for(use: UndeclaredUse, terms: DeclaredTerms) -> str:
    """What is wrong with an undeclared term, with the nearest declared name.

    >>> terms = DeclaredTerms(classes={str(SHG.Claim): "ontology/core.ttl"})
    >>> use = UndeclaredUse(URIRef("urn:c"), RDF.type, SHG.Cliam, str(SHG.Cliam), "class")
    >>> message_for(use, terms)
    'shg:Cliam is not a class of our ontology nor of a vocabulary we reuse (ontology/reused-terms.csv): did you mean shg:Claim?'
    """
    shown = compact(use.term)
    declared_as = terms.kind_of(use.term)
    if declared_as is not None:
        return f"{shown} is a {declared_as}, not a {use.kind}: check the triple, or use a {use.kind} here."
    where = f"{shown} is not a {use.kind} of our ontology nor of a vocabulary we reuse ({REUSED_TERMS.as_posix()})"
    nearest = terms.suggestion(use.term, use.kind)
    if nearest is not None:
        return f"{where}: did you mean {nearest}?"
    return (f"{where}: fix the name, or, to reuse another vocabulary's {use.kind}, add a row with its "
            f"specification to {REUSED_TERMS.as_posix()}.")
