"""Time limits that stop the work: runaway queries are killed with their worker process."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph
import pytest
from fastapi.testclient import TestClient

from sahel_kg.app import create_app
from sahel_kg.settings import Settings
from support.apps import process_client
from support.hardening import ENDLESS, RUNAWAY, alive, cpu_seconds, wait_for
from support.project_data import ROOT

LIMIT = 1.5
#: Each test waits for a time limit and kills the worker process that ran past it.
pytestmark = pytest.mark.slow


def test_runaway_query_is_stopped_within_its_limit_and_its_cpu_freed(store_pointer: Path) -> None:
    with process_client(store_pointer, worker_processes=1, query_timeout=LIMIT) as client:
        runner = client.app.state.runner  # type: ignore[attr-defined]
        (pid,) = runner.worker_pids()
        with ThreadPoolExecutor(1) as pool:
            started = time.monotonic()
            future = pool.submit(client.get, "/sparql", params={"query": RUNAWAY})
            # Busy: it burns CPU (an idle worker uses none); polled, as a loaded machine gives it little.
            assert wait_for(lambda: alive(pid) and cpu_seconds(pid) > 0.1, LIMIT), \
                "the worker should be busy evaluating"
            response = future.result(timeout=LIMIT + 5)
            elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert "time limit" in response.text and response.headers["sahel-query-timeout"] == "1.5"
        assert elapsed < LIMIT + 1, elapsed
        assert not alive(pid), "the worker that ran the runaway query must be gone"
        assert wait_for(lambda: len(runner.worker_pids()) == 1)
        (fresh,) = runner.worker_pids()
        assert fresh != pid
        assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
        assert "sahel_query_timeouts_total 1" in client.get("/-/metrics").text


def test_other_queries_are_served_while_one_runs_away(store_pointer: Path) -> None:
    with process_client(store_pointer, worker_processes=2, query_timeout=3) as client:
        with ThreadPoolExecutor(1) as pool:
            runaway = pool.submit(client.get, "/sparql", params={"query": RUNAWAY})
            time.sleep(0.3)
            for _ in range(10):
                started = time.monotonic()
                assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
                assert time.monotonic() - started < 1
            assert runaway.result(timeout=10).status_code == 503


def test_an_endless_stream_is_cut_at_the_limit(store_pointer: Path) -> None:
    with process_client(store_pointer, worker_processes=1, query_timeout=LIMIT, result_row_limit=None,
                        chunk_bytes=4096) as client:
        (pid,) = client.app.state.runner.worker_pids()  # type: ignore[attr-defined]
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="time limit"):
            with client.stream("GET", "/sparql", params={"query": ENDLESS, "format": "tsv"}) as r:
                assert r.status_code == 200
                for _ in r.iter_raw():
                    pass
        assert time.monotonic() - started < LIMIT + 1
        assert wait_for(lambda: not alive(pid))


def test_the_row_cap_cuts_the_endless_stream_and_says_so(store_pointer: Path) -> None:
    with process_client(store_pointer, worker_processes=1, result_row_limit=500) as client:
        response = client.get("/sparql", params={"query": ENDLESS, "format": "tsv"})
        assert response.status_code == 200
        assert response.headers["sahel-result-truncated"] == "500"
        assert len(response.text.splitlines()) == 501
        graph = client.get("/sparql", params={"query": "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }",
                                              "format": "nt"})
        assert graph.headers["sahel-result-truncated"] == "500"
        assert len(list(pyoxigraph.parse(graph.content, pyoxigraph.RdfFormat.N_TRIPLES))) <= 500
        small = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 5"})
        assert "sahel-result-truncated" not in small.headers


def test_the_html_results_view_is_limited_too(store_pointer: Path) -> None:
    with process_client(store_pointer, worker_processes=1, query_timeout=LIMIT, html_row_limit=20) as client:
        started = time.monotonic()
        page = client.get("/query", params={"query": RUNAWAY})
        assert page.status_code == 503 and "time limit" in page.text
        assert time.monotonic() - started < LIMIT + 1
        capped = client.get("/query", params={"query": ENDLESS})
        assert capped.status_code == 200 and capped.headers["sahel-result-truncated"] == "20"
        assert "Rows 1–20 of more" in capped.text  # the page says the result goes on past its cap


def test_a_saturated_server_answers_503_with_retry_after(store_pointer: Path) -> None:
    with process_client(store_pointer, worker_processes=1, queue_limit=0, query_timeout=2) as client:
        with ThreadPoolExecutor(1) as pool:
            runaway = pool.submit(client.get, "/sparql", params={"query": RUNAWAY})
            time.sleep(0.3)
            busy = client.get("/sparql", params={"query": "ASK {}"})
            assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
            assert runaway.result(timeout=10).status_code == 503
        assert 'sahel_rejections_total{reason="saturated"} 1' in client.get("/-/metrics").text


def test_workers_are_reused_for_small_queries(store_pointer: Path) -> None:
    with process_client(store_pointer, worker_processes=1) as client:
        pids = client.app.state.runner.worker_pids()  # type: ignore[attr-defined]
        for i in range(30):
            assert client.get("/sparql", params={"query": f"SELECT * {{ ?s ?p ?o }} LIMIT {i + 1}"}).status_code == 200
        assert client.app.state.runner.worker_pids() == pids  # type: ignore[attr-defined]


def test_thread_runner_answers_at_the_limit() -> None:
    """In-memory stores run on threads: the client is answered, the thread runs on (documented)."""
    store = pyoxigraph.Store()
    p = pyoxigraph.NamedNode("http://e/p")
    store.extend(pyoxigraph.Quad(pyoxigraph.NamedNode(f"http://e/s{i}"), p, pyoxigraph.Literal(i)) for i in range(300))
    with TestClient(create_app(Settings(root=ROOT, query_timeout=0.5), store)) as client:
        started = time.monotonic()
        response = client.get("/sparql", params={"query": RUNAWAY})
        assert response.status_code == 503 and time.monotonic() - started < 1.5
