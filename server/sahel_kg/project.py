"""Where the project's Turtle lives, and which named graph each file becomes.

Every Turtle file under ``ontology/``, ``shapes/`` and ``data/ttl/`` is one
named graph, whose IRI is the file's path relative to its root folder:

>>> graph_iri_for(Path("/p/data/ttl/sources/x.ttl"), root=Path("/p"))
'https://w3id.org/sahel-harm/graph/sources/x'
>>> graph_iri_for(Path("/p/ontology/vocab/stance.ttl"), root=Path("/p"))
'https://w3id.org/sahel-harm/graph/ontology/vocab/stance'
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sahel_kg.namespaces import GRAPH_BASE

#: Folders scanned for Turtle, relative to the project root, and the prefix
#: stripped from their files' paths to name their graphs.
TTL_ROOTS: dict[str, str] = {
    "ontology": "ontology/",
    "shapes": "shapes/",
    "data/ttl": "",
}


#: Coded event datasets that ``sahel-kg import`` writes under ``data/ttl/imports/<name>/``.
IMPORTED_DATASETS = ("ucdp-ged", "acled")


def source_graph_iri(slug: str) -> str:
    """The named graph describing the source document ``source:<slug>``: its file under data/ttl/sources/, or
    for an imported dataset release (``source:ucdp-ged-24-1``) the release.ttl of its dataset's folder.

    >>> source_graph_iri("ap-x"), source_graph_iri("ucdp-ged-24-1")
    ('https://w3id.org/sahel-harm/graph/sources/ap-x', 'https://w3id.org/sahel-harm/graph/imports/ucdp-ged/release')
    """
    for dataset in IMPORTED_DATASETS:
        if slug.startswith(dataset + "-"):
            return f"{GRAPH_BASE}imports/{dataset}/release"
    return f"{GRAPH_BASE}sources/{slug}"


@dataclass(frozen=True)
class TurtleFile:
    """One Turtle file of the project and the named graph it is loaded into."""

    path: Path
    graph_iri: str
    kind: str  # "ontology", "shapes" or "data"


def project_root() -> Path:
    """The checkout's root: the nearest folder above this package with a pyproject.toml."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists() and (parent / "data" / "ttl").is_dir():
            return parent
    raise FileNotFoundError(
        "cannot find the project root (a folder with pyproject.toml and data/ttl/) "
        f"above {here}; run from a checkout or pass --root"
    )


def graph_iri_for(path: Path, *, root: Path) -> str:
    """The named-graph IRI of a project Turtle file."""
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    for folder, prefix in TTL_ROOTS.items():
        if rel.startswith(folder + "/"):
            rel = prefix + rel[len(folder) + 1 :]
            break
    return GRAPH_BASE + rel.removesuffix(".ttl")


def turtle_files(root: Path) -> list[TurtleFile]:
    """All Turtle files of the project, ontology first, then shapes, then data."""
    files: list[TurtleFile] = []
    for folder in TTL_ROOTS:
        kind = "data" if folder == "data/ttl" else folder
        for path in sorted((root / folder).rglob("*.ttl")):
            if path.is_file():  # not an editor's lock link to nowhere (Emacs' .#name.ttl), as build_input_stats
                files.append(TurtleFile(path, graph_iri_for(path, root=root), kind))
    return files


#: The derivation rules (SPARQL CONSTRUCT files), relative to the project root: inputs of the build.
RULES_DIR = Path("ontology") / "rules"


def rule_paths(root: Path) -> list[Path]:
    """The derivation rule files of a project root, sorted by name (empty when it has none)."""
    return sorted(path for path in (root / RULES_DIR).glob("*.rq") if path.is_file())


def build_inputs(root: Path, files: Sequence[TurtleFile] | None = None) -> list[Path]:
    """Every file a build reads: the Turtle files and the derivation rules (what the inputs hash covers).

    ``files``: the project's :func:`turtle_files` when the caller has listed them already (listing
    resolves every path: seconds at 573,000 files)."""
    return [f.path for f in (turtle_files(root) if files is None else files)] + rule_paths(root)


#: What :func:`build_input_stats` gives for one input: (path, size in bytes, modification time in ns,
#: status-change time in ns, inode number).
InputStat = tuple[str, int, int, int, int]


def build_input_stats(root: Path) -> tuple[InputStat, ...]:
    """(path, size in bytes, modification time in ns, status-change time in ns, inode) of every file
    :func:`build_inputs` lists, sorted by path: what changes when a build input is added, removed or edited.

    The status-change time (``st_ctime``) and inode are there because size and modification time alone
    miss a same-size edit whose modification time was set back (``cp -p``, ``touch -r``, ``rsync -t``,
    ``tar -x``): no program can set ``st_ctime``, and every write, ``utime`` or rename moves it.

    One ``os.scandir`` walk, without the graph IRIs :func:`turtle_files` computes: a server looks at
    its inputs every few seconds, and at 20,000 incidents (11,000 files) this takes 0.04 s where listing
    them as build inputs took 0.65 s of the interpreter's time, which stalled the requests beside it.
    """
    found: list[InputStat] = []
    for folder in TTL_ROOTS:
        _scan(root / folder, ".ttl", True, found)
    _scan(root / RULES_DIR, ".rq", False, found)
    return tuple(sorted(found))


def _scan(folder: Path, suffix: str, recurse: bool, found: list[InputStat]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:  # a folder that does not exist holds no input
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):  # as the build's rglob: a symlinked folder is not entered
                if recurse:
                    _scan(Path(entry.path), suffix, recurse, found)
            elif entry.name.endswith(suffix) and entry.is_file():
                stat = entry.stat()
                found.append((entry.path, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino))
        except OSError:  # removed while we looked
            continue
