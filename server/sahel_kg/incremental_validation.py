"""SHACL validation that scales: batches of files, reference stubs, cross-file rules on a store.

Whole-graph pyshacl (:func:`sahel_kg.validation.validate_project`) holds every
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
3. The one rule that looks *into* other files from an event,
   ``shapes:EventClaimedAbout`` (every event has a claim about it), runs as
   SPARQL on the store instead.

Memory is bounded by the batch size, not the corpus. Re-validating one
changed file (:func:`revalidate_file`) validates that file alone against the
built store (its own stale graph excluded) and checks what other files lose
if it drops a claim or an entity they point at.

The results are the same :class:`~sahel_kg.validation.Violation` objects as
the whole-graph validator's; a test checks both agree on the curated data and
on synthetic corpora with injected faults.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from .layout import TurtleFile, graph_iri_for, turtle_files
from .namespaces import PREFIXES
from .validation import (
    SyntaxProblem,
    ValidationReport,
    Violation,
    _bound_graph,
    _label,
    _tag_files,
    parse_file,
    run_shapes,
    union,
    violations_from,
)

BASE = "https://w3id.org/sahel-harm/"
SHG = PREFIXES["shg"]
CROSS_FILE_SHAPE = URIRef(BASE + "shapes/EventClaimedAbout")
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


def _term(t: pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal) -> URIRef | BNode | Literal:
    if isinstance(t, pyoxigraph.NamedNode):
        return URIRef(t.value)
    if isinstance(t, pyoxigraph.BlankNode):
        return BNode(t.value)
    dt = t.datatype.value if t.datatype else None
    return Literal(t.value, lang=t.language, datatype=None if t.language else dt)


def stubs(store: pyoxigraph.Store, iris: set[str], *, exclude_graph: str | None = None) -> Graph:
    """Types of the given IRIs, and the containment chains of places, as the store knows them.

    Three small index-driven queries (one pattern each, no OPTIONAL): a
    left join over a property path is evaluated for every place otherwise.
    """
    graph = Graph(bind_namespaces="none")
    if not iris:
        return graph
    not_this = f"FILTER (?g != <{exclude_graph}>)" if exclude_graph else ""
    places: set[str] = set()
    for row in store.query(f"SELECT ?x ?t WHERE {{ VALUES ?x {{ {_values(iris)} }} GRAPH ?g {{ ?x a ?t }} {not_this} }}"):
        graph.add((URIRef(row["x"].value), RDF.type, URIRef(row["t"].value)))
        if row["t"].value == SHG + "Place":
            places.add(row["x"].value)
    if not places:
        return graph
    chain = {row["up"].value for row in store.query(
        f"SELECT DISTINCT ?up WHERE {{ VALUES ?x {{ {_values(places)} }} ?x <{GEO_WITHIN}>* ?up }}",
        use_default_graph_as_union=True)}
    query = (f"SELECT ?up ?p ?o WHERE {{ VALUES ?up {{ {_values(chain)} }} VALUES ?p {{ <{RDF.type}> "
             f"<{SHG}placePrecision> <{GEO_WITHIN}> }} ?up ?p ?o }}")
    for row in store.query(query, use_default_graph_as_union=True):
        graph.add((URIRef(row["up"].value), URIRef(row["p"].value), URIRef(row["o"].value)))
    return graph


GEO_WITHIN = "http://www.opengis.net/ont/geosparql#sfWithin"


def _values(iris: set[str]) -> str:
    return " ".join(f"<{i}>" for i in sorted(iris))


# ---------------------------------------------------------------- one batch


@dataclass
class Context:
    """What every batch is validated with: ontology and vocabularies, shapes, the store."""

    schema: Graph
    shapes: Graph  # without the schema-only shapes
    store: pyoxigraph.Store
    exclude_graph: str | None = None
    all_shapes: Graph | None = None


def load_context(root: Path, store: pyoxigraph.Store, *, exclude_graph: str | None = None) -> Context:
    """Parse the ontology, vocabularies and shapes once."""
    schema, shapes = [], []
    for folder in ("ontology", "shapes"):  # not turtle_files(): it names every data file too
        for path in sorted((root / folder).rglob("*.ttl")):
            parsed = parse_file(path, label=_label(path, root))
            if isinstance(parsed, SyntaxProblem):
                raise ValueError(str(parsed))
            (shapes if folder == "shapes" else schema).append(parsed)
    all_shapes = union(shapes)
    return Context(union(schema), without_shapes(all_shapes, SCHEMA_SHAPES), store, exclude_graph, all_shapes)


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


def validate_schema(root: Path, ctx: "Context") -> tuple[list[Violation], Graph]:
    """The ontology and vocabularies alone, with every shape (their own quality rules included)."""
    data = union([ctx.schema])
    _conforms, results = run_shapes(data, ctx.all_shapes)
    schema_graphs = {}
    for folder in ("ontology",):
        for path in sorted((root / folder).rglob("*.ttl")):
            parsed = parse_file(path, label=_label(path, root))
            if not isinstance(parsed, SyntaxProblem):
                schema_graphs[_label(path, root)] = parsed
    return violations_from(results, data, _owners(schema_graphs, results)), results


def validate_batch(batch: Batch, ctx: Context) -> tuple[list[Violation], list[SyntaxProblem], Graph]:
    """Validate one batch; keep results on its own nodes and on IRIs nothing describes."""
    graphs: dict[str, Graph] = {}
    problems: list[SyntaxProblem] = []
    for label, text in batch.parts:
        g = graphs.setdefault(label, Graph(bind_namespaces="none"))
        try:
            g.parse(data=text, format="turtle")
        except Exception as exc:  # a block could not be read on its own: report the file
            problems.append(SyntaxProblem(file=label, line=None, message=f"Turtle syntax error: {exc}"))
    if problems:
        return [], problems, Graph()
    own = {s for g in graphs.values() for s in g.subjects() if isinstance(s, URIRef)}
    used = {str(o) for g in graphs.values() for _s, _p, o in g
            if isinstance(o, URIRef) and str(o).startswith(BASE) and o not in own}
    stub_graph = stubs(ctx.store, used, exclude_graph=ctx.exclude_graph)
    described = set(stub_graph.subjects(RDF.type, None))
    data = union([ctx.schema, *graphs.values(), stub_graph])
    _conforms, results = run_shapes(data, ctx.shapes)
    _drop_results(results, keep=lambda r: _keep(results, r, own, described))
    owners = _owners(graphs, results)
    return violations_from(results, data, owners), [], results


def _keep(results: Graph, result: URIRef | BNode, own: set[URIRef], described: set) -> bool:
    if results.value(result, SH.sourceShape) == CROSS_FILE_SHAPE:
        return False
    focus = results.value(result, SH.focusNode)
    if isinstance(focus, BNode) or focus in own:
        return True
    return focus not in described and str(focus).startswith(BASE)


def _drop_results(results: Graph, *, keep) -> None:  # type: ignore[no-untyped-def]
    report = next(results.subjects(RDF.type, SH.ValidationReport))
    for result in list(results.objects(report, SH.result)):
        if not keep(result):
            results.remove((report, SH.result, result))
            results.remove((result, None, None))


def _owners(graphs: dict[str, Graph], results: Graph) -> dict:
    from .validation import file_owners

    return file_owners(graphs, set(results.objects(None, SH.focusNode)))


# ---------------------------------------------------------------- cross-file rules


_EVENT_CLAIMS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
SELECT DISTINCT ?event ?value ?file WHERE {
  { GRAPH ?file { ?event a ?t } ?t rdfs:subClassOf* sem:Event .
    FILTER NOT EXISTS { ?c shg:about ?event } }
  UNION
  { GRAPH ?file { ?event a ?t } ?t rdfs:subClassOf* sem:Event .
    ?value shg:about ?event FILTER NOT EXISTS { ?value a shg:Claim } }
}"""


