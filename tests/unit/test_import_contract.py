"""The import contract (scripts/import_contract.py, run by `make lint`) sees the imports that would break it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import import_contract
from import_graph import dynamic_imports


def test_imports_by_written_name_are_read() -> None:
    tree = ast.parse('''
import importlib
def f():
    importlib.import_module("fastapi")
    __import__("starlette.responses")
    importlib.import_module(".web.deps", "sahel_kg")
    importlib.import_module(name)  # computed: cannot be read
''')
    found = dynamic_imports(tree, "sahel_kg.store")
    assert {"fastapi", "starlette.responses", "sahel_kg.web.deps"} <= found
    assert "name" not in found


def test_a_package_is_in_its_own_layer() -> None:
    assert import_contract.layer("sahel_kg.web") == "web"
    assert import_contract.layer("sahel_kg.web.routes.sparql") == "web"
    assert import_contract.layer("sahel_kg.namespaces") == "kernel"
    assert import_contract.layer("sahel_kg.cli") == "root"


def test_arrows_up_across_and_from_unknown_packages_are_breaks() -> None:
    edges = {
        "sahel_kg.store.cache": {"sahel_kg.web"},                 # up, to the package itself
        "sahel_kg.query.runners": {"sahel_kg.linked_data.void"},  # across one layer
        "sahel_kg.extras.foo": {"sahel_kg.namespaces"},           # a package in no layer
        "sahel_kg.web.deps": {"sahel_kg.store.backend"},          # down: fine
    }
    breaks = import_contract.layering_breaks(edges)
    assert any("store.cache imports sahel_kg.web" in b for b in breaks)
    assert any("query.runners imports sahel_kg.linked_data.void" in b for b in breaks)
    assert any("sahel_kg.extras is in no layer" in b for b in breaks)
    assert not any("web.deps" in b for b in breaks)


def test_the_package_keeps_the_contract() -> None:
    assert import_contract.layering_breaks(import_contract.graph()) == []
    assert import_contract.framework_breaks() == []
