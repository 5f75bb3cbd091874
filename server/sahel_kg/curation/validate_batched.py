"""SHACL validation that scales: batches of files, reference stubs, cross-file rules on a store.

Whole-graph pyshacl (:func:`sahel_kg.curation.validate.validate_project`) holds every
triple in an rdflib graph (about 1 kB each) and costs about a second of fixed
overhead per run, so it can neither validate millions of triples in bounded
memory nor re-check one changed file quickly. Here:

1. Every data file is loaded into a pyoxigraph store (one named graph per
   file; the build's own store serves for re-validation). The store answers
   "what is this IRI?" for the rest.
2. The data is validated in **batches** of whole subjects (small files
   together, large files cut between subject blocks), each batch with the
   ontology and vocabularies and with **stubs** for the project IRIs it
   points at but does not describe: their ``rdf:type`` and, for places, the
   ``geo:sfWithin`` chain with its precisions. Results are kept for the
   batch's own nodes (and for IRIs that nothing describes), so a stub is never
   blamed for what its own file says.
3. The rules that look *into* other files from a node,
   ``shapes:EventClaimedAbout`` (every event has a claim about it) and
   ``shapes:SourceHasClaim`` (every source document has a claim derived from
   it), run as SPARQL on the store instead; so does the Python check of what
   each file holds (:mod:`sahel_kg.curation.file_check`).
4. The other Python checks (:mod:`sahel_kg.curation.project_checks`) run on each batch:
   literals and terms on its own triples, quotes with the capture file names
   of the documents its claims come from (stubs too).

Memory is bounded by the batch size, not the corpus. Re-validating one
changed file (:func:`revalidate_file`) validates that file alone against the
built store (its own stale graph excluded) and checks what other files lose
if it drops a claim or an entity they point at.

The results are the same :class:`~sahel_kg.curation.report.Violation` objects as
the whole-graph validator's; a test checks both agree on the curated data and
on synthetic corpora with injected faults.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from sahel_kg.curation import file_check, project_checks
from sahel_kg.curation.literal_check import quiet_rdflib
from sahel_kg.curation.quote_check import Captures
from sahel_kg.curation.report import (
    SyntaxProblem,
    ValidationReport,
    Violation,
    _label,
    _tag_files,
    deduplicated,
    drop_results,
    parse_file,
    shape_results,
    union,
    violations_from,
)
from sahel_kg.curation.store_checks import (
    _documents_without_claims,
    _lost_references,
    _orphaned_events,
    cross_file_violations,
    layout_violations,
    stubs,
)
from sahel_kg.curation.term_check import DeclaredTerms, declared_terms
from sahel_kg.namespaces import BASE, SHG
from sahel_kg.project import TurtleFile, graph_iri_for, turtle_files

if TYPE_CHECKING:
    import argparse

CROSS_FILE_SHAPE = URIRef(BASE + "shapes/EventClaimedAbout")
#: Shapes whose results depend on other files: checked on the store, not per batch.
CROSS_FILE_SHAPES = {CROSS_FILE_SHAPE, URIRef(BASE + "shapes/SourceHasClaim")}
#: Subjects' Turtle kept together in one pyshacl run (about 15 triples each).
BATCH_SUBJECTS = 1500
_IRI = re.compile(r"<(https://w3id\.org/sahel-harm/[^>\s]*)>")


@dataclass
class Batch:
    """Turtle text of whole subject blocks from one or more files, each block's file known."""

    parts: list[tuple[str, str]] = field(default_factory=list)  # (file label, Turtle text)
    subjects: int = 0


def _blocks(path: Path) -> Iterator[tuple[str, str]]:
    """(header, block) for each subject block of a canonical Turtle file, streamed.

    Blocks end with a line holding only ``.`` (the form ``sahel-kg fmt`` and
    ``sahel-kg synth`` write). A file in any other form comes back whole.
    """
    header: list[str] = []
    block: list[str] = []
    in_header = True
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if in_header and (line.startswith(("PREFIX", "@prefix", "BASE", "@base")) or not line.strip()):
                header.append(line)
                continue
            in_header = False
            block.append(line)
            if line.rstrip("\n") == ".":
                yield "".join(header), "".join(block)
                block = []
    if block and "".join(block).strip():
        yield "".join(header), "".join(block)


def batches(files: Sequence[tuple[str, Path]], *, size: int = BATCH_SUBJECTS) -> Iterator[Batch]:
    """Group the subject blocks of ``files`` into batches of about ``size`` subjects."""
    batch = Batch()
    for label, path in files:
        text: list[str] = []
        header = ""
        for header, block in _blocks(path):
            text.append(block)
            batch.subjects += 1
            if batch.subjects >= size:
                batch.parts.append((label, header + "".join(text)))
                text = []
                yield batch
                batch = Batch()
        if text:
            batch.parts.append((label, header + "".join(text)))
    if batch.parts:
        yield batch