def cross_file_violations(store: pyoxigraph.Store, *, events: Sequence[str] | None = None,
                          root: Path | None = None) -> list[Violation]:
    """``shapes:EventClaimedAbout`` over the whole store (or only the given events)."""
    query = _EVENT_CLAIMS
    if events is not None:
        if not events:
            return []
        query = query.replace("SELECT DISTINCT ?event ?value ?file WHERE {",
                              "SELECT DISTINCT ?event ?value ?file WHERE {\n  VALUES ?event { "
                              + " ".join(f"<{e}>" for e in events) + " }")
    nm = _bound_graph().namespace_manager
    found: dict[tuple[str, str | None], Violation] = {}
    for row in store.query(query, use_default_graph_as_union=True):
        event = URIRef(row["event"].value)
        value = URIRef(row["value"].value) if row["value"] is not None else None
        file = _graph_file(row["file"].value)
        found[(str(event), str(value) if value else None)] = Violation(
            file=file, focus_node=event.n3(nm), path="^shg:about",
            value=value.n3(nm) if value is not None else None,
            source_shape="shapes:EventClaimedAbout", severity="Violation",
            message=_CROSS_MESSAGE,
            focus_term=event,
        )
    return list(found.values())


_CROSS_MESSAGE = ("Every event is known only through claims: at least one shg:Claim must point at it with "
                  "shg:about. Add the claim from the source document that reports it, or remove the event.")


