"""Validate the project's Turtle: syntax first, then the SHACL shapes.

Every Turtle file is parsed on its own, so that a syntax error names its file
and line and every violation can be traced back to the file that describes
its focus node. The ontology and the concept schemes are loaded into the data
graph together with the curated data, because shape targets and ``sh:class``
follow ``rdfs:subClassOf`` in the data graph. Shapes use SHACL-AF SPARQL
targets and SPARQL constraints, so pyshacl runs with ``advanced=True`` and no
inference.

>>> report = ValidationReport(root=Path("/p"), syntax_errors=[
...     SyntaxProblem(file="data/ttl/x.ttl", line=12, message="bad syntax")])
>>> report.conforms, report.exit_code
(False, 2)
>>> print(report.to_text())
data/ttl/x.ttl:12: bad syntax
<BLANKLINE>
Turtle syntax errors: 1 file(s) could not be read; shapes were not checked.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, NamespaceManager
from rdflib.term import Node

from sahel_kg.command_name import command_name
from sahel_kg.curation.literal_check import is_ill_typed, quiet_rdflib
from sahel_kg.namespaces import PREFIXES
from sahel_kg.project import TurtleFile, turtle_files

SEVERITY_NAMES: dict[Node, str] = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class SyntaxProblem:
    """A Turtle file that could not be read, with the line of the error when known.

    >>> str(SyntaxProblem(file="data/ttl/x.ttl", line=3, message="Bad syntax"))
    'data/ttl/x.ttl:3: Bad syntax'
    >>> str(SyntaxProblem(file="extra.ttl", line=None, message="No such file"))
    'extra.ttl: No such file'
    """

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result, with terms shown in the project's prefixes.

    ``file`` is the project-relative path of the file that describes the focus
    node (``None`` when no file does); ``focus_term`` keeps the raw node.
    ``node_line`` is the line of that file where the focus node's block starts;
    ``line`` is where the problem is: the triple's own line when the message is
    about one value of it, else ``node_line`` (see :func:`sahel_kg.curation.project_checks.with_lines`).
    """

    file: str | None
    focus_node: str
    path: str | None
    value: str | None
    source_shape: str
    severity: str
    message: str
    focus_term: Node = field(compare=False, repr=False)
    line: int | None = field(compare=False, default=None)
    path_term: Node | None = field(compare=False, repr=False, default=None)
    value_term: Node | None = field(compare=False, repr=False, default=None)
    node_line: int | None = field(compare=False, default=None)

    def key(self) -> tuple[str, str | None, str]:
        """``(focus node, path, source shape)``, blank focus nodes shown as ``_:``.

        >>> Violation(None, "claim:a", "shg:stance", None, "shapes:ClaimStance",
        ...           "Violation", "m", URIRef("x")).key()
        ('claim:a', 'shg:stance', 'shapes:ClaimStance')
        """
        focus = "_:" if isinstance(self.focus_term, BNode) else self.focus_node
        return (focus, self.path, self.source_shape)