# ---------------------------------------------------------------- stubs from the store


# ---------------------------------------------------------------- one batch


@dataclass
class Context:
    """What every batch is validated with: ontology and vocabularies, shapes, the store."""

    schema: Graph
    shapes: Graph  # without the schema-only shapes
    store: pyoxigraph.Store
    exclude_graph: str | None = None
    all_shapes: Graph | None = None
    declared: DeclaredTerms = field(default_factory=DeclaredTerms)
    captures: Captures | None = None
    paths: dict[str, Path] = field(default_factory=dict)  # data file label -> file


def load_context(root: Path, store: pyoxigraph.Store, *, exclude_graph: str | None = None,
                 sources_dir: Path | None = None) -> Context:
    """Parse the ontology, vocabularies and shapes once; read the declared terms.

    Raises ValueError when one of those files cannot be read.
    """
    schema: dict[str, Graph] = {}
    shapes: list[Graph] = []
    for folder in ("ontology", "shapes"):  # not turtle_files(): it names every data file too
        for path in sorted((root / folder).rglob("*.ttl")):
            parsed = parse_file(path, label=_label(path, root))
            if isinstance(parsed, SyntaxProblem):
                raise ValueError(str(parsed))
            if folder == "shapes":
                shapes.append(parsed)
            else:
                schema[_label(path, root)] = parsed
    all_shapes = union(shapes)
    captures = Captures(sources_dir or _default_sources(root))
    return Context(union(schema.values()), without_shapes(all_shapes, SCHEMA_SHAPES), store, exclude_graph,
                   all_shapes, declared_terms(root, schema), captures, dict(data_files(root)))


def _default_sources(root: Path) -> Path:
    from sahel_kg.settings import load_settings

    return load_settings(root=root).sources_dir


#: Node shapes whose targets live only in ontology/ and its vocabularies: checked
#: once per full run (:func:`validate_schema`), not again with every batch of data.
SCHEMA_SHAPES = ("OntologyTerm", "Concept", "ConceptScheme")


def without_shapes(shapes: Graph, names: Sequence[str]) -> Graph:
    """A copy of ``shapes`` without the named node shapes and their property shapes."""
    kept = union([shapes])
    for name in names:
        node = URIRef(BASE + "shapes/" + name)
        for prop in list(kept.objects(node, SH.property)):
            kept.remove((prop, None, None))
        kept.remove((node, None, None))
    return kept


def validate_schema(root: Path, ctx: "Context") -> tuple[list[Violation], Graph, str | None]:
    """The ontology and vocabularies alone, with every shape (their own quality rules included)
    and the Python checks of their literals and terms; and why the shapes stopped, if they did."""
    data = union([ctx.schema])
    assert ctx.all_shapes is not None, "load_context() reads every shape"
    results, stopped = shape_results(data, ctx.all_shapes)
    schema_graphs = {}
    for path in sorted((root / "ontology").rglob("*.ttl")):
        parsed = parse_file(path, label=_label(path, root))
        if not isinstance(parsed, SyntaxProblem):
            schema_graphs[_label(path, root)] = parsed
    found = _file_findings(schema_graphs, ctx, data) + violations_from(results, data, _owners(schema_graphs, results))
    return project_checks.with_lines(found, schema_graphs, {label: root / label for label in schema_graphs}), results, stopped


@dataclass
class BatchOutcome:
    """What validating one batch found, and why its shapes stopped if they did."""

    violations: list[Violation] = field(default_factory=list)
    problems: list[SyntaxProblem] = field(default_factory=list)
    results: Graph = field(default_factory=Graph)
    stopped: str | None = None

    def __iter__(self) -> Iterator[object]:  # unpacks as (violations, problems, results), as before
        return iter((self.violations, self.problems, self.results))


def _parse_parts(batch: Batch) -> tuple[dict[str, Graph], list[SyntaxProblem]]:
    graphs: dict[str, Graph] = {}
    problems: list[SyntaxProblem] = []
    with quiet_rdflib():
        for label, text in batch.parts:
            g = graphs.setdefault(label, Graph(bind_namespaces="none"))
            try:
                g.parse(data=text, format="turtle")
            except Exception as exc:  # a block could not be read on its own: report the file
                problems.append(SyntaxProblem(file=label, line=None, message=f"Turtle syntax error: {exc}"))
    return graphs, problems