def _graph_file(graph_iri: str) -> str:
    rel = graph_iri.removeprefix(BASE + "graph/")
    if rel.startswith(("ontology/", "shapes/")):
        return rel + ".ttl"
    return "data/ttl/" + rel + ".ttl"


# ---------------------------------------------------------------- whole corpus


def load_store(root: Path, directory: Path | None = None) -> pyoxigraph.Store:
    """A store holding every project file in its own named graph (on disk when ``directory`` is given)."""
    store = pyoxigraph.Store(str(directory)) if directory else pyoxigraph.Store()
    for tf in turtle_files(root):
        store.bulk_load(path=str(tf.path), format=pyoxigraph.RdfFormat.TURTLE, base_iri=tf.graph_iri,
                        to_graph=pyoxigraph.NamedNode(tf.graph_iri))
    return store


def data_files(root: Path, files: Sequence[TurtleFile] | None = None) -> list[tuple[str, Path]]:
    return [(_label(tf.path, root), tf.path) for tf in (files or turtle_files(root)) if tf.kind == "data"]


def validate_corpus(root: Path, *, store: pyoxigraph.Store | None = None, batch_subjects: int = BATCH_SUBJECTS,
                    progress=None) -> ValidationReport:  # type: ignore[no-untyped-def]
    """Validate every data file in batches; memory bounded by the batch, not the corpus.

    Without ``store``, every file is first loaded into a scratch on-disk store.
    """
    files = turtle_files(root)
    report = ValidationReport(root=root, files=[_label(tf.path, root) for tf in files])
    with tempfile.TemporaryDirectory(prefix="sahel-kg-validate-") as scratch:
        if store is None:
            try:
                store = load_store(root, Path(scratch) / "store")
            except SyntaxError as exc:
                report.syntax_errors = [SyntaxProblem(file="(load)", line=None, message=str(exc))]
                return report
        ctx = load_context(root, store)
        results = _bound_graph()
        schema_violations, schema_results = validate_schema(root, ctx)
        report.violations += schema_violations
        results += schema_results
        done = 0
        for batch in batches(data_files(root, files), size=batch_subjects):
            violations, problems, batch_results = validate_batch(batch, ctx)
            report.violations += violations
            report.syntax_errors += problems
            results += batch_results
            done += batch.subjects
            if progress:
                progress(done)
        report.violations += cross_file_violations(store)
        report.results_graph = _tag_files(results, report.violations)
        del store
    return report


# ---------------------------------------------------------------- one changed file


def revalidate_file(root: Path, path: Path, store: pyoxigraph.Store) -> ValidationReport:
    """Validate one changed data file against the built ``store`` (which holds its previous version)."""
    label = _label(path, root)
    graph_iri = graph_iri_for(path, root=root)
    report = ValidationReport(root=root, files=[label])
    ctx = load_context(root, store, exclude_graph=graph_iri)
    new_subjects: set[str] = set()
    new_about: set[str] = set()
    for batch in batches([(label, path)]):
        violations, problems, _results = validate_batch(batch, ctx)
        report.violations += violations
        report.syntax_errors += problems
        for _label_, text in batch.parts:
            new_subjects.update(m for m in _subjects_of(text))
            new_about.update(_abouts_of(text))
    if report.syntax_errors:
        return report
    report.violations += _lost_references(store, graph_iri, new_subjects)
    report.violations += _orphaned_events(store, graph_iri, new_about)
    return report


