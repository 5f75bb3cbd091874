"""The benchmark's own store is the one `sahel-kg serve` serves, not a reason to rebuild."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sahel_kg.curation.build import build_store
from sahel_kg.devtools import bench
from sahel_kg.devtools.bench import Options, rdflib_endpoint_rows
from sahel_kg.devtools.measure import build_for_bench
from sahel_kg.devtools.synthetic import generate
from sahel_kg.project import project_root, rule_paths


def test_serve_takes_the_bench_store_as_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At once, by the stamp the bench keeps as the build does: at 1M incidents hashing every input kept
    `sahel-kg serve` from listening for over 10 minutes, and the servers part gave up on it."""
    from sahel_kg.curation import build
    corpus = tmp_path / "corpus-tiny"
    generate(corpus, incidents=4, seed=3, root=project_root())
    assert rule_paths(corpus), "the corpus has derivation rules, which the inputs hash covers"
    pointer = tmp_path / "work" / "store"
    pointer.parent.mkdir()
    store_dir, _, triples = build_for_bench(corpus, pointer)
    assert triples > 0
    def hashed(*args: object) -> str:
        raise AssertionError("serve hashed every input")

    monkeypatch.setattr(build, "inputs_hash", hashed)
    result = build_store(corpus, pointer)  # what `sahel-kg serve` does first
    assert result.status == "unchanged", result.message
    assert result.store_dir == store_dir


def test_without_rdflib_endpoint_its_row_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench, "VENV_BIN", tmp_path / "bin")  # a virtualenv without the bench extra
    corpus = tmp_path / "corpus-tiny"
    [row] = rdflib_endpoint_rows(Options(corpus, corpus, seconds=1, connections=1, work=tmp_path / "work"))
    assert row.met == "not measured" and row.peer_name == "rdflib-endpoint"
    assert "pip install -e '.[bench]'" in row.note


