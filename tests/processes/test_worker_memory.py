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
