"""Shared fixtures: the fixture graph built into a temporary store, the app, a client.

The server, page and protocol tests run on the fixture graph of
``tests/fixtures/graph/`` (see :mod:`fixture_project`), never on the curated
data, so that adding a source document to ``data/ttl/`` changes none of their
answers. ``fixture_root`` is a temporary project root holding the checkout's
ontology and shapes and the fixture's data; ``store_pointer`` builds it once
per session with validation skipped (``test_fixture_graph`` validates it), so
these fixtures work whatever state the validator is in. ``ROOT`` stays the
checkout, for the tests of the curated data and the curation commands.

Two backends. In the modules of :data:`BOTH_BACKENDS`, every test that uses
``app`` or ``client`` runs twice: over the embedded store, and over a real
``oxigraph serve`` process (``remote``) on a free loopback port, with its own
temporary store loaded by our Graph Store Protocol loader; it is started once
per session and stopped at the end. Elsewhere those fixtures are embedded.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

import pyoxigraph
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sahel_kg.curation import build
from sahel_kg.app import create_app
from sahel_kg.project import project_root
from sahel_kg.store.remote import RemoteStore
from sahel_kg.curation.load_remote import load_project
from sahel_kg.settings import Settings
from sahel_kg.store.ondisk import open_read_only

from fixture_project import make_fixture_root

ROOT = project_root()
#: Test modules whose app/client tests run over both backends.
BOTH_BACKENDS = {"test_sparql_protocol", "test_w3c_protocol", "test_query_page", "test_pages",
                 "test_dereferencing", "test_discovery", "test_ssrf", "test_jsonld",
                 "test_follow_your_nose", "test_canonical_paths", "test_link_crawl",
                 "test_keywords_never_change_answers"}
OXIGRAPH = Path(sys.executable).with_name("oxigraph")


def pytest_configure(config: pytest.Config) -> None:
    """Markers of the two-backend suites."""
    config.addinivalue_line("markers", "integration: needs an external engine (Virtuoso); skipped with a reason when absent")
    config.addinivalue_line("markers", "embedded_only(reason): runs over the embedded store only, for the reason given")


#: What a ``-m`` expression left out of this run, reported at the end (see :func:`pytest_terminal_summary`).
_LEFT_OUT: list[pytest.Item] = []
#: The markers that make the lanes: ``make test-fast`` leaves out the tests carrying any of them.
LANE_MARKERS = ("real_server", "browser", "slow")


def pytest_deselected(items: list[pytest.Item]) -> None:
    """Remember what was deselected, so that the run can say it."""
    _LEFT_OUT.extend(items)


def pytest_terminal_summary(terminalreporter: object, exitstatus: int, config: pytest.Config) -> None:
    """Name what this run left out, by lane marker and by file: a lane never drops tests silently."""
    if not _LEFT_OUT:
        return
    write = terminalreporter.write_line  # type: ignore[attr-defined]
    terminalreporter.section("left out of this run")  # type: ignore[attr-defined]
    write(f"{len(_LEFT_OUT)} tests deselected by -m {config.getoption('markexpr')!r}"
          f"{' -k ' + repr(config.getoption('keyword')) if config.getoption('keyword') else ''};"
          " `make test` runs them all:")
    for marker in (*LANE_MARKERS, None):
        items = [i for i in _LEFT_OUT if _lane(i) == marker]
        files = sorted({i.nodeid.split("::", 1)[0] for i in items})
        if items:
            write(f"  {len(items):4d} {marker or 'other'}: {', '.join(files)}")


def _lane(item: pytest.Item) -> str | None:
    return next((m for m in LANE_MARKERS if item.get_closest_marker(m)), None)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the app/client tests of :data:`BOTH_BACKENDS` over both backends."""
    if "backend_kind" in metafunc.fixturenames and metafunc.module.__name__ in BOTH_BACKENDS:
        metafunc.parametrize("backend_kind", ["embedded", "remote"], indirect=True, scope="session")


def free_port() -> int:
    """A TCP port free on the loopback interface just now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def sahel_server(store_pointer: Path, *, env: dict[str, str] | None = None,
                 ready_path: str = "/-/health", timeout: float = 30) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Our server (uvicorn, as deployed) over a built store on a free loopback port: its base URL and process.

    Waits until ``ready_path`` answers 200; terminates the server on exit.
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    full_env = {**os.environ, "SAHEL_KG_ROOT": str(ROOT), "SAHEL_KG_STORE": str(store_pointer),
                "SAHEL_KG_PUBLIC_BASE_URL": base + "/", **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "sahel_kg.serve:app_from_env",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(base + ready_path, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                pytest.fail(f"server exited: {proc.stdout.read().decode() if proc.stdout else ''}")
            if time.monotonic() > deadline:
                pytest.fail(f"server did not start within {timeout} s")
            time.sleep(0.1)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def start_oxigraph(location: Path, *extra: str) -> tuple[str, subprocess.Popen[bytes]]:
    """``oxigraph serve`` on a free loopback port, read-write; its base URL.

    Not ``--union-default-graph``: that would override FROM clauses too; the app
    asks for the union per query instead (``store_union="parameter"``).
    """
    executable = OXIGRAPH if OXIGRAPH.exists() else shutil.which("oxigraph")
    if executable is None:
        pytest.fail("the oxigraph CLI is missing: install the test extras (pip install -e '.[test]')")
    port = free_port()
    proc = subprocess.Popen([str(executable), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                             *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                return base, proc
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.kill()
    pytest.fail(f"oxigraph serve did not start on port {port}")


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
    """``embedded`` or ``remote`` (see :func:`pytest_generate_tests`)."""
    return str(getattr(request, "param", "embedded"))


def remote_settings(url: str, **overrides: object) -> Settings:
    """Settings of an app over the external store at ``url``."""
    return Settings(root=ROOT, store_url=url, **{"store_union": "parameter", **overrides})  # type: ignore[arg-type]


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


def make_client(store: pyoxigraph.Store, **overrides: object) -> TestClient:
    """A client of an app over any store, with settings overridden (enter it with ``with``)."""
    return TestClient(create_app(Settings(root=ROOT, **overrides), store))  # type: ignore[arg-type]
