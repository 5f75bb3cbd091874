"""Crash safety: a build killed with SIGKILL harms nothing; SIGTERM lets in-flight
responses finish; the served store is never opened for writing."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph
import pytest

from sahel_kg.curation import build
from sahel_kg.settings import Settings
from sahel_kg.store.ondisk import current_store_dir, is_read_only, open_read_only
from support.project_data import ROOT
from support.servers import sahel_server

BUILD = """
import sys
from pathlib import Path
from sahel_kg.curation import build
build.check = lambda root: (True, "skipped")
print(build.build_store(Path(sys.argv[1]), Path(sys.argv[2]), log=lambda m: None).status)
"""


def _project(root: Path, triples: int) -> int:
    """A project of three files holding ``triples`` places (and one triple each for the ontology and shapes): its size."""
    (root / "ontology").mkdir(parents=True, exist_ok=True)
    (root / "shapes").mkdir(exist_ok=True)
    (root / "data/ttl").mkdir(parents=True, exist_ok=True)
    (root / "ontology/core.ttl").write_text("<https://w3id.org/sahel-harm/ontology/X> a <http://www.w3.org/2002/07/owl#Class> .\n")
    (root / "shapes/s.ttl").write_text("<https://w3id.org/sahel-harm/shapes/S> a <http://www.w3.org/ns/shacl#NodeShape> .\n")
    with open(root / "data/ttl/places.ttl", "w") as f:
        for i in range(triples):
            f.write(f'<https://w3id.org/sahel-harm/id/place/p{i}> <http://www.w3.org/2000/01/rdf-schema#label> "place number {i} with a longer label" .\n')
    return triples + 2


def _count(pointer: Path) -> int:
    store = open_read_only(pointer)
    return len(store)


@pytest.mark.slow
def test_kill_9_during_a_build_leaves_the_served_store_intact(tmp_path: Path) -> None:
    root, pointer = tmp_path / "project", tmp_path / "var" / "store"
    _project(root, 10)
    mp = pytest.MonkeyPatch()
    mp.setattr(build, "check", lambda r: (True, ""))
    try:
        assert build.build_store(root, pointer, log=lambda m: None).status == "built"
    finally:
        mp.undo()
    before, served = current_store_dir(pointer), _count(pointer)
    _project(root, 1_500_000)  # long enough to load that we can kill it half way
    proc = subprocess.Popen([sys.executable, "-c", BUILD, str(root), str(pointer)], stdout=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list(pointer.parent.glob("store-*.partial")) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)
    assert proc.poll() is None, "the build finished before it could be killed; make the data bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert current_store_dir(pointer) == before, "the pointer must still name the previous complete store"
    assert _count(pointer) == served
    # the next build, over a small project again (new files, so that it builds): what the kill left is no obstacle
    size = _project(root, 20)
    rerun = subprocess.run([sys.executable, "-c", BUILD, str(root), str(pointer)], capture_output=True, text=True, timeout=300)
    assert rerun.stdout.strip() == "built", rerun.stderr
    assert current_store_dir(pointer) != before and _count(pointer) == size
    assert not list(pointer.parent.glob("store-*.partial")), "leftovers of the killed build are removed"


def _files(directory: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.mark.real_server
def test_sigterm_lets_an_in_flight_stream_finish_and_the_store_is_untouched(store_pointer: Path) -> None:
    store_dir = current_store_dir(store_pointer)
    assert store_dir is not None
    files_before = _files(store_dir)
    expected = len(list(open_read_only(store_pointer).query(
        "CONSTRUCT WHERE { ?s ?p ?o }", use_default_graph_as_union=True)))  # type: ignore[arg-type]
    env = {"SAHEL_KG_CHUNK_BYTES": "1024", "SAHEL_KG_WORKER_PROCESSES": "2"}
    with sahel_server(store_pointer, env=env) as (base, proc):
        with httpx.stream("GET", base + "/sparql", timeout=30,
                          params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"}) as response:
            chunks = response.iter_raw(1024)
            body = [next(chunks)]
            proc.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            body += list(chunks)
        triples = list(pyoxigraph.parse(b"".join(body), pyoxigraph.RdfFormat.N_TRIPLES))
        assert len(triples) == expected
        assert proc.wait(20) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once drained
    assert _files(store_dir) == files_before, "serving must not write to the store"


def test_the_server_opens_its_store_read_only(store_pointer: Path) -> None:
    from sahel_kg.serve import app_over_built_store

    app = app_over_built_store(Settings(root=ROOT, store=store_pointer))
    assert is_read_only(app.state.store)
    with pytest.raises(RuntimeError):
        app.state.store.add(pyoxigraph.Quad(*(pyoxigraph.NamedNode("urn:x"),) * 3))
    assert type(app.state.runner).__name__ == "ProcessRunner"
    app.state.runner.close()
