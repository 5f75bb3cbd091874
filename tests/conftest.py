"""Shared fixtures: the project data built into a temporary store, the app, a client.

``built_store`` builds once per session with validation skipped (the data's own
tests check it), so these fixtures work whatever state the validator is in.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sahel_kg import build
from sahel_kg.app import create_app
from sahel_kg.layout import project_root
from sahel_kg.settings import Settings
from sahel_kg.store import open_read_only

ROOT = project_root()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The checkout under test."""
    return ROOT


@pytest.fixture(scope="session")
def store_pointer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store pointer of a store built from the project's files (validation skipped)."""
    pointer = tmp_path_factory.mktemp("var") / "store"
    mp = pytest.MonkeyPatch()
    mp.setattr(build, "check", lambda root: (True, "validation skipped in tests"))
    try:
        result = build.build_store(ROOT, pointer, log=lambda m: None)
    finally:
        mp.undo()
    assert result.status == "built", result.message
    return pointer


@pytest.fixture(scope="session")
def store(store_pointer: Path) -> pyoxigraph.Store:
    """The built project store, opened read-only as the server does."""
    return open_read_only(store_pointer)


@pytest.fixture(scope="session")
def settings(store_pointer: Path) -> Settings:
    """Settings pointing at the test store."""
    return Settings(root=ROOT, store=store_pointer)


@pytest.fixture(scope="session")
def app(settings: Settings, store: pyoxigraph.Store) -> FastAPI:
    """The application over the project store."""
    return create_app(settings, store)


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    """An in-process HTTP client of the application."""
    with TestClient(app) as c:
        yield c


def make_client(store: pyoxigraph.Store, **overrides: object) -> TestClient:
    """A client of an app over any store, with settings overridden (enter it with ``with``)."""
    return TestClient(create_app(Settings(root=ROOT, **overrides), store))  # type: ignore[arg-type]