def test_comparisons_that_repeat_requests_run_our_server_without_its_response_cache(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from sahel_kg.devtools.bench_virtuoso import OVER_ENV
    from sahel_kg.settings import Settings

    for env in (bench.NO_CACHE_ENV, {**bench.NO_CACHE_ENV, **OVER_ENV}):
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        assert Settings().response_cache_bytes == 0, "repeated queries would be answered from memory"


def test_cold_figures_run_the_server_as_shipped_and_never_send_a_request_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    from sahel_kg.devtools.measure import FreshPaths, Load
    from sahel_kg.settings import Settings

    monkeypatch.delenv("SAHEL_KG_RESPONSE_CACHE_BYTES", raising=False)
    for key, value in bench.OUR_SERVER_ENV.items():
        monkeypatch.setenv(key, value)
    assert Settings().response_cache_bytes == Settings.model_fields["response_cache_bytes"].default
    fresh, sent = FreshPaths([f"/p{i}" for i in range(10)]), []

    def run(todo: list[str]) -> Load:
        sent.extend(todo[:4])
        return Load(4, 1.0, 1.0, 1.0, 0)
    test = fresh.load_test(run)
    test(), test()
    assert sent == [f"/p{i}" for i in range(8)] and fresh.repeats == 0
    test()
    assert fresh.repeats == 2, "a test that ran out of fresh paths says how many it sent again"

def test_every_http_stack_serves_the_same_app_factory_on_the_given_port() -> None:
    from sahel_kg.devtools.bench_stacks import FACTORY, stack_commands
    from sahel_kg.serve import app_from_env

    module, name = FACTORY.split(":")
    assert getattr(__import__(module, fromlist=[name]), name) is app_from_env
    stacks = stack_commands(8123)
    assert any(name.startswith("uvicorn") and "1 process" in name for name in stacks), "today's stack is the baseline"
    for name, cmd in stacks.items():
        assert FACTORY in cmd and "8123" in cmd and "127.0.0.1" in cmd, name
        assert ("--workers" in cmd) == ("2 processes" in name or "Granian" in name), name


def test_an_empty_sample_is_refused_with_a_message() -> None:
    """No path to hand out: a clear ValueError at once, not a ZeroDivisionError inside a load test."""
    from sahel_kg.devtools.measure import FreshPaths

    with pytest.raises(ValueError, match="no request paths"):
        FreshPaths([])


def test_the_httpx_load_sends_exactly_the_first_paths_it_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    """FreshPaths takes ``requests`` as the first that many paths handed; the fallback without wrk must send
    those and no later one, whichever connection is slower (else the next test repeats some)."""
    import asyncio

    import httpx

    from sahel_kg.devtools import measure

    sent: list[str] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        if int(request.url.path.removeprefix("/p")) % 2:
            await asyncio.sleep(0.03)  # odd paths are slow
        return httpx.Response(200, text="ok")

    real_client = httpx.AsyncClient

    def mocked(**kwargs: object) -> httpx.AsyncClient:
        return real_client(transport=httpx.MockTransport(answer), **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(httpx, "AsyncClient", mocked)
    fresh = measure.FreshPaths([f"/p{i}" for i in range(100_000)])
    load = asyncio.run(measure._httpx_load("http://bench.test", fresh.take(50_000), accept="text/html",
                                           seconds=0.3, connections=2))
    fresh.used(load.requests)
    assert load.requests == len(sent) > 4
    assert sorted(sent) == sorted(fresh.paths[:load.requests])


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_the_next_wrk_test_is_handed_none_of_the_paths_still_in_flight(tmp_path: Path) -> None:
    """wrk counts the answers it read; the requests still in flight when it stops reached the server too,
    so the next test must start after them (else it repeats up to one request per connection)."""
    import asyncio
    import threading

    from sahel_kg.devtools import measure
    from support.servers import free_port

    received: list[str] = []
    port, ready, stop = free_port(), threading.Event(), threading.Event()

    async def answer_slowly(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                received.append(line.split()[1].decode())
                while (await reader.readline()) not in (b"\r\n", b""):
                    pass
                await asyncio.sleep(0.2)  # answers outlast the test's end: some are in flight then
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                await writer.drain()
        except (ConnectionError, IndexError):
            pass

    async def serve() -> None:
        server = await asyncio.start_server(answer_slowly, "127.0.0.1", port)
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.05)
        server.close()

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        fresh = measure.FreshPaths([f"/p{i}" for i in range(1000)])
        fresh.load_test(lambda todo: measure._wrk(f"http://127.0.0.1:{port}", todo, accept="text/plain",
                                                  seconds=1, connections=4, workdir=tmp_path))()
        time.sleep(0.3)  # the last request lines arrive
    finally:
        stop.set()
        thread.join(5)
    assert received and sorted(received) == sorted(fresh.paths[:len(received)])
    assert fresh.offset == len(received), "the next test starts after every path the server was sent"


def test_no_analytic_run_sends_a_text_any_server_was_sent_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ours over Virtuoso passes each text on to the Virtuoso measured beside it: one run's text must differ
    between servers as well as between runs, by a comment only."""
    import httpx

    from sahel_kg.devtools import measure

    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.params["query"])
        return httpx.Response(200, json={"head": {"vars": ["n"]}, "results": {"bindings": []}})

    real_client = httpx.Client

    def mocked(**kwargs: object) -> httpx.Client:
        return real_client(transport=httpx.MockTransport(answer), **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(httpx, "Client", mocked)
    timed = measure.rotating_latency(["http://ours/sparql", "http://over/sparql", "http://peer/sparql"], query,
                                     runs=3, budget=60, timeout=60)
    assert all(t.median is not None for t in timed)
    assert len(sent) == 3 * 4 and len(set(sent)) == len(sent), "a text was sent twice"
    assert all([line for line in text.splitlines() if not line.startswith("#")] == [query] for text in sent)


def test_a_page_variant_is_the_same_page_under_another_url(client: TestClient) -> None:
    """The cold page figures send ``?round=N`` once the sample is used: the page must answer it as the page."""
    from bs4 import BeautifulSoup

    from sahel_kg.devtools.measure import page_variant

    path = "/id/incident/aghazar-killings"
    plain = client.get(path, headers={"accept": "text/html"}, follow_redirects=False)
    varied = client.get(page_variant(path, 3), headers={"accept": "text/html"}, follow_redirects=False)
    assert plain.status_code == varied.status_code == 200

    def content(html: str) -> str:
        return BeautifulSoup(html, "html.parser").select_one("main").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert content(varied.text) == content(plain.text)


def test_fresh_paths_count_repeats_and_rounds_at_the_edges() -> None:
    from sahel_kg.devtools.measure import FreshPaths

    plain = FreshPaths(["/a", "/b", "/c"])
    plain.used(2)  # without take(): the first two were sent
    assert plain.take(1) == ["/c"] and (plain.repeats, plain.rounds) == (0, 0)
    plain.used(3)  # handed one, sent three: its own list cycled
    assert (plain.offset, plain.repeats) == (3, 2)
    plain.used(1)  # past the sample without a variant: sent as it was
    assert (plain.repeats, plain.rounds) == (3, 1)

    varied = FreshPaths(["/a", "/b"], variant=lambda p, n: f"{p}#{n}")
    assert varied.take(5) == ["/a", "/b", "/a#1", "/b#1", "/a#2"]
    varied.used(3)
    assert (varied.repeats, varied.rounds) == (0, 1)
    assert varied.take(2) == ["/b#1", "/a#2"], "the next test starts where the last one stopped"
    varied.used(0)
    assert (varied.offset, varied.rounds) == (3, 1)
