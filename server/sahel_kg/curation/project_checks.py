"""The checks ``validate`` runs in Python, beside the SHACL shapes, as report lines.

Each is here because SHACL cannot express it: literals whose text is not in
their datatype (:mod:`literal_check`), terms no ontology declares
(:mod:`term_check`), quotes against the captured documents
(:mod:`quote_check`), and which file holds what (:mod:`file_check`). Their
findings are :class:`~sahel_kg.curation.report.Violation` objects like the
shapes' results, named ``check:<Name>`` instead of ``shapes:<Name>``, and are
added to the SHACL report graph as ``sh:ValidationResult`` nodes whose
``sh:sourceShape`` is ``urn:sahel-kg:check:<Name>``.

>>> CHECKS["QuoteInCapture"]
'urn:sahel-kg:check:QuoteInCapture'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from sahel_kg.curation import file_check, literal_check, quote_check, term_check
from sahel_kg.curation.report import (
    LoadedProject,
    Violation,
    _bound_graph,
    _show,
    describe_node,
    drop_results,
    file_owners,
)
from sahel_kg.curation.turtle_lines import LineIndex

CHECK_NAMESPACE = "urn:sahel-kg:check:"
CHECKS = {name: CHECK_NAMESPACE + name for name in (
    "WellFormedLiteral", "DeclaredTerm", "CaptureFile", "QuoteInCapture", "SourceFile")}
DCTERMS_SOURCE = URIRef("http://purl.org/dc/terms/source")


@dataclass
class CheckContext:
    """What the Python checks read besides the data: declared terms and the captures."""

    declared: term_check.DeclaredTerms
    captures: quote_check.Captures


def check_context(root: Path, loaded: LoadedProject, sources_dir: Path) -> CheckContext:
    """The declared terms of ``root`` (ontology files and the reused-terms list) and its captures.

    Raises ValueError when the reused-terms list is malformed.
    """
    declared = term_check.declared_terms(root, loaded.of_kind("ontology"))
    return CheckContext(declared, quote_check.Captures(sources_dir))


def finding(check: str, data: Graph, node: Node, path: Node | None, value: Node | None, message: str, *,
            file: str | None = None) -> Violation:
    """A Python check's finding as a report line, terms shown in the project's prefixes."""
    nm = _bound_graph().namespace_manager
    return Violation(
        file=file, focus_node=describe_node(node, data, nm),
        path=path.n3(nm) if path is not None else None,
        value=value.n3(nm) if value is not None and not isinstance(value, BNode) else None,
        source_shape=f"check:{check}", severity="Violation", message=message,
        focus_term=node, path_term=path, value_term=value,
    )


def with_lines(violations: Iterable[Violation], graphs: dict[str, Graph], paths: dict[str, Path]) -> list[Violation]:
    """Each violation with the lines of its file: where its focus node's block starts (``node_line``), and
    where the problem is (``line``): the triple ``focus path value`` when the message is about one value
    and the file writes that triple; for a message about a property with no value named (one value too
    many, a label without a language), the first value of it the file writes; else the focus node's block.

    ``graphs`` holds each file's triples as validated (a blank focus node is found by what it holds and
    what points at it there); a file is read for its lines only when one of its nodes has a problem.
    """
    indexes: dict[str, LineIndex] = {}
    placed = []
    for v in violations:
        path = paths.get(v.file or "")
        if path is None or v.node_line is not None:  # no file to read, or placed already (one batch's findings)
            placed.append(v)
            continue
        if v.file not in indexes:
            indexes[v.file or ""] = LineIndex.of_file(path)
        index, graph = indexes[v.file or ""], graphs.get(v.file or "")
        node_line = index.subject_line(v.focus_term, graph)
        line = None
        if v.path_term is not None:
            line = index.triple_line(v.focus_term, v.path_term, v.value_term, graph)
        placed.append(replace(v, node_line=node_line, line=line or node_line))
    return placed


# ---------------------------------------------------------------- one check each


def literal_findings(label: str, graph: Graph, data: Graph) -> list[Violation]:
    """Every ill-typed literal of one file, and every literal holding a character XML cannot carry."""
    found = [finding("WellFormedLiteral", data, s, p, o, literal_check.message_for(o), file=label)
             for s, p, o in literal_check.ill_typed_triples(graph)]
    return found + [finding("WellFormedLiteral", data, s, p, o, literal_check.unrepresentable_message(c),
                            file=label)
                    for s, p, o, c in literal_check.unrepresentable_triples(graph)]


def term_findings(label: str, graph: Graph, declared: term_check.DeclaredTerms, data: Graph) -> list[Violation]:
    """Every undeclared property, class or datatype one file uses, once per subject."""
    found = []
    for use in term_check.undeclared_uses(graph, declared):
        found.append(finding("DeclaredTerm", data, use.subject, use.predicate, use.value,
                             term_check.message_for(use, declared), file=label))
    return found


def quote_findings(data: Graph, captures: quote_check.Captures) -> list[Violation]:
    """Missing captures and quotes not verbatim in them (files are assigned by the caller)."""
    found = [finding("CaptureFile", data, p.node, p.path, p.value, p.message)
             for p in quote_check.capture_problems(data, captures)]
    found += [finding("QuoteInCapture", data, p.node, p.path, p.value, p.message)
              for p in quote_check.quote_problems(data, captures)]
    return found


def layout_findings(facts: Iterable[file_check.FileFacts], data: Graph) -> list[Violation]:
    """Documents and claims outside the file of their source document."""
    return [finding("SourceFile", data, URIRef(p.node), p.path, URIRef(p.value) if p.value else None, p.message,
                    file=p.label)
            for p in file_check.layout_problems(facts)]


# ---------------------------------------------------------------- all of them


def python_findings(loaded: LoadedProject, data: Graph, context: CheckContext) -> list[Violation]:
    """Every Python check over a loaded project (``data`` is the union of its non-shapes files)."""
    found: list[Violation] = []
    for label, graph in loaded.data.items():
        found += literal_findings(label, graph, data)
        found += term_findings(label, graph, context.declared, data)
    quotes = quote_findings(data, context.captures)
    owners = file_owners(loaded.data, {v.focus_term for v in quotes})
    found += [replace(v, file=owners.get(v.focus_term)) for v in quotes]
    facts = [file_check.facts_of(label, graph) for label, graph in loaded.of_kind("data").items()]
    return found + layout_findings(facts, data)


def follow_ons(violations: Iterable[Violation], data: Graph | None = None) -> list[Violation]:
    """The shape results that only follow from a class typo reported with them.

    A node typed with an undeclared class (``a shg:Cliam``, reported by ``check:DeclaredTerm`` with the
    nearest declared name) is out of every shape of the class it was meant to have; the shapes then also
    report, elsewhere, what that node would have given: the events it is about and the document it is
    derived from as having no claim, a response pointing at it as pointing at no claim. Those results name
    the mistyped node as their value, or reach it through an inverse path (``^shg:about``) in ``data``;
    fixing the typo removes them, so they are left out and the typo is reported alone.
    """
    violations = list(violations)
    mistyped = {v.focus_term for v in violations if v.source_shape == "check:DeclaredTerm" and v.path_term == RDF.type}
    if not mistyped:
        return []

    def follows(v: Violation) -> bool:
        if v.source_shape.startswith("check:") or v.focus_term in mistyped:
            return False
        if v.value_term in mistyped:
            return True
        if data is None or not (v.path or "").startswith("^"):
            return False
        inverse = URIRef(term_check.expand((v.path or "")[1:].removeprefix("<").removesuffix(">")))
        return any((node, inverse, v.focus_term) in data for node in mistyped)

    return [v for v in violations if follows(v)]


def without_follow_ons(violations: list[Violation], results: Graph, data: Graph | None = None) -> list[Violation]:
    """``violations`` without the results that only follow from a class typo
    (:func:`follow_ons`), which also leave ``results``."""
    dropped = follow_ons(violations, data)
    if not dropped:
        return violations
    nm = _bound_graph().namespace_manager
    gone = {(v.focus_term, v.value_term, v.source_shape) for v in dropped}
    drop_results(results, keep=lambda r: (results.value(r, SH.focusNode), results.value(r, SH.value),
                                          _show(results.value(r, SH.sourceShape), nm)) not in gone)
    return [v for v in violations if v not in dropped]


def add_results(results: Graph, violations: Iterable[Violation]) -> Graph:
    """``results`` (a SHACL report graph) with a ``sh:ValidationResult`` per Python finding."""
    report = next(results.subjects(RDF.type, SH.ValidationReport), None)
    if report is None:
        report = BNode()
        results.add((report, RDF.type, SH.ValidationReport))
    for v in violations:
        if not v.source_shape.startswith("check:"):
            continue
        result = BNode()
        results.add((report, SH.result, result))
        for p, o in _result_triples(v):
            results.add((result, p, o))
    return results


def _result_triples(v: Violation) -> Iterable[tuple[URIRef, Node]]:
    yield RDF.type, SH.ValidationResult
    yield SH.focusNode, v.focus_term
    yield SH.resultSeverity, SH.Violation
    yield SH.sourceShape, URIRef(CHECK_NAMESPACE + v.source_shape.removeprefix("check:"))
    yield SH.resultMessage, Literal(v.message)
    if v.path_term is not None:
        yield SH.resultPath, v.path_term
    if v.value_term is not None:
        yield SH.value, v.value_term
    if v.file:
        yield DCTERMS_SOURCE, Literal(v.file)
