"""The package's import graph in figures: modules, arrows, levels, cycles, upward arrows.

    python scripts/import_graph.py [--json]

Reads every module of ``server/sahel_kg`` with :mod:`ast` (nothing is
imported or run) and counts the imports between its own modules — at the top
of a module or inside a function alike, since a lazy import is still a
dependency. Levels: a module that imports none of ours is level 1, any other
is one above the highest it imports (cycles are collapsed first).
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import TypedDict

PACKAGE = "sahel_kg"
ROOT = Path(__file__).resolve().parent.parent / "server" / PACKAGE


def module_name(path: Path) -> str:
    """``sahel_kg.a.b`` for ``server/sahel_kg/a/b.py`` (a package's ``__init__`` is the package)."""
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules of ours that ``module`` imports (relative imports resolved)."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            submodules = {f"{base}.{alias.name}" for alias in node.names} & known
            # ``from pkg import module`` depends on the module; ``from module import name`` on the module
            found.update(submodules if len(submodules) == len(node.names) else {base, *submodules})
    found.update(dynamic_imports(tree, package))
    return {name for name in found if name in known and name != module}


#: Calls that import a module named by a string.
DYNAMIC = {"import_module", "__import__"}


def dynamic_imports(tree: ast.AST, package: str) -> set[str]:
    """Modules imported by name through ``importlib.import_module("…")`` or ``__import__("…")``.

    A relative name resolves against ``package`` (or the call's own package
    argument); a name built at run time cannot be read and is not counted.
    """
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        first = node.args[0]
        if name not in DYNAMIC or not isinstance(first, ast.Constant) or not isinstance(first.value, str):
            continue
        target = first.value
        if target.startswith("."):
            given = node.args[1] if len(node.args) > 1 else None
            anchor = given.value if isinstance(given, ast.Constant) and isinstance(given.value, str) else package
            level, rest = len(target) - len(target.lstrip(".")), target.lstrip(".")
            parts = anchor.split(".")
            target = ".".join(parts[: len(parts) - level + 1] + ([rest] if rest else []))
        parts = target.split(".")
        found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return found


def graph() -> dict[str, set[str]]:
    """Module to the modules of ours it imports."""
    files = {module_name(p): p for p in ROOT.rglob("*.py")}
    known = set(files)
    return {name: imported(ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py", known)
            for name, path in files.items()}


def strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's components (a cycle is one with more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            components.append(component)

    sys.setrecursionlimit(10_000)
    for v in edges:
        if v not in index:
            visit(v)
    return components


def levels(edges: dict[str, set[str]]) -> dict[str, int]:
    """Each module's level (cycles collapsed into one node)."""
    components = strongly_connected(edges)
    owner = {m: i for i, c in enumerate(components) for m in c}
    memo: dict[int, int] = {}

    def level(c: int) -> int:
        if c not in memo:
            below = {owner[w] for m in components[c] for w in edges[m]} - {c}
            memo[c] = 1 + max((level(b) for b in below), default=0)
        return memo[c]

    return {m: level(owner[m]) for m in edges}


class Figures(TypedDict):
    """What the graph amounts to (``--json`` prints it as is)."""

    modules: int
    arrows: int
    levels: int
    cycles: list[list[str]]


def figures() -> Figures:
    edges = graph()
    cycles = [sorted(c) for c in strongly_connected(edges) if len(c) > 1]
    return {"modules": len(edges), "arrows": sum(len(v) for v in edges.values()),
            "levels": max(levels(edges).values(), default=0), "cycles": cycles}


if __name__ == "__main__":
    result = figures()
    if "--json" in sys.argv:
        print(json.dumps(result, indent=1))
    else:
        print(f"{result['modules']} modules, {result['arrows']} arrows, {result['levels']} levels, "
              f"{len(result['cycles'])} cycles {result['cycles']}")
