"""The fixtures every test folder shares: the fixture graph built into a store, the app, a client.

Fixtures only; what the tests share that is not a fixture is in ``tests/support/``
(importable as ``support``: ``tests/`` is on the path through ``pythonpath`` in
``pyproject.toml``), and two pytest plugins from there are loaded here: the lane
report of ``make test-fast`` (:mod:`support.lanes`) and the two-backend matrix
(:mod:`support.backends`).

The server, page and protocol tests run on the fixture graph of
``tests/fixtures/graph/`` (see :mod:`support.fixture_project`), never on the curated
data, so that adding a source document to ``data/ttl/`` changes none of their
answers. ``fixture_root`` is a temporary project root holding the checkout's
ontology and shapes and the fixture's data; ``store_pointer`` builds it once
per session with validation skipped (``test_fixture_graph`` validates it), so
these fixtures work whatever state the validator is in. ``repo_root`` stays the
checkout, for the tests of the curated data and the curation commands, and
``project`` is the checkout and copies of it with a generated new source
(:mod:`support.curated_projects`; modules with a ``project`` of their own override it).

Two backends. In the modules of :data:`support.backends.BOTH_BACKENDS`, every test that uses
``app`` or ``client`` runs twice: over the embedded store, and over a real
``oxigraph serve`` process (``remote``) on a free loopback port, with its own
temporary store loaded by our Graph Store Protocol loader; it is started once
per session and stopped at the end. Elsewhere those fixtures are embedded.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sahel_kg.app import create_app
from sahel_kg.curation import build
from sahel_kg.curation.load_remote import load_project
from sahel_kg.settings import Settings
from sahel_kg.store.ondisk import open_read_only
from sahel_kg.store.remote import RemoteStore
from support.apps import remote_settings
from support.curated_projects import SCENARIOS, Project, curated, with_generated_source
from support.fixture_project import make_fixture_root
from support.project_data import ROOT
from support.servers import sahel_server, start_oxigraph

pytest_plugins = ("support.lanes", "support.backends")


@pytest.fixture(scope="session")
def remote_url(tmp_path_factory: pytest.TempPathFactory, fixture_root: Path) -> Iterator[str]:
    """The query URL of a real Oxigraph server holding the fixture graph, loaded through our GSP loader."""
    base, proc = start_oxigraph(tmp_path_factory.mktemp("oxigraph") / "db")
    try:
        report = load_project(fixture_root, remote_settings(base + "/query"), log=lambda m: None)
        assert report.graphs > 20 and report.triples > 1000, report
        yield base + "/query"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="session")
def backend_kind(request: pytest.FixtureRequest) -> str:
    """``embedded`` or ``remote`` (see :mod:`support.backends`)."""
    return str(getattr(request, "param", "embedded"))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The checkout under test."""
    return ROOT


@pytest.fixture(scope="session")
def fixture_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project root holding the fixture graph: the checkout's ontology and shapes, the fixture's data."""
    return make_fixture_root(tmp_path_factory.mktemp("fixture") / "project")


@pytest.fixture(scope="session")
def store_pointer(tmp_path_factory: pytest.TempPathFactory, fixture_root: Path) -> Path:
    """The store pointer of a store built from the fixture graph's files (validation skipped)."""
    pointer = tmp_path_factory.mktemp("var") / "store"
    mp = pytest.MonkeyPatch()
    mp.setattr(build, "check", lambda root: (True, "validation skipped in tests"))
    try:
        result = build.build_store(fixture_root, pointer, log=lambda m: None)
    finally:
        mp.undo()
    assert result.status == "built", result.message
    return pointer


@pytest.fixture(scope="session")
def store(store_pointer: Path) -> pyoxigraph.Store:
    """The built fixture store, opened read-only as the server does."""
    return open_read_only(store_pointer)


@pytest.fixture(scope="session")
def settings(store_pointer: Path) -> Settings:
    """Settings pointing at the test store."""
    return Settings(root=ROOT, store=store_pointer)


@pytest.fixture(scope="session")
def app(settings: Settings, store: pyoxigraph.Store, backend_kind: str, request: pytest.FixtureRequest) -> FastAPI:
    """The application over the fixture store: embedded, or the same data in an Oxigraph server."""
    if backend_kind == "remote":
        url = request.getfixturevalue("remote_url")
        remote = settings.model_copy(update={"store_url": url, "store_union": "parameter"})
        return create_app(remote, RemoteStore(remote))
    return create_app(settings, store)


@pytest.fixture(scope="session")
def is_remote(backend_kind: str) -> bool:
    """Whether the app under test sits on the external store."""
    return backend_kind == "remote"


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    """An in-process HTTP client of the application."""
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def server(store_pointer: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Base URL of our server (uvicorn) over the fixture store, and its process; stopped after the module."""
    with sahel_server(store_pointer, env={"SAHEL_KG_CHUNK_BYTES": "2048", "SAHEL_KG_QUEUE_CHUNKS": "2"}) as running:
        yield running


@pytest.fixture(scope="module", params=("curated", *SCENARIOS))
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The checkout, then a copy of it with each kind of generated source document added."""
    if request.param == "curated":
        return curated()
    return with_generated_source(tmp_path_factory.mktemp(request.param) / "project", request.param)
