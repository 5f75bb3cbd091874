"""The package's layering, checked: ``make lint`` fails when an import runs the wrong way.

    python scripts/import_contract.py

Rules (see ``docs/architecture.md``):

1. Layers, lowest first: the kernel modules (``namespaces``, ``dataset``, ``links``,
   ``labels``, ``languages``, ``settings``, ``project``, ``metrics``, ``command_name``), ``rdf``, ``store``, then
   ``query``/``linked_data``/``search``/``exports``, then ``pages``/``curation``, then
   ``web``, then ``devtools``, then the entry points (``app``, ``serve``,
   ``cli``). A module imports its own package or lower layers only; two
   packages on one layer do not import each other.
2. Only ``web``, ``app`` and ``serve`` import FastAPI or Starlette; only
   ``pages`` imports Jinja2 or MarkupSafe.
3. What a curator runs stays light: ``sahel-kg validate``, ``fmt``,
   ``new-source`` and ``build`` load no web framework and no template
   engine, and a query worker loads neither rdflib nor FastAPI. Checked by
   importing each in a fresh interpreter and reading ``sys.modules``.

Imports are read with :mod:`ast`: lazy imports inside functions count, and so
do ``importlib.import_module("…")`` and ``__import__("…")`` with a written
name (a name computed at run time cannot be read; rule 3 still sees what it
loads at import). A package of ours that is not in the layer table is itself a
broken rule. Exit status 1 lists every broken rule.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_graph import ROOT, dynamic_imports, graph, module_name

KERNEL = {"namespaces", "dataset", "links", "labels", "languages", "settings", "project", "metrics", "__init__"}
RANK = {"kernel": 0, "rdf": 1, "store": 2, "query": 3, "linked_data": 3, "search": 3, "exports": 3, "derive": 3,
        "pages": 4, "curation": 4, "web": 5, "devtools": 6, "root": 7}
ROOTS = {"app", "serve", "cli"}
WEB_FRAMEWORKS = ("fastapi", "starlette")
TEMPLATE_ENGINES = ("jinja2", "markupsafe")
#: module to import in a fresh interpreter, and the top-level packages it must not load
LIGHT = {
    "sahel_kg.curation.validate": WEB_FRAMEWORKS + TEMPLATE_ENGINES,
    "sahel_kg.curation.validate_batched": WEB_FRAMEWORKS + TEMPLATE_ENGINES,
    "sahel_kg.curation.fmt": WEB_FRAMEWORKS + TEMPLATE_ENGINES,
    "sahel_kg.curation.scaffold": WEB_FRAMEWORKS + TEMPLATE_ENGINES,
    "sahel_kg.curation.build": WEB_FRAMEWORKS + TEMPLATE_ENGINES,
    "sahel_kg.curation.imports.run": WEB_FRAMEWORKS + TEMPLATE_ENGINES,
    "sahel_kg.query.worker_process": ("rdflib",) + WEB_FRAMEWORKS,
}


def layer(module: str) -> str:
    """``web`` for ``sahel_kg.web`` and ``sahel_kg.web.routes.sparql``; ``kernel`` or ``root`` for top-level modules.

    >>> layer("sahel_kg.web"), layer("sahel_kg.store.backend"), layer("sahel_kg.namespaces"), layer("sahel_kg.cli")
    ('web', 'store', 'kernel', 'root')
    """
    parts = module.split(".")
    if len(parts) == 1:
        return "kernel"
    if parts[1] in ROOTS:
        return "root"
    if len(parts) == 2 and not (ROOT / parts[1]).is_dir():
        return "kernel"
    return parts[1]


def layering_breaks(edges: dict[str, set[str]]) -> list[str]:
    """Packages missing from the layer table; arrows to a higher layer, or across two packages of one layer."""
    unknown = sorted({layer(m) for m in edges} - set(RANK))
    found = [f"sahel_kg.{name} is in no layer: add it to RANK in scripts/import_contract.py "
             "and to docs/architecture.md" for name in unknown]
    for source, targets in sorted(edges.items()):
        for target in sorted(targets):
            a, b = layer(source), layer(target)
            if a in unknown or b in unknown or a == b or RANK[b] < RANK[a]:
                continue
            found.append(f"{source} imports {target}: {a} may not import {b}")
    return found


def third_party(path: Path) -> set[str]:
    """Top-level names of the packages a file imports, by statement or by a written name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = {name.split(".")[0] for name in dynamic_imports(tree, "sahel_kg")}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


def framework_breaks() -> list[str]:
    """Web frameworks outside web/app/serve, template engines outside pages."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        module = module_name(path)
        imported = third_party(path)
        if imported & set(WEB_FRAMEWORKS) and layer(module) != "web" and module not in ("sahel_kg.app", "sahel_kg.serve"):
            found.append(f"{module} imports {sorted(imported & set(WEB_FRAMEWORKS))}: only web/, app and serve may")
        if imported & set(TEMPLATE_ENGINES) and layer(module) != "pages":
            found.append(f"{module} imports {sorted(imported & set(TEMPLATE_ENGINES))}: only pages/ may")
    return found


def weight_breaks() -> list[str]:
    """Light entry points that load a heavy package when imported."""
    found = []
    for module, banned in LIGHT.items():
        probe = f"import sys, {module}; print(' '.join(n for n in {banned!r} if n in sys.modules))"
        loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
        found += [f"importing {module} loads {name}" for name in loaded]
    return found


def main() -> int:
    breaks = layering_breaks(graph()) + framework_breaks() + weight_breaks()
    for line in breaks:
        print(line)
    print(f"import contract: {len(breaks)} broken rule(s)" if breaks else "import contract: kept")
    return 1 if breaks else 0


if __name__ == "__main__":
    raise SystemExit(main())
