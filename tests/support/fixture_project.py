"""The fixture graph: a small fictional project that the server, page and protocol tests run on.

Its data (``tests/fixtures/graph/data/ttl/``) is written for the tests: fictional
places, actors and documents, each marked as test data, covering every page
kind and edge case the tests need (see ``tests/fixtures/graph/README.md``). It
uses the checkout's real ontology and shapes, so a project root for it is a
copy of ``ontology/`` and ``shapes/`` beside the fixture's ``data/ttl/``, with
its captured documents in ``../shared/sources/`` as for the curated data.

The tests pin the fixture's figures (seven incidents, 23 claims…): the fixture
changes only with the tests, so a new curated source never breaks them.

>>> files = fixture_turtle_files()
>>> [f.kind for f in files][-1], files[-1].graph_iri.rsplit("/", 2)[-2:]
('data', ['sources', 'tessoura-rights-observatory-drone-report'])
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sahel_kg.project import TurtleFile, project_root, turtle_files

#: The fixture project's own files: data/ttl/ and the captured documents.
FIXTURE_DIR: Path = Path(__file__).resolve().parents[1] / "fixtures" / "graph"
FIXTURE_CAPTURES: Path = FIXTURE_DIR / "captures"
ID = "https://w3id.org/sahel-harm/id/"


def fixture_turtle_files(schema_root: Path | None = None) -> list[TurtleFile]:
    """The files a fixture project root holds, with the graph IRIs they get there.

    The ontology and shapes are the checkout's (``schema_root``); the data is the fixture's.
    """
    schema = [f for f in turtle_files(schema_root or project_root()) if f.kind != "data"]
    return schema + [f for f in turtle_files(FIXTURE_DIR) if f.kind == "data"]


def sources_dir(root: Path) -> Path:
    """Where a project root's captured documents are: ``../shared/sources/`` beside it."""
    return root.parent / "shared" / "sources"


def make_fixture_root(target: Path, *, schema_root: Path | None = None) -> Path:
    """Write a project root at ``target``: the checkout's ontology and shapes, the fixture's data.

    Copies, not symlinks (graph names and build hashes come from paths resolved
    under the root). The captured documents go to :func:`sources_dir`.
    """
    schema = schema_root or project_root()
    for folder in ("ontology", "shapes"):
        shutil.copytree(schema / folder, target / folder)
    shutil.copytree(FIXTURE_DIR / "data", target / "data")
    shutil.copytree(FIXTURE_CAPTURES, sources_dir(target), dirs_exist_ok=True)
    return target
