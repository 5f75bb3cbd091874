"""The statements about a batch of nodes, read with a few whole queries and held as plain dictionaries.

An export reads the graph batch by batch (:data:`BATCH` incidents at a time),
so memory is bounded by a batch, never by the store. For each batch it asks
for the outgoing statements of a set of IRIs, one level of blank nodes
included (a claim's counts, quotes and qualified influences), then of the
IRIs those statements point at, and so on for a fixed number of hops.

>>> f = Facts()
>>> label = "http://www.w3.org/2000/01/rdf-schema#label"
>>> f.add("http://e/a", label, Value("A", "en"))
>>> f.add("http://e/a", label, Value("Â", "fr"))
>>> f.label("http://e/a"), f.label("http://e/none")
('A', '')
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph

from sahel_kg.labels import best_label
from sahel_kg.namespaces import BASE
from sahel_kg.rdf.oxigraph_types import value_of
from sahel_kg.store.backend import GraphBackend

#: IRIs named in one VALUES block: small enough for any SPARQL store's query length.
VALUES_CHUNK = 200


@dataclass(frozen=True)
class Value:
    """An object of a statement: ``text`` is an IRI, a blank node key (``_:…``) or a literal's lexical form."""

    text: str
    lang: str | None = None
    kind: str = "literal"  # "iri", "blank" or "literal"

    @property
    def is_iri(self) -> bool:
        """True for a named node."""
        return self.kind == "iri"


def _value(term: object, scope: str) -> Value | None:
    if isinstance(term, pyoxigraph.NamedNode):
        return Value(term.value, kind="iri")
    if isinstance(term, pyoxigraph.BlankNode):
        return Value(f"_:{scope}:{term.value}", kind="blank")  # scoped: labels are per query
    if isinstance(term, pyoxigraph.Literal):
        return Value(term.value, term.language)
    return None


class Facts:
    """Subject → property → values, for IRIs and the blank nodes they point at."""

    def __init__(self) -> None:
        self.by_subject: dict[str, dict[str, list[Value]]] = defaultdict(lambda: defaultdict(list))
        self.fetched: set[str] = set()

    def only_under(self, prefix: str) -> Facts:
        """A copy holding only what was read about IRIs under ``prefix`` (with their blank nodes)."""
        kept = Facts()
        for subject in [s for s in self.fetched if s.startswith(prefix)]:
            for prop, values in self.by_subject.get(subject, {}).items():
                for value in values:
                    kept.add(subject, prop, value)
                    if value.kind == "blank":
                        for inner_prop, inner in self.by_subject.get(value.text, {}).items():
                            for v in inner:
                                kept.add(value.text, inner_prop, v)
            kept.fetched.add(subject)
        return kept

    def add(self, subject: str, prop: str, value: Value) -> None:
        """Record one statement (duplicates are kept once)."""
        values = self.by_subject[subject][prop]
        if value not in values:
            values.append(value)

    def values(self, subject: str, prop: str) -> list[Value]:
        """Every value of ``prop`` on ``subject`` (empty when none)."""
        found = self.by_subject.get(subject)
        return list(found.get(prop, [])) if found else []

    def first(self, subject: str, prop: str) -> str | None:
        """The smallest value's text, so that the choice does not depend on the store's order."""
        texts = sorted(v.text for v in self.values(subject, prop))
        return texts[0] if texts else None

    def iris(self, subject: str, prop: str) -> list[str]:
        """The IRI values of ``prop``, sorted."""
        return sorted(v.text for v in self.values(subject, prop) if v.is_iri)

    def label(self, iri: str) -> str:
        """The label by the one label rule (:mod:`sahel_kg.labels`); ``""`` when there is none."""
        props = self.by_subject.get(iri, {})
        found = best_label((p, v.text, v.lang) for p, vs in props.items() for v in vs if not v.is_iri)
        return found[0] if found else ""


def _values_block(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in iris)


def fetch(backend: GraphBackend, facts: Facts, iris: Iterable[str]) -> list[str]:
    """Read the statements of ``iris`` not read yet (and of their blank nodes) into ``facts``; the IRIs read."""
    todo = sorted({i for i in iris if i not in facts.fetched})
    for start in range(0, len(todo), VALUES_CHUNK):
        chunk = todo[start:start + VALUES_CHUNK]
        scope = chunk[0]
        # a UNION, not an OPTIONAL: the store would read every object's statements before filtering
        query = (f"SELECT ?s ?p ?o ?bp ?bo WHERE {{ VALUES ?s {{ {_values_block(chunk)} }} "
                 "{ ?s ?p ?o } UNION { ?s ?p ?o FILTER(isBlank(?o)) ?o ?bp ?bo } }")
        for row in backend.select(query):
            subject, prop, obj = value_of(row["s"]), value_of(row["p"]), _value(row["o"], scope)
            if obj is None:
                continue
            facts.add(subject, prop, obj)
            inner, inner_prop = _value(row.get("bo"), scope), row.get("bp")
            if obj.kind == "blank" and inner is not None and inner_prop is not None:
                facts.add(obj.text, value_of(inner_prop), inner)
        facts.fetched.update(chunk)
    return todo


def own_iris_pointed_at(facts: Facts, subjects: Iterable[str]) -> set[str]:
    """The IRIs of our namespace that the statements of ``subjects`` (and their blank nodes) point at."""
    found: set[str] = set()
    for subject in subjects:
        for values in facts.by_subject.get(subject, {}).values():
            for v in values:
                if v.is_iri and v.text.startswith(BASE):
                    found.add(v.text)
                elif v.kind == "blank":
                    found |= own_iris_pointed_at(facts, [v.text])
    return found


def fetch_around(backend: GraphBackend, facts: Facts, iris: Iterable[str], hops: int) -> None:
    """Read ``iris`` and, ``hops`` times over, the IRIs of ours their statements point at."""
    frontier = list(iris)
    for _ in range(hops + 1):
        read = fetch(backend, facts, frontier)
        frontier = sorted(own_iris_pointed_at(facts, read) - facts.fetched)
        if not frontier:
            break


def subjects_of(backend: GraphBackend, prop: str, objects: list[str]) -> list[tuple[str, str]]:
    """``(subject, object)`` pairs with ``subject prop object``, for the given objects."""
    pairs: list[tuple[str, str]] = []
    for start in range(0, len(objects), VALUES_CHUNK):
        chunk = objects[start:start + VALUES_CHUNK]
        query = f"SELECT DISTINCT ?s ?o WHERE {{ VALUES ?o {{ {_values_block(chunk)} }} ?s <{prop}> ?o FILTER(isIRI(?s)) }}"
        pairs += [(value_of(row["s"]), value_of(row["o"])) for row in backend.select(query)]
    return sorted(pairs)
