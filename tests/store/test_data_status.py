"""A server whose store is older than the project's files says so, and stays up.

``/-/health`` answers 200 with ``"data": {"current": false, "reason": …}`` and
every page shows a banner; a current store shows neither.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from sahel_kg.app import create_app
from sahel_kg.curation.build import build_store
from sahel_kg.settings import Settings
from sahel_kg.store.ondisk import current_store_dir
from sahel_kg.store.status import DataStatus
from support.curation_project import edit, make_project
from support.servers import free_port

BROWSER = "text/html,application/xhtml+xml"


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    """A project and its built store directory."""
    root = make_project(tmp_path)
    result = build_store(root, root / "var" / "store", log=lambda m: None)
    assert result.status == "built", result.message
    return root, result.store_dir  # type: ignore[return-value]


def client_over(root: Path, store_dir: Path | None, note: str | None = None) -> TestClient:
    app = create_app(Settings(root=root), pyoxigraph.Store())
    app.state.data_status = DataStatus(root, store_dir, note=note, interval=0)
    return TestClient(app)


def banner(page: str) -> str | None:
    found = BeautifulSoup(page, "html.parser").select_one("p.stale-data")
    return found.get_text(" ", strip=True) if found else None


def test_a_current_store_says_so_and_shows_no_banner(built: tuple[Path, Path]) -> None:
    root, store_dir = built
    with client_over(root, store_dir) as client:
        health = client.get("/-/health")
        assert health.status_code == 200
        assert health.json()["data"] == {"current": True, "reason": None, "store": store_dir.name}
        assert banner(client.get("/", headers={"accept": BROWSER}).text) is None


def test_the_first_look_at_an_untouched_project_reads_the_builds_stamp_not_every_file(
        built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """At 1M incidents the first look hashed 6.9 GB of Turtle; the build's stamp (paths, sizes, times) says
    as much in one directory walk. A touched file is hashed, and the same bytes are still current."""
    import sahel_kg.store.status as status

    root, store_dir = built

    def refused(*args: object) -> str:
        raise AssertionError("the inputs were hashed")

    with monkeypatch.context() as patched:
        patched.setattr(status, "inputs_hash", refused)
        assert DataStatus(root, store_dir, interval=0).summary()["current"] is True
    base = root / "data/ttl/base.ttl"
    os.utime(base, ns=(base.stat().st_atime_ns, base.stat().st_mtime_ns + 5_000_000_000))
    hashed: list[object] = []
    real = status.inputs_hash
    monkeypatch.setattr(status, "inputs_hash", lambda *a: hashed.append(a) or real(*a))  # type: ignore[func-returns-value]
    assert DataStatus(root, store_dir, interval=0).summary()["current"] is True and len(hashed) == 1


def test_a_same_size_edit_whose_mtime_was_put_back_is_stale(built: tuple[Path, Path]) -> None:
    """``cp -p``, ``touch -r``, ``tar -x`` or a clock of 1 s can leave an edited file with its old size and
    modification time: the build's stamp must not vouch for it, on health or on the banner."""
    root, store_dir = built
    base = root / "data/ttl/base.ttl"
    before = base.stat()
    edit(base, '"Village"@en', '"Hamlets"@en')  # the same length
    os.utime(base, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (base.stat().st_size, base.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    with client_over(root, store_dir) as client:
        assert client.get("/-/health").json()["data"]["current"] is False
        assert banner(client.get("/", headers={"accept": BROWSER}).text) is not None


def test_a_store_older_than_the_files_is_stale_on_health_and_every_page(built: tuple[Path, Path]) -> None:
    root, store_dir = built
    edit(root / "data/ttl/base.ttl", '"Village"@en', '"The village"@en')
    with client_over(root, store_dir, note="validation failed; fix the data or use --force") as client:
        health = client.get("/-/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        data = health.json()["data"]
        assert data["current"] is False and data["store"] == store_dir.name
        assert data["reason"] == (
            f"the project's Turtle files have changed since {store_dir.name} was built; the last build did not "
            "replace it: validation failed; fix the data or use --force; run `sahel-kg validate`, fix what it "
            "reports, then `sahel-kg build` (or restart `sahel-kg serve`).")
        for path in ("/", "/query", "/browse", "/search?q=mali", "/id/place/nowhere"):
            page = client.get(path, headers={"accept": BROWSER}).text
            assert banner(page) == f"This server shows an older build of the data. {data['reason']}", path


def test_a_store_not_built_from_files_cannot_tell(tmp_path: Path) -> None:
    with client_over(tmp_path, None) as client:
        data = client.get("/-/health").json()["data"]
        assert data["current"] is None and "not built from project files" in data["reason"]
        assert banner(client.get("/", headers={"accept": BROWSER}).text) is None


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    """`sahel-kg serve` (as `make serve` runs it) over a project whose file broke after a good build."""
    root = make_project(tmp_path)
    assert build_store(root, root / "var" / "store", log=lambda m: None).status == "built"
    (root / "data/ttl/base.ttl").write_text("this is not Turtle\n", encoding="utf-8")
    port = free_port()
    env = {**os.environ, "SAHEL_KG_ROOT": str(root), "SAHEL_KG_WORKER_PROCESSES": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "sahel_kg.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(base + "/-/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield root, base, proc
    finally:
        proc.terminate()
        proc.wait(15)


@pytest.mark.real_server
def test_serve_with_a_broken_file_serves_the_previous_store_and_says_so(
    served: tuple[Path, str, subprocess.Popen[str]]
) -> None:
    root, base, proc = served
    assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
    health = httpx.get(base + "/-/health")
    assert health.status_code == 200
    data = health.json()["data"]
    assert data["current"] is False and data["store"] == current_store_dir(root / "var" / "store").name
    assert "the last build did not replace it: cannot load data/ttl/base.ttl:1: " in data["reason"]
    assert banner(httpx.get(base + "/", headers={"accept": BROWSER}).text).startswith(
        "This server shows an older build of the data.")


def test_a_request_never_waits_for_the_look_at_the_files(tmp_path: Path) -> None:
    """``latest`` answers at once, however slow listing the files is; the look runs on its own thread."""
    import threading

    from sahel_kg.store import status as status_module
    from sahel_kg.store.ondisk import store_dir_name

    (tmp_path / "data" / "ttl").mkdir(parents=True)
    store_dir = tmp_path / store_dir_name("0" * 64, 1)
    store_dir.mkdir()
    release = threading.Event()
    slow = status_module.DataStatus(tmp_path, store_dir, interval=0)
    original = status_module.DataStatus._compare

    def compare_slowly(self, *args):  # type: ignore[no-untyped-def]
        release.wait(10)
        return original(self, *args)

    mp = pytest.MonkeyPatch()
    mp.setattr(status_module.DataStatus, "_compare", compare_slowly)
    try:
        first = slow.latest()  # returns while the look is blocked
        assert first["current"] is None and "being compared" in first["reason"]
        release.set()
        deadline = time.monotonic() + 10
        while slow.latest()["current"] is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert slow.latest()["current"] is False  # built from other files than these
    finally:
        mp.undo()


def test_the_cheap_look_lists_exactly_the_build_inputs(tmp_path: Path) -> None:
    from sahel_kg.project import build_input_stats, build_inputs

    for rel in ("ontology/core.ttl", "ontology/rules/a.rq", "ontology/rules/deeper/not-a-rule.rq", "shapes/s.ttl",
                "data/ttl/x.ttl", "data/ttl/sources/2024/y.ttl", "data/ttl/notes.md", "data/ttl/sources/z.ttl.bak"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("# x\n")
    listed = [entry[0] for entry in build_input_stats(tmp_path)]
    assert listed == sorted(str(p) for p in build_inputs(tmp_path))
    root = Path(__file__).resolve().parents[2]
    assert [entry[0] for entry in build_input_stats(root)] == sorted(str(p) for p in build_inputs(root))


def test_an_edit_changes_the_cheap_look(tmp_path: Path) -> None:
    import os

    from sahel_kg.project import build_input_stats

    (tmp_path / "data" / "ttl").mkdir(parents=True)
    f = tmp_path / "data" / "ttl" / "x.ttl"
    f.write_text("# one\n")
    before = build_input_stats(tmp_path)
    f.write_text("# two, longer\n")
    os.utime(f, ns=(before[0][2] + 10**9, before[0][2] + 10**9))
    assert build_input_stats(tmp_path) != before


def test_a_symlinked_folder_is_walked_as_the_build_walks_it(tmp_path: Path) -> None:
    """The build's rglob does not enter a symlinked folder; the cheap look must not either (a link back to
    data/ttl made it list every file forty times over)."""
    from sahel_kg.project import build_input_stats, build_inputs

    (tmp_path / "data" / "ttl" / "in").mkdir(parents=True)
    (tmp_path / "data" / "ttl" / "in" / "y.ttl").write_text("# y\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "e.ttl").write_text("# e\n")
    os.symlink(elsewhere, tmp_path / "data" / "ttl" / "linked")
    os.symlink(tmp_path / "data" / "ttl", tmp_path / "data" / "ttl" / "in" / "loop")
    listed = [entry[0] for entry in build_input_stats(tmp_path)]
    assert listed == sorted(str(p) for p in build_inputs(tmp_path))


def _status_over(root: Path) -> DataStatus:
    from sahel_kg.store.ondisk import store_dir_name

    store_dir = root / "var" / store_dir_name("0" * 64, 1)
    store_dir.mkdir(parents=True, exist_ok=True)
    return DataStatus(root, store_dir, interval=0)


def test_an_input_that_cannot_be_read_gives_a_status_not_an_exception(tmp_path: Path) -> None:
    """A file listed by the build but unreadable (a link out of the project) or gone between the listing
    and the hash leaves the status unknown with a reason; the look's thread and /-/health never raise. A
    dangling link (an editor's lock, Emacs' .#x.ttl) is no input at all: the status stays known."""
    from sahel_kg.store import status as status_module

    root = tmp_path / "project"
    (root / "data" / "ttl").mkdir(parents=True)
    (root / "data" / "ttl" / "x.ttl").write_text("# x\n")
    os.symlink(root / "nowhere.ttl", root / "data" / "ttl" / ".#x.ttl")
    assert _status_over(root).summary()["current"] is False  # built from other files, and no error
    (tmp_path / "outside.ttl").write_text("# o\n")
    os.symlink(tmp_path / "outside.ttl", root / "data" / "ttl" / "out.ttl")
    found = _status_over(root).summary()
    assert found["current"] is None and "outside.ttl" in found["reason"]

    os.unlink(root / "data" / "ttl" / "out.ttl")
    vanishing = root / "data" / "ttl" / "vanishing.ttl"
    vanishing.write_text("# v\n")
    status = _status_over(root)
    listing = status_module.build_inputs

    def list_then_lose_a_file(root: Path) -> list[Path]:
        paths = listing(root)
        vanishing.unlink(missing_ok=True)  # removed by an editor between the listing and the hash
        return paths

    mp = pytest.MonkeyPatch()
    mp.setattr(status_module, "build_inputs", list_then_lose_a_file)
    try:
        found = status.summary()
    finally:
        mp.undo()
    assert found["current"] is None and "vanishing.ttl" in found["reason"]


def test_health_looks_at_the_files_no_more_often_than_the_pages_do(tmp_path: Path) -> None:
    """/-/health waits for ``summary``; an orchestrator polling it must not bring the look back every
    ``interval`` seconds when one look took long (the pages' ``latest`` waits 50 times its duration)."""
    from sahel_kg.project import InputStat
    from sahel_kg.store import status as status_module

    (tmp_path / "data" / "ttl").mkdir(parents=True)
    (tmp_path / "data" / "ttl" / "x.ttl").write_text("# x\n")
    status = _status_over(tmp_path)  # interval 0
    walk, looks = status_module.build_input_stats, []

    def slow_walk(root: Path) -> tuple[InputStat, ...]:
        looks.append(time.monotonic())
        time.sleep(0.1)  # a large project: the next look is due in 50 × 0.1 s
        return walk(root)

    mp = pytest.MonkeyPatch()
    mp.setattr(status_module, "build_input_stats", slow_walk)
    try:
        first = status.summary()
        assert status.summary() == first and status.latest() == first
        assert len(looks) == 1, "a second look within 50 times the first one's duration"
    finally:
        mp.undo()


def test_the_cheap_look_sees_every_change_to_a_build_input_and_no_other(tmp_path: Path) -> None:
    from sahel_kg.project import build_input_stats

    def put(rel: str, text: str = "# x\n") -> Path:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    data, rule = put("data/ttl/x.ttl"), put("ontology/rules/a.rq")
    later = time.time_ns() + 10**9

    def changes(change) -> bool:  # type: ignore[no-untyped-def]
        before = build_input_stats(tmp_path)
        change()
        return build_input_stats(tmp_path) != before

    seen = {
        "a file added": lambda: put("data/ttl/y.ttl"),
        "a file in a nested folder": lambda: put("data/ttl/sources/2024/deep/z.ttl"),
        "a file grown": lambda: data.write_text("# x, longer\n"),
        "a file touched, same size": lambda: os.utime(data, ns=(later, later)),
        "a rule added": lambda: put("ontology/rules/b.rq"),
        "a rule edited": lambda: rule.write_text("# a, edited\n"),
        "a shape added": lambda: put("shapes/s.ttl"),
        "a file removed": lambda: data.unlink(),
    }
    for what, change in seen.items():
        assert changes(change), what
    ignored = {
        "a note": lambda: put("data/ttl/notes.md"),
        "a backup": lambda: put("data/ttl/y.ttl.bak"),
        "a rule in a sub-folder": lambda: put("ontology/rules/old/c.rq"),
        "a query outside the rules": lambda: put("ontology/q.rq"),
    }
    for what, change in ignored.items():
        assert not changes(change), what


def test_the_background_look_raises_nothing_whatever_the_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing data/ttl, a symlink loop, a dangling link, a link out of the project: the look's thread ends
    without an exception and ``latest`` then says what it found."""
    import threading

    raised: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_value))
    (tmp_path / "ontology").mkdir()
    status = _status_over(tmp_path)

    def settled() -> dict[str, object]:
        status.latest()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and status._looking:
            time.sleep(0.01)
        return status.latest()

    assert settled()["current"] is None  # no data/ttl: cannot tell
    ttl = tmp_path / "data" / "ttl"
    ttl.mkdir(parents=True)
    os.symlink(ttl, ttl / "loop")
    os.symlink(tmp_path / "nowhere.ttl", ttl / "dangling.ttl")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.ttl"
    outside.write_text("# out\n")
    os.symlink(outside, ttl / "outside.ttl")
    status._summary = None  # look again now
    found = settled()
    assert found["current"] is None and "cannot read the project's input files" in str(found["reason"])
    assert raised == []


def test_a_look_that_could_not_read_the_inputs_is_tried_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sahel_kg.store import status as status_module

    (tmp_path / "data" / "ttl").mkdir(parents=True)
    (tmp_path / "data" / "ttl" / "x.ttl").write_text("# x\n")
    failing = {"on": True}
    real = status_module.inputs_hash

    def flaky(root: Path, paths: list[Path]) -> str:
        if failing["on"]:
            raise OSError("unreadable for now")
        return real(root, paths)
    monkeypatch.setattr(status_module, "inputs_hash", flaky)
    look = status_module.DataStatus(tmp_path, None, interval=0)
    first = look._compare("0" * 16, tmp_path, tmp_path)
    assert first["current"] is None and "tries again" in str(first["reason"])
    look._summary = first  # as summary() keeps it
    failing["on"] = False
    assert look._compare("0" * 16, tmp_path, tmp_path)["current"] is False, "the same files, read this time"
