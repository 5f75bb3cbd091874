"""Every setting and every route is documented in the README (datasette's rule)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph

from sahel_kg.app import create_app
from sahel_kg.devtools.readme_tables import render_readme
from sahel_kg.project import project_root
from sahel_kg.settings import Settings

README = project_root() / "README.md"


def route_paths(routes: Iterable[object]) -> Iterator[str]:
    for route in routes:
        if hasattr(route, "original_router"):
            yield from route_paths(route.original_router.routes)
        elif isinstance(path := getattr(route, "path", None), str):
            yield path


def test_the_settings_table_is_up_to_date() -> None:
    text = README.read_text(encoding="utf-8")
    assert render_readme(text) == text, "README settings table is stale: run `.venv/bin/python scripts/docs_tables.py`"


def test_every_route_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    app = create_app(Settings(root=Path("/nowhere")), pyoxigraph.Store())
    # "/ontology.{ext}" and "/id/{rest:path}" are documented by their stem.
    stems = {re.sub(r"(\.\{ext\}|/\{[^}]+\})$", "", path) or "/" for path in route_paths(app.routes)}
    missing = sorted(stem for stem in stems if f"`{stem}" not in text)
    assert missing == [], f"routes missing from README's HTTP interface table: {missing}"
