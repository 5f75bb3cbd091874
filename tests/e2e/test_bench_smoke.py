"""A tiny run of the benchmark suite, so that it never rots (its figures mean nothing at this size)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from sahel_kg.devtools import bench_virtuoso
from sahel_kg.devtools.bench import Options, append_results, render_markdown, run_suite
from sahel_kg.devtools.synthetic import generate
from sahel_kg.project import project_root

pytestmark = pytest.mark.real_server


def test_tiny_run_produces_every_row_and_the_table(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus-tiny"
    generate(corpus, incidents=8, seed=2, root=project_root())
    with_rdflib = importlib.util.find_spec("rdflib_endpoint") is not None and shutil.which("rdflib-endpoint") is not None
    rows = run_suite(Options(corpus, corpus if with_rdflib else None, seconds=1, connections=2,
                             work=tmp_path / "work", validation_budget=5, virtuoso=False), log=lambda m: None)
    metrics = {r.metric for r in rows}
    assert {"build/load throughput", "small SPARQL lookups", "analytic query (disagreeing tolls), latency",
            "serve resident memory", "full SHACL validation, peak memory",
            "re-validation after one source file changes"} <= metrics
    by = {(r.metric, r.peer_name): r for r in rows}
    assert by[("build/load throughput", "oxigraph load")].peer > 0
    assert by[("small SPARQL lookups", "Oxigraph server")].ours > 0
    assert by[("small SPARQL lookups", "Oxigraph server")].peer > 0
    analytic = by[("analytic query (disagreeing tolls), latency", "Oxigraph server")]
    assert analytic.ours and analytic.peer, "both servers answer the analytic query"
    assert by[("search p95 latency", "—")].ours is not None, "search is measured"
    assert by[("search index build", "—")].ours > 0
    assert by[("incident page p95 latency", "—")].ours is not None, "the incident page is measured"
    labels = {r.corpus for r in rows}
    assert len(labels) == 1 and "8 incidents" in labels.pop()
    table = _table(rows, tmp_path)
    assert "| build/load throughput |" in table and "Machine:" in table


def test_a_run_of_the_servers_part_reuses_the_store_of_the_load_part(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus-tiny"
    generate(corpus, incidents=8, seed=2, root=project_root())
    opts = dict(seconds=1, connections=2, work=tmp_path / "work", skip_load_peer=True, virtuoso=False)
    with pytest.raises(SystemExit, match="run the load part first"):
        run_suite(Options(corpus, None, parts=frozenset({"servers"}), **opts), log=lambda m: None)  # type: ignore[arg-type]
    loaded = run_suite(Options(corpus, None, parts=frozenset({"load"}), **opts), log=lambda m: None)  # type: ignore[arg-type]
    served = run_suite(Options(corpus, None, parts=frozenset({"servers"}), **opts), log=lambda m: None)  # type: ignore[arg-type]
    assert {r.metric for r in loaded} == {"build/load throughput"}
    assert "build/load throughput" not in {r.metric for r in served}
    assert "small SPARQL lookups" in {r.metric for r in served}
    assert {r.corpus for r in loaded} == {r.corpus for r in served}
    alone = run_suite(Options(corpus, None, parts=frozenset({"pages"}), **opts), log=lambda m: None)  # type: ignore[arg-type]
    assert {r.metric for r in alone} == {"incident page p95 latency", "incident page throughput vs small lookups",
                                         "incident page throughput, warm vs cold",
                                         "search p95 latency", "serve resident memory"}


@pytest.mark.integration
@pytest.mark.skipif(bench_virtuoso.unavailable() is not None, reason=bench_virtuoso.unavailable() or "")
def test_virtuoso_is_loaded_file_by_file_served_in_turns_and_agrees_with_us(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus-tiny"
    generate(corpus, incidents=8, seed=2, root=project_root())
    rows = run_suite(Options(corpus, None, seconds=1, connections=2, work=tmp_path / "work", skip_load_peer=True,
                             skip_validation=True, analytic_budget=30, virtuoso_memory_gb=1,
                             parts=frozenset({"load", "servers"})), log=lambda m: None)
    by = {(r.metric, r.peer_name): r for r in rows}
    load = by[("build/load throughput", "Virtuoso bulk loader")]
    assert load.met == "met" and load.peer > 0, load.note  # the same triples in our named graphs
    lookups = by[("small SPARQL lookups", "Virtuoso")]
    assert lookups.met == "met" and lookups.peer > 0 and lookups.ours > 0, lookups.note
    over = by[("small SPARQL lookups, our server over Virtuoso", "Virtuoso")]
    assert over.ours > 0
    analytic = by[("analytic query (disagreeing tolls), latency", "Virtuoso")]
    assert analytic.met == "met" and "same" in analytic.note, analytic.note
    assert by[("analytic query (disagreeing tolls), our server over Virtuoso", "Virtuoso")].met == "met"
    assert by[("incident page p95 latency, our server over Virtuoso", "our server, embedded")].ours > 0
    assert by[("server resident memory", "Virtuoso")].peer > 0
    assert by[("serve resident memory, our server over Virtuoso", "our server, embedded")].ours > 0
    # A second run of the servers part serves the database the load part filled, without loading it again.
    again = run_suite(Options(corpus, None, seconds=1, connections=2, work=tmp_path / "work", skip_validation=True,
                              analytic_budget=0, parts=frozenset({"servers"})), log=lambda m: None)
    assert ("build/load throughput", "Virtuoso bulk loader") not in {(r.metric, r.peer_name) for r in again}
    assert {("small SPARQL lookups", "Virtuoso")} <= {(r.metric, r.peer_name) for r in again}
    assert "| build/load throughput |" in _table(rows, tmp_path)


def _table(rows: list, tmp_path: Path) -> str:
    results = tmp_path / "results.jsonl"
    append_results(results, rows)
    return render_markdown(results)