@dataclass
class ValidationReport:
    """The outcome of validating a project: syntax errors, findings and shape violations.

    ``stopped`` says why the shapes could not run to the end (the SHACL engine
    failed on some input); the report then does not conform.
    """

    root: Path
    violations: list[Violation] = field(default_factory=list)
    syntax_errors: list[SyntaxProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    results_graph: Graph | None = None
    stopped: str | None = None

    @property
    def conforms(self) -> bool:
        """True when every file parsed, the shapes ran and nothing reported a violation."""
        if self.syntax_errors or self.stopped:
            return False
        return not any(v.severity == "Violation" for v in self.violations)

    @property
    def exit_code(self) -> int:
        """0 when conforming, 1 on violations, 2 on unreadable Turtle or shapes that could not run."""
        if self.syntax_errors or self.stopped:
            return 2
        return 0 if self.conforms else 1

    @property
    def not_checked(self) -> str | None:
        """Why the shapes were not (all) checked, or None when they were."""
        if self.syntax_errors:
            return f"{len(self.syntax_errors)} file(s) could not be read; shapes were not checked."
        if self.stopped:
            return f"the shapes could not be checked: {self.stopped}"
        return None

    def by_file(self) -> dict[str | None, dict[Node, list[Violation]]]:
        """Violations grouped by file, then by focus node, in a stable order.

        Two blank nodes shown alike (two counts of one claim) stay apart.
        """
        grouped: dict[str | None, dict[Node, list[Violation]]] = defaultdict(lambda: defaultdict(list))
        for v in sorted(self.violations, key=_sort_key):
            grouped[v.file][v.focus_term].append(v)
        return grouped

    def to_text(self) -> str:
        """A report for curators: grouped by file, then focus node, one line per problem."""
        if self.syntax_errors:
            lines: list[str] = [str(p) for p in self.syntax_errors]
            lines += ["", f"Turtle syntax errors: {self.not_checked}"]
            return "\n".join(lines)
        if not self.violations and not self.stopped:
            return f"OK: {len(self.files)} Turtle files parsed and conform to the shapes."
        lines = []
        for file, nodes in self.by_file().items():
            lines.append(file or "(not described in any file)")
            for violations in nodes.values():
                first = violations[0]
                at = f" (line {first.node_line})" if first.node_line is not None else ""
                lines.append(f"  {first.focus_node}{at}")
                lines.extend(f"    {_text_line(v)}" for v in violations)
            lines.append("")
        if self.stopped:
            lines += [f"Not checked: {self.not_checked}", ""]
        count = sum(v.severity == "Violation" for v in self.violations)
        lines.append(f"{count} violation(s) in {len(self.by_file())} file(s); fix the data or the shapes and run "
                     f"`{command_name()} validate` again.")
        return "\n".join(lines)

    def to_turtle(self) -> str:
        """The SHACL validation report graph as Turtle, each result tagged with its file."""
        graph = _bound_graph()
        if self.results_graph is not None:
            graph += self.results_graph
        report = next(graph.subjects(RDF.type, SH.ValidationReport), None)
        if report is None:
            report = BNode()
            graph.add((report, RDF.type, SH.ValidationReport))
        graph.set((report, SH.conforms, Literal(self.conforms)))
        for problem in self.syntax_errors:
            graph.add((report, URIRef(PREFIXES["rdfs"] + "comment"), Literal(str(problem))))
        if self.not_checked:
            graph.add((report, URIRef(PREFIXES["rdfs"] + "comment"), Literal(f"Not checked: {self.not_checked}")))
        return graph.serialize(format="longturtle")

    def to_junit(self) -> str:
        """A JUnit XML report: one test case per file, a failure per violation; when the
        shapes did not run, each file's case is skipped, never shown as passed."""
        suite = ET.Element("testsuite", name="sahel-kg validate")
        for problem in self.syntax_errors:
            case = ET.SubElement(suite, "testcase", classname="turtle-syntax", name=problem.file)
            ET.SubElement(case, "error", message=str(problem), type="TurtleSyntaxError").text = str(problem)
        grouped = self.by_file()
        unreadable = {p.file for p in self.syntax_errors}
        for file in [*self.files, *(f for f in grouped if f not in self.files)]:
            if file in unreadable:
                continue
            case = ET.SubElement(suite, "testcase", classname="shacl", name=file or "(not described in any file)")
            for violations in grouped.get(file, {}).values():
                for v in violations:
                    failure = ET.SubElement(case, "failure", message=v.message, type=v.source_shape)
                    failure.text = f"{v.focus_node}: {_text_line(v)}"
            if self.not_checked and case.find("failure") is None:
                ET.SubElement(case, "skipped", message=self.not_checked)
        suite.set("tests", str(len(suite)))
        suite.set("failures", str(sum(1 for _ in suite.iter("failure"))))
        suite.set("errors", str(len(self.syntax_errors)))
        suite.set("skipped", str(sum(1 for _ in suite.iter("skipped"))))
        root = ET.Element("testsuites")
        root.append(suite)
        return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _sort_key(v: Violation) -> tuple[str, str, str, str]:
    return (v.file or "~", v.focus_node, v.path or "", v.source_shape)


def _text_line(v: Violation) -> str:
    """One line of the text report.

    >>> _text_line(Violation(None, "claim:a", "shg:stance", None, "shapes:ClaimStance", "Violation", "Add it.",
    ...                      URIRef("x")))
    'shg:stance: Add it. [shapes:ClaimStance]'
    """
    where = v.path or "(node)"
    value = f" = {v.value}" if v.value is not None and v.path is not None else ""
    level = "" if v.severity == "Violation" else f"{v.severity}: "
    line = f" (line {v.line})" if v.line is not None else ""
    return f"{where}{value}: {level}{v.message} [{v.source_shape}]{line}"


def _bound_graph() -> Graph:
    """An empty graph with the project's prefixes bound."""
    graph = Graph(bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


# ---------------------------------------------------------------- loading


def parse_file(path: Path, *, label: str) -> Graph | SyntaxProblem:
    """Parse one Turtle file, or describe why it cannot be read.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix=".ttl", delete=False) as f:
    ...     _ = f.write("@prefix ex: <http://example.org/> .\\nex:a ex:b ex:c .\\nex:a ex:b .\\n")
    >>> problem = parse_file(Path(f.name), label="x.ttl")
    >>> problem.line, problem.file
    (3, 'x.ttl')
    """
    graph = Graph(bind_namespaces="none")
    try:
        with quiet_rdflib():
            graph.parse(path, format="turtle")
    except OSError as exc:
        return SyntaxProblem(file=label, line=None, message=f"cannot read file: {exc.strerror or exc}")
    except SyntaxError as exc:
        return _syntax_problem(exc, label)
    except Exception as exc:  # rdflib raises assorted errors on malformed terms
        return SyntaxProblem(file=label, line=None, message=f"not valid Turtle: {exc}")
    return graph


def _syntax_problem(exc: SyntaxError, label: str) -> SyntaxProblem:
    lines = getattr(exc, "lines", None)
    why = getattr(exc, "_why", None) or str(exc)
    line = lines + 1 if isinstance(lines, int) else None
    return SyntaxProblem(file=label, line=line, message=f"Turtle syntax error: {why}")


def _label(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


@dataclass
class LoadedProject:
    """Each parsed file's graph by label, plus the files that could not be read.

    ``kinds`` gives each label's kind (``ontology``, ``data`` or ``extra``;
    shapes are apart) and ``paths`` its file.
    """

    data: dict[str, Graph] = field(default_factory=dict)
    shapes: dict[str, Graph] = field(default_factory=dict)
    problems: list[SyntaxProblem] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)

    def of_kind(self, *kinds: str) -> dict[str, Graph]:
        """The parsed non-shapes files of the given kinds, by label."""
        return {label: graph for label, graph in self.data.items() if self.kinds[label] in kinds}


def load_project(root: Path, *, extra_files: Sequence[Path] = ()) -> LoadedProject:
    """Parse every project Turtle file and the extra files, each on its own."""
    loaded = LoadedProject()
    files = [*turtle_files(root), *(TurtleFile(Path(p), "", "extra") for p in extra_files)]
    with quiet_rdflib():
        for tf in files:
            label = _label(tf.path, root)
            result = parse_file(tf.path, label=label)
            if isinstance(result, SyntaxProblem):
                loaded.problems.append(result)
                continue
            (loaded.shapes if tf.kind == "shapes" else loaded.data)[label] = result
            loaded.kinds[label], loaded.paths[label] = tf.kind, tf.path
    return loaded


def union(graphs: Iterable[Graph]) -> Graph:
    """One graph holding every triple of the given graphs (blank nodes kept apart)."""
    merged = _bound_graph()
    for graph in graphs:
        merged += graph
    return merged


# ---------------------------------------------------------------- running the shapes


def run_shapes(data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    """Run pyshacl with the project's settings; returns (conforms, results graph).

    ``data`` is validated in place (not copied): pass a graph you own.
    """
    from pyshacl import validate

    conforms, results, _text = validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=True,  # the shapes hold no rules, so the data graph is never changed
    )
    return bool(conforms), results


def violations_from(results: Graph, data: Graph, owners: dict[Node, str] | None = None) -> list[Violation]:
    """Read a pyshacl results graph into :class:`Violation` objects."""
    nm = _bound_graph().namespace_manager
    owners = owners or {}
    found: list[Violation] = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        assert focus is not None, "every SHACL validation result has a focus node"
        path = results.value(result, SH.resultPath)
        severity = results.value(result, SH.resultSeverity)
        value = results.value(result, SH.value)
        message = results.value(result, SH.resultMessage)
        found.append(Violation(
            file=owners.get(focus),
            focus_node=describe_node(focus, data, nm),
            path=render_path(path, results, nm) if path is not None else None,
            value=_show(value, nm) if value is not None else None,
            source_shape=_show(results.value(result, SH.sourceShape), nm),
            severity=SEVERITY_NAMES.get(severity, "Violation") if severity is not None else "Violation",
            message=str(message) if message is not None else "(no message)",
            focus_term=focus, path_term=path, value_term=value,
        ))
    return found


def _show(term: Node | None, nm: NamespaceManager) -> str:
    if term is None:
        return "(none)"
    if isinstance(term, BNode):
        return "[]"
    return term.n3(nm)


def render_path(path: Node, graph: Graph, nm: NamespaceManager) -> str:
    """A SHACL property path in SPARQL-like syntax.

    >>> g = Graph(); p = BNode(); _ = g.add((p, SH.inversePath, URIRef("http://x/about")))
    >>> render_path(p, g, g.namespace_manager)
    '^<http://x/about>'
    """
    if not isinstance(path, BNode):
        return path.n3(nm)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + render_path(inverse, graph, nm)
    for key, mark in ((SH.oneOrMorePath, "+"), (SH.zeroOrMorePath, "*"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, key)
        if inner is not None:
            return render_path(inner, graph, nm) + mark
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(render_path(p, graph, nm) for p in graph.items(alternatives)) + ")"
    if graph.value(path, RDF.first) is not None:
        return "/".join(render_path(p, graph, nm) for p in graph.items(path))
    return "[complex path]"


def describe_node(node: Node, data: Graph, nm: NamespaceManager, depth: int = 3) -> str:
    """A readable name for a focus node; a blank node is shown by what points at it.

    >>> g = _bound_graph(); b = BNode()
    >>> _ = g.add((URIRef("https://w3id.org/sahel-harm/id/claim/a"), URIRef(PREFIXES["shg"] + "count"), b))
    >>> describe_node(b, g, g.namespace_manager)
    'claim:a shg:count []'
    """
    if not isinstance(node, BNode):
        return _show(node, nm)
    parent = next(iter(data.subject_predicates(node)), None)
    if parent is None or depth == 0:
        return "[]"
    subject, predicate = parent
    return f"{describe_node(subject, data, nm, depth - 1)} {_show(predicate, nm)} []"


def file_owners(graphs: dict[str, Graph], nodes: Iterable[Node]) -> dict[Node, str]:
    """The file each node belongs to: the first that holds it as subject, else as object."""
    owners: dict[Node, str] = {}
    wanted = set(nodes)
    for position in ("subject", "object"):
        for label, graph in graphs.items():
            for node in wanted - owners.keys():
                pattern = (node, None, None) if position == "subject" else (None, None, node)
                if pattern in graph:
                    owners[node] = label
    return owners


# ---------------------------------------------------------------- the project


def _shape_results(report: ValidationReport, data: Graph, shapes: Graph) -> Graph:
    """The shapes' results; on an engine failure, ``report.stopped`` says why."""
    results, stopped = shape_results(data, shapes)
    report.stopped = report.stopped or stopped
    return results


def shape_results(data: Graph, shapes: Graph) -> tuple[Graph, str | None]:
    """The shapes' results over ``data`` without those about ill-typed literals (a Python
    check reports each once, with its line), and why the engine failed, if it did."""
    try:
        _conforms, results = run_shapes(data, shapes)
    except Exception as exc:  # pyshacl fails on some inputs; the curator gets a report, not a traceback
        return _bound_graph(), f"the SHACL engine failed ({type(exc).__name__}: {exc})"
    if not isinstance(results, Graph):  # pyshacl returns, not raises, a failure on shapes it refuses
        return _bound_graph(), f"the SHACL engine failed ({type(results).__name__}: {results})"
    drop_results(results, keep=lambda r: not is_ill_typed(results.value(r, SH.value)))
    return results, None


def drop_results(results: Graph, *, keep: Callable[[Node], bool]) -> None:
    """Remove from a SHACL report graph the results ``keep`` refuses."""
    report = next(results.subjects(RDF.type, SH.ValidationReport), None)
    for result in list(results.objects(report, SH.result)) if report is not None else []:
        if not keep(result):
            results.remove((report, SH.result, result))
            results.remove((result, None, None))


def deduplicated(violations: Iterable[Violation]) -> list[Violation]:
    """The violations without repeats (same file, key, value and message), first kept."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for v in violations:
        identity = (v.file, v.focus_term, v.path, v.value, v.source_shape, v.message)
        if identity not in seen:
            seen.add(identity)
            kept.append(v)
    return kept


def _tag_files(results: Graph, violations: list[Violation]) -> Graph:
    """Add ``dcterms:source "file"`` to each result whose focus node has a file."""
    source = URIRef(PREFIXES["dcterms"] + "source")
    owners = {v.focus_term: v.file for v in violations if v.file}
    for result in list(results.subjects(RDF.type, SH.ValidationResult)):
        focus = results.value(result, SH.focusNode)
        file = owners.get(focus) if focus is not None else None
        if file:
            results.add((result, source, Literal(file)))
    return results


