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
from sahel_kg.curation.report import LoadedProject, Violation, _bound_graph, describe_node, file_owners

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
            file: str | None = None, line: int | None = None) -> Violation:
    """A Python check's finding as a report line, terms shown in the project's prefixes."""
    nm = _bound_graph().namespace_manager
    return Violation(
        file=file, focus_node=describe_node(node, data, nm),
        path=path.n3(nm) if path is not None else None,
        value=value.n3(nm) if value is not None and not isinstance(value, BNode) else None,
        source_shape=f"check:{check}", severity="Violation", message=message,
        focus_term=node, line=line, path_term=path, value_term=value,
    )


def first_line(path: Path | None, needle: str) -> int | None:
    """The first line of ``path`` holding ``needle``, when found."""
    if path is None or not needle:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((n for n, text in enumerate(lines, start=1) if needle in text), None)


# ---------------------------------------------------------------- one check each


def literal_findings(label: str, graph: Graph, path: Path | None, data: Graph) -> list[Violation]:
    """Every ill-typed literal of one file, and every literal holding a character XML cannot carry."""
    found = [finding("WellFormedLiteral", data, s, p, o, literal_check.message_for(o), file=label,
                     line=literal_check.line_of(path, o))
             for s, p, o in literal_check.ill_typed_triples(graph)]
    return found + [finding("WellFormedLiteral", data, s, p, o, literal_check.unrepresentable_message(c),
                            file=label, line=first_line(path, str(o)[:20]))
                    for s, p, o, c in literal_check.unrepresentable_triples(graph)]


def term_findings(label: str, graph: Graph, path: Path | None, declared: term_check.DeclaredTerms,
                  data: Graph) -> list[Violation]:
    """Every undeclared property, class or datatype one file uses, once per subject."""
    found = []
    for use in term_check.undeclared_uses(graph, declared):
        name = term_check.compact(use.term)
        found.append(finding("DeclaredTerm", data, use.subject, use.predicate, use.value,
                             term_check.message_for(use, declared), file=label,
                             line=first_line(path, name.split(":", 1)[-1].strip("<>"))))
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
        path = loaded.paths.get(label)
        found += literal_findings(label, graph, path, data)
        found += term_findings(label, graph, path, context.declared, data)
    quotes = quote_findings(data, context.captures)
    owners = file_owners(loaded.data, {v.focus_term for v in quotes})
    found += [with_file(v, owners.get(v.focus_term), loaded.paths) for v in quotes]
    facts = [file_check.facts_of(label, graph) for label, graph in loaded.of_kind("data").items()]
    return found + layout_findings(facts, data)


def with_file(v: Violation, file: str | None, paths: dict[str, Path]) -> Violation:
    """``v`` assigned to ``file``, with the line where its value is written there."""
    needle = str(v.value_term)[:40] if isinstance(v.value_term, Literal) else ""
    return replace(v, file=file, line=first_line(paths.get(file or ""), needle))


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