def validate_batch(batch: Batch, ctx: Context) -> BatchOutcome:
    """Validate one batch; keep results on its own nodes and on IRIs nothing describes."""
    graphs, problems = _parse_parts(batch)
    if problems:
        return BatchOutcome(problems=problems)
    own = {s for g in graphs.values() for s in g.subjects() if isinstance(s, URIRef)}
    own_blank = {n for g in graphs.values() for s, _p, o in g for n in (s, o) if isinstance(n, BNode)}
    used = {str(o) for g in graphs.values() for _s, _p, o in g
            if isinstance(o, URIRef) and str(o).startswith(BASE) and o not in own}
    stub_graph = stubs(ctx.store, used, exclude_graph=ctx.exclude_graph)
    described = set(stub_graph.subjects(RDF.type, None))
    data = union([ctx.schema, *graphs.values(), stub_graph])
    with quiet_rdflib():
        found = _file_findings(graphs, ctx, data) + _quote_findings(graphs, ctx, data, own | own_blank)
        results, stopped = shape_results(data, ctx.shapes)
    drop_results(results, keep=lambda r: _keep(results, r, own, own_blank, described))
    found += violations_from(results, data, _owners(graphs, results))
    return BatchOutcome(project_checks.with_lines(found, graphs, ctx.paths), [], results, stopped)


def _file_findings(graphs: dict[str, Graph], ctx: Context, data: Graph) -> list[Violation]:
    """The Python checks of each file's own triples: literals and terms."""
    found: list[Violation] = []
    for label, graph in graphs.items():
        found += project_checks.literal_findings(label, graph, data)
        found += project_checks.term_findings(label, graph, ctx.declared, data)
    return found


def _quote_findings(graphs: dict[str, Graph], ctx: Context, data: Graph, own: set[Node]) -> list[Violation]:
    """Missing captures and quotes not in them, for the batch's own documents and claims."""
    if ctx.captures is None:
        return []
    mine = [v for v in project_checks.quote_findings(data, ctx.captures) if v.focus_term in own]
    owners = _owners_of(graphs, {v.focus_term for v in mine})
    return [replace(v, file=owners.get(v.focus_term)) for v in mine]


def _keep(results: Graph, result: Node, own: set[URIRef], own_blank: set[BNode], described: set[Node]) -> bool:
    if results.value(result, SH.sourceShape) in CROSS_FILE_SHAPES:
        return False
    focus = results.value(result, SH.focusNode)
    if focus in own or focus in own_blank:
        return True
    return not isinstance(focus, BNode) and focus not in described and str(focus).startswith(BASE)


def _owners_of(graphs: dict[str, Graph], nodes: set[Node]) -> dict[Node, str]:
    from sahel_kg.curation.report import file_owners

    return file_owners(graphs, nodes)


def _owners(graphs: dict[str, Graph], results: Graph) -> dict[Node, str]:
    from sahel_kg.curation.report import file_owners

    return file_owners(graphs, set(results.objects(None, SH.focusNode)))


# ---------------------------------------------------------------- cross-file rules


# ---------------------------------------------------------------- whole corpus


def load_store(root: Path, directory: Path | None = None) -> pyoxigraph.Store:
    """A store holding every project file in its own named graph (on disk when ``directory`` is given).

    Raises SyntaxError (with ``filename`` and ``lineno``) for the first file that is not Turtle.
    """
    store = pyoxigraph.Store(str(directory)) if directory else pyoxigraph.Store()
    for tf in turtle_files(root):
        store.bulk_load(path=str(tf.path), format=pyoxigraph.RdfFormat.TURTLE, base_iri=tf.graph_iri,
                        to_graph=pyoxigraph.NamedNode(tf.graph_iri))
    return store


def load_checked_store(root: Path, directory: Path) -> tuple[pyoxigraph.Store | None, list[SyntaxProblem]]:
    """Like :func:`load_store`, but every file that cannot be read is reported, with its line."""
    store = pyoxigraph.Store(str(directory))
    problems = []
    for tf in turtle_files(root):
        try:
            store.bulk_load(path=str(tf.path), format=pyoxigraph.RdfFormat.TURTLE, base_iri=tf.graph_iri,
                            to_graph=pyoxigraph.NamedNode(tf.graph_iri))
        except (SyntaxError, OSError, ValueError) as exc:
            line = getattr(exc, "lineno", None)
            problems.append(SyntaxProblem(file=_label(tf.path, root), line=line if isinstance(line, int) else None,
                                          message=f"Turtle syntax error: {getattr(exc, 'msg', None) or exc}"))
    return (None if problems else store), problems