def _subjects_of(text: str) -> set[str]:
    g = Graph(bind_namespaces="none").parse(data=text, format="turtle")
    return {str(s) for s in g.subjects() if isinstance(s, URIRef)}


def _abouts_of(text: str) -> set[str]:
    g = Graph(bind_namespaces="none").parse(data=text, format="turtle")
    return {str(o) for o in g.objects(None, URIRef(SHG + "about"))}


def _lost_references(store: pyoxigraph.Store, graph_iri: str, kept: set[str]) -> list[Violation]:
    """IRIs the old version described, that other files use, and that the new version drops."""
    query = f"""SELECT DISTINCT ?x WHERE {{
        GRAPH <{graph_iri}> {{ ?x a ?t }}
        GRAPH ?g {{ ?s ?p ?x }} FILTER (?g != <{graph_iri}>)
        FILTER NOT EXISTS {{ GRAPH ?g2 {{ ?x a ?t2 }} FILTER (?g2 != <{graph_iri}>) }}
    }}"""
    nm = _bound_graph().namespace_manager
    lost = []
    for row in store.query(query):
        iri = row["x"].value
        if iri in kept:
            continue
        node = URIRef(iri)
        lost.append(Violation(
            file=None, focus_node=node.n3(nm), path="rdf:type", value=None, source_shape="shapes:DescribedIri",
            severity="Violation", focus_term=node,
            message="This project IRI is used but never described (it has no rdf:type anywhere): check it for a typo "
                    "against actors.ttl, places.ttl, events.ttl or the vocabularies, or add the entity with its rdf:type and label.",
        ))
    return lost


def _orphaned_events(store: pyoxigraph.Store, graph_iri: str, still_about: set[str]) -> list[Violation]:
    """Events the old version had claims about that now have a claim nowhere."""
    query = f"""PREFIX shg: <{SHG}>
        SELECT DISTINCT ?e WHERE {{
          GRAPH <{graph_iri}> {{ ?c shg:about ?e }}
          FILTER NOT EXISTS {{ GRAPH ?g {{ ?c2 shg:about ?e }} FILTER (?g != <{graph_iri}>) }}
        }}"""
    candidates = [row["e"].value for row in store.query(query) if row["e"].value not in still_about]
    return cross_file_violations_without(store, candidates, graph_iri)


def cross_file_violations_without(store: pyoxigraph.Store, events: list[str], graph_iri: str) -> list[Violation]:
    """``shapes:EventClaimedAbout`` for ``events``, which have lost their claims in ``graph_iri``."""
    nm = _bound_graph().namespace_manager
    out = []
    for e in events:
        files = [r["g"].value for r in store.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{e}> a ?t }} }}")]
        node = URIRef(e)
        out.append(Violation(
            file=_graph_file(files[0]) if files else None, focus_node=node.n3(nm), path="^shg:about", value=None,
            source_shape="shapes:EventClaimedAbout", severity="Violation", message=_CROSS_MESSAGE, focus_term=node,
        ))
    return out


def run_validate_batched(args) -> int:  # type: ignore[no-untyped-def]
    """``sahel-kg validate --batched``: the same report as ``validate``, in bounded memory."""
    import sys

    from .layout import project_root
    from .validation import RENDERERS

    if getattr(args, "files", None):
        print("--batched validates the project's own files; drop the extra files or --batched", file=sys.stderr)
        return 2
    root = args.root if args.root is not None else project_root()
    report = validate_corpus(root)
    output = RENDERERS[getattr(args, "format", "text") or "text"](report)
    if getattr(args, "output", None):
        Path(args.output).write_text(output + "\n", encoding="utf-8")
    else:
        print(output)
    return report.exit_code


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB (Linux)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


__all__ = ["validate_corpus", "revalidate_file", "batches", "stubs", "cross_file_violations", "load_store",
           "peak_rss_mb"]
