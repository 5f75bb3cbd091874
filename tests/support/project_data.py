"""The curated project data loaded once into an in-memory store, for tests that query it."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph

from sahel_kg.project import project_root, turtle_files
from sahel_kg.settings import load_settings

ROOT: Path = project_root()
#: The captured source documents: the sources setting (../shared/sources beside the checkout).
SOURCES_DIR: Path = load_settings(root=ROOT).sources_dir


def load_project_store(root: Path = ROOT, *, derived: bool = False) -> pyoxigraph.Store:
    """Every project Turtle file in its own named graph of a fresh in-memory store; with ``derived``,
    also the derived graph the build writes (the project's rules run over them, as ``sahel-kg build`` does)."""
    store = pyoxigraph.Store()
    for f in turtle_files(root):
        store.load(
            path=str(f.path), format=pyoxigraph.RdfFormat.TURTLE,
            base_iri=f.graph_iri, to_graph=pyoxigraph.NamedNode(f.graph_iri),
        )
    if derived:
        from sahel_kg.derive.rules import load_rules
        from sahel_kg.derive.run import derive

        derive(store, load_rules(root), "0" * 64)
    return store


def select(store: pyoxigraph.Store, sparql: str) -> list[dict[str, str]]:
    """Run a SELECT over the union of all graphs; each row maps variable name to term value."""
    result = store.query(sparql, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]
