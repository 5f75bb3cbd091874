"""A small project to validate and build: the real ontology and shapes, BASE as files,
and the captures of its quotes in ``../shared/sources`` beside it, as in a checkout."""

from __future__ import annotations

import shutil
from pathlib import Path

from sahel_kg.curation.fmt import format_turtle
from support.project_data import ROOT as CHECKOUT
from support.shape_examples import BASE_FILES, CAPTURES


def make_project(parent: Path) -> Path:
    """``parent/project`` (returned), its captures in ``parent/shared/sources``.

    Source files are in canonical form; ``data/ttl/base.ttl`` stays as written.
    """
    project = parent / "project"
    shutil.copytree(CHECKOUT / "ontology", project / "ontology")
    shutil.copytree(CHECKOUT / "shapes", project / "shapes")
    shutil.copy(CHECKOUT / "pyproject.toml", project / "pyproject.toml")
    (project / "data" / "ttl" / "sources").mkdir(parents=True)
    for relative, text in BASE_FILES.items():
        (project / relative).parent.mkdir(parents=True, exist_ok=True)
        canonical = "sources/" in relative
        (project / relative).write_text(format_turtle(text) if canonical else text, encoding="utf-8")
    captures = parent / "shared" / "sources"
    captures.mkdir(parents=True)
    for name, text in CAPTURES.items():
        (captures / name).write_text(text, encoding="utf-8")
    return project


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in a file (fails when there is not exactly one)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old, text.count(old))
    path.write_text(text.replace(old, new), encoding="utf-8")
