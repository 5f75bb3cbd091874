"""One source document, one file: what ``data/ttl/sources/<slug>.ttl`` may hold.

The file of a source document is its named graph, so "what did this source
say" is one GRAPH query (DESIGN.md, principle 14). That holds only if
``data/ttl/sources/<slug>.ttl`` describes the document ``source:<slug>`` and
no other, and every claim in it is ``prov:wasDerivedFrom`` that document;
claims live in no other project file. A SHACL shape sees the merged graph,
not which file a triple came from, hence Python. Files given to ``validate``
on the command line (drafts) are not project files and are not checked here.

>>> facts = FileFacts("data/ttl/sources/a.ttl", documents={SOURCE + "a"},
...                   claims={"https://w3id.org/sahel-harm/id/claim/x": {SOURCE + "b"}})
>>> [(p.node, p.value) for p in layout_problems([facts])]
[('https://w3id.org/sahel-harm/id/claim/x', 'https://w3id.org/sahel-harm/id/source/b')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from sahel_kg.curation.term_check import compact
from sahel_kg.curation.terms import SHG
from sahel_kg.namespaces import PREFIXES

SOURCE = PREFIXES["source"]
SOURCES_FOLDER = "data/ttl/sources/"
#: Imported coded datasets: ``data/ttl/imports/<dataset>/`` holds one release's claims (see docs/imports.md).
IMPORTS_FOLDER = "data/ttl/imports/"
PROV_DERIVED = URIRef(PREFIXES["prov"] + "wasDerivedFrom")


@dataclass
class FileFacts:
    """What one project data file describes: source documents, and claims with their documents."""

    label: str
    documents: set[str] = field(default_factory=set)
    claims: dict[str, set[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class LayoutProblem:
    """A node in the wrong file: ``node`` and ``path`` say where, ``message`` what to do."""

    label: str
    node: str
    path: URIRef
    value: str | None
    message: str


def facts_of(label: str, graph: Graph) -> FileFacts:
    """The source documents and claims ``graph`` (the file ``label``) describes."""
    facts = FileFacts(label, documents={str(d) for d in graph.subjects(RDF.type, SHG.SourceDocument)})
    for claim in graph.subjects(RDF.type, SHG.Claim):
        facts.claims[str(claim)] = {str(d) for d in graph.objects(claim, PROV_DERIVED)}
    return facts


def layout_problems(files: Iterable[FileFacts]) -> Iterator[LayoutProblem]:
    """Every document or claim that is not in the file of its source document."""
    for facts in files:
        if facts.label.startswith(SOURCES_FOLDER):
            yield from _source_file_problems(facts)
        elif facts.label.startswith(IMPORTS_FOLDER):
            yield from _import_file_problems(facts)
        elif facts.label.startswith("data/ttl/"):
            yield from _claims_outside_sources(facts)


def _expected_document(label: str) -> str:
    return SOURCE + label.removeprefix(SOURCES_FOLDER).removesuffix(".ttl").split("/")[-1]


def _file_of(document: str) -> str:
    return f"{SOURCES_FOLDER}{document.removeprefix(SOURCE)}.ttl"


def _source_file_problems(facts: FileFacts) -> Iterator[LayoutProblem]:
    expected = _expected_document(facts.label)
    if expected not in facts.documents:
        yield LayoutProblem(facts.label, expected, RDF.type, None,
                            f"{facts.label} is the file of {compact(expected)}, which it must describe "
                            f"(a shg:SourceDocument): the file is named after its document's slug.")
    for other in sorted(facts.documents - {expected}):
        yield LayoutProblem(facts.label, other, RDF.type, None,
                            f"{compact(other)} is described in {facts.label}, the file of {compact(expected)}: "
                            f"each source document has a file of its own; move it to {_file_of(other)}.")
    for claim, documents in sorted(facts.claims.items()):
        for document in sorted(documents - {expected}):
            yield LayoutProblem(facts.label, claim, PROV_DERIVED, document,
                                f"{compact(claim)} is in {facts.label}, the file of {compact(expected)}, but is derived "
                                f"from {compact(document)}: a claim lives in the file of the document it comes from; "
                                f"move it to {_file_of(document)}, or fix prov:wasDerivedFrom.")


def _import_file_problems(facts: FileFacts) -> Iterator[LayoutProblem]:
    """In ``data/ttl/imports/<dataset>/``, claims and documents are that dataset's releases' (``source:<dataset>-…``)."""
    folder = facts.label.removeprefix(IMPORTS_FOLDER).split("/")[0]
    release = f"{SOURCE}{folder}-"
    if "/" not in facts.label.removeprefix(IMPORTS_FOLDER):
        yield from _claims_outside_sources(facts)  # a file beside the dataset folders (confirmed matches)
        return
    for document in sorted(d for d in facts.documents if not d.startswith(release)):
        yield LayoutProblem(facts.label, document, RDF.type, None,
                            f"{compact(document)} is described in {facts.label}, a folder of imported {folder} "
                            f"releases: only {compact(release)}… documents belong here.")
    for claim, documents in sorted(facts.claims.items()):
        for document in sorted(d for d in documents if not d.startswith(release)):
            yield LayoutProblem(facts.label, claim, PROV_DERIVED, document,
                                f"{compact(claim)} is in {facts.label}, a folder of imported {folder} releases, "
                                f"but is derived from {compact(document)}: imported claims come from their "
                                f"release; re-run `sahel-kg import {folder}` instead of editing these files.")


def _claims_outside_sources(facts: FileFacts) -> Iterator[LayoutProblem]:
    for claim in sorted(facts.claims):
        yield LayoutProblem(facts.label, claim, RDF.type, None,
                            f"{compact(claim)} is a claim in {facts.label}: claims live in the file of their source "
                            f"document, {SOURCES_FOLDER}<slug>.ttl; move it there.")
