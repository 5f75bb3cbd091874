"""A query worker that holds more memory than ``worker_memory_bytes`` once its query is over is replaced."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sahel_kg.query.processes import resident_bytes
from support.apps import process_client
from support.hardening import wait_for

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.mark.skipif(resident_bytes(os.getpid()) is None, reason="no /proc to read a process's memory from")
def test_resident_bytes_reads_this_process() -> None:
    held = resident_bytes(os.getpid())
    assert held is not None and 10 * 2**20 < held < 64 * 2**30
    assert resident_bytes(2**22 + 12345) is None  # no such process


@pytest.mark.skipif(resident_bytes(os.getpid()) is None, reason="no /proc to read a process's memory from")
def test_a_worker_over_the_bound_is_replaced_after_its_query(store_pointer: Path) -> None:
    with process_client(store_pointer, worker_processes=1, worker_memory_bytes=1) as client:
        runner = client.app.state.runner  # type: ignore[attr-defined]
        assert wait_for(lambda: len(runner.worker_pids()) == 1)
        (pid,) = runner.worker_pids()
        first = client.get("/sparql", params={"query": QUERY})
        assert first.status_code == 200
        assert wait_for(lambda: len(runner.worker_pids()) == 1 and runner.worker_pids()[0] != pid)
        again = client.get("/sparql", params={"query": QUERY})
        assert again.status_code == 200 and again.json() == first.json(), "the replacement answers the same"
        assert "sahel_worker_memory_retirements_total" in client.get("/-/metrics").text


def test_a_worker_within_the_bound_is_kept(store_pointer: Path) -> None:
    with process_client(store_pointer, worker_processes=1) as client:  # the default bound
        runner = client.app.state.runner  # type: ignore[attr-defined]
        assert wait_for(lambda: len(runner.worker_pids()) == 1)
        (pid,) = runner.worker_pids()
        for _ in range(3):
            assert client.get("/sparql", params={"query": QUERY}).status_code == 200
        assert runner.worker_pids() == [pid]


class _FakeWorker:
    """What :meth:`ProcessRunner.release` reads of a worker, without a process."""

    def __init__(self, pid: int, *, killed_for_time: bool = False) -> None:
        self.pid, self.alive, self.killed_for_time, self.deadline, self.killed = pid, True, killed_for_time, None, False

    def kill(self) -> None:
        self.killed = True


def _released(tmp_path: Path, worker: _FakeWorker, bound: int) -> tuple[bool, int, int]:
    """(kept in the pool, memory retirements, restarts) once ``worker``'s job is released as clean."""
    from sahel_kg.metrics import Metrics
    from sahel_kg.query.processes import ProcessRunner
    from sahel_kg.settings import Settings

    metrics = Metrics()
    runner = ProcessRunner(Settings(worker_memory_bytes=bound), tmp_path, metrics)  # never started: no process
    runner.busy.add(worker)  # type: ignore[arg-type]
    runner.release(worker, clean=True, count=False)  # type: ignore[arg-type]
    return (len(runner.idle) == 1, metrics.value("sahel_worker_memory_retirements_total"),
            metrics.value("sahel_worker_restarts_total"))


@pytest.mark.skipif(resident_bytes(os.getpid()) is None, reason="no /proc to read a process's memory from")
def test_memory_retirement_counts_only_a_worker_that_is_replaced_for_its_memory(tmp_path: Path) -> None:
    big = os.getpid()  # this test process holds far more than one byte
    assert _released(tmp_path, _FakeWorker(big), bound=1) == (False, 1, 1)
    assert _released(tmp_path, _FakeWorker(big, killed_for_time=True), bound=1) == (False, 0, 1), \
        "a worker stopped at its time limit is replaced for its time, not counted again for its memory"
    assert _released(tmp_path, _FakeWorker(2**22 + 12345), bound=1) == (True, 0, 0), \
        "a worker whose memory cannot be read is not taken as too big"
    assert _released(tmp_path, _FakeWorker(big), bound=0) == (True, 0, 0), "0: never replaced for its memory"


@pytest.mark.skipif(resident_bytes(os.getpid()) is None, reason="no /proc to read a process's memory from")
def test_a_streamed_result_completes_before_its_worker_is_replaced_and_the_pool_stays_full(
        store_pointer: Path) -> None:
    import rdflib

    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    with process_client(store_pointer, worker_processes=2, worker_memory_bytes=1, chunk_bytes=1024) as client:
        runner = client.app.state.runner  # type: ignore[attr-defined]
        distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
        count = int(client.get("/sparql", params={"query": distinct}).json()["results"]["bindings"][0]["n"]["value"])
        for run in range(4):  # every query retires its worker; each next one still finds one
            answer = client.get("/sparql", params={"query": f"{construct} # run {run}"},  # not from the cache
                                headers={"accept": "application/n-triples"})
            assert answer.status_code == 200
            assert "content-length" not in answer.headers, "streamed in chunks"
            graph = rdflib.Graph().parse(data=answer.text, format="nt")
            assert len(graph) == count, "the whole result was sent before the worker was replaced"
        assert runner.wait_ready(60) and len(runner.worker_pids()) == 2, "the watchdog refills the pool"
        metrics = client.get("/-/metrics").text
        assert "sahel_worker_memory_retirements_total 5" in metrics