def data_files(root: Path, files: Sequence[TurtleFile] | None = None) -> list[tuple[str, Path]]:
    return [(_label(tf.path, root), tf.path) for tf in (files or turtle_files(root)) if tf.kind == "data"]


def validate_corpus(root: Path, *, store: pyoxigraph.Store | None = None, batch_subjects: int = BATCH_SUBJECTS,
                    progress: Callable[[int], object] | None = None,
                    sources_dir: Path | None = None) -> ValidationReport:
    """Validate every data file in batches; memory bounded by the batch, not the corpus.

    Without ``store``, every file is first loaded into a scratch on-disk store;
    files that cannot be read are then reported as syntax errors, and nothing else is checked.
    """
    files = turtle_files(root)
    report = ValidationReport(root=root, files=[_label(tf.path, root) for tf in files])
    with tempfile.TemporaryDirectory(prefix="sahel-kg-validate-") as scratch, quiet_rdflib():
        if store is None:
            store, report.syntax_errors = load_checked_store(root, Path(scratch) / "store")
        if store is not None:
            _validate_in_batches(report, store, files, batch_subjects, progress, sources_dir)
        del store
    return report


def _validate_in_batches(report: ValidationReport, store: pyoxigraph.Store, files: Sequence[TurtleFile],
                         batch_subjects: int, progress: Callable[[int], object] | None,
                         sources_dir: Path | None) -> None:
    try:
        ctx = load_context(report.root, store, sources_dir=sources_dir)
    except ValueError as exc:  # an ontology or shapes file, or the reused-terms list, cannot be read
        report.syntax_errors = [SyntaxProblem(file="(schema)", line=None, message=str(exc))]
        return
    violations, results, report.stopped = validate_schema(report.root, ctx)
    done = 0
    for batch in batches(data_files(report.root, files), size=batch_subjects):
        outcome = validate_batch(batch, ctx)
        violations += outcome.violations
        report.syntax_errors += outcome.problems
        report.stopped = report.stopped or outcome.stopped
        results += outcome.results
        done += batch.subjects
        if progress:
            progress(done)
    violations += cross_file_violations(store) + layout_violations(store)
    violations = project_checks.without_follow_ons(deduplicated(violations), results)
    report.violations = project_checks.with_lines(violations, {}, ctx.paths)
    report.results_graph = project_checks.add_results(_tag_files(results, report.violations), report.violations)


# ---------------------------------------------------------------- one changed file


def revalidate_file(root: Path, path: Path, store: pyoxigraph.Store, *,
                    sources_dir: Path | None = None) -> ValidationReport:
    """Validate one changed data file against the built ``store`` (which holds its previous version)."""
    label = _label(path, root)
    graph_iri = graph_iri_for(path, root=root)
    report = ValidationReport(root=root, files=[label])
    ctx = load_context(root, store, exclude_graph=graph_iri, sources_dir=sources_dir)
    new_graph = Graph(bind_namespaces="none")
    with quiet_rdflib():
        for batch in batches([(label, path)]):
            outcome = validate_batch(batch, ctx)
            report.violations += outcome.violations
            report.syntax_errors += outcome.problems
            report.stopped = report.stopped or outcome.stopped
            for _label_, text in batch.parts:
                if not outcome.problems:
                    new_graph.parse(data=text, format="turtle")
    if report.syntax_errors:
        return report
    new_subjects = {str(s) for s in new_graph.subjects() if isinstance(s, URIRef)}
    new_about = {str(o) for o in new_graph.objects(None, URIRef(SHG + "about"))}
    report.violations += _lost_references(store, graph_iri, new_subjects)
    report.violations += _orphaned_events(store, graph_iri, new_about)
    report.violations += project_checks.layout_findings([file_check.facts_of(label, new_graph)], new_graph)
    report.violations += _documents_without_claims(store, graph_iri, label, new_graph)
    report.violations = project_checks.with_lines(deduplicated(report.violations), {}, {label: path})
    return report


def run_validate_batched(args: argparse.Namespace) -> int:
    """``sahel-kg validate --batched``: the same report as ``validate``, in bounded memory."""
    import sys

    from sahel_kg.curation.validate import write_report
    from sahel_kg.settings import settings_of

    if getattr(args, "files", None):
        print("--batched validates the project's own files; drop the extra files or --batched", file=sys.stderr)
        return 2
    settings = settings_of(args)
    return write_report(validate_corpus(settings.project_root, sources_dir=settings.sources_dir), args)


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB (Linux)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


__all__ = ["validate_corpus", "revalidate_file", "batches", "stubs", "cross_file_violations", "load_store",
           "peak_rss_mb"]
