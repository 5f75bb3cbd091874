"""The benchmark's Virtuoso pieces that need no Virtuoso: ini sizing, the loader's script and report,
result rows, and the results recovered from a rendered page."""

from __future__ import annotations

import configparser
import json
from pathlib import Path

import pytest

from sahel_kg.devtools.bench import main as bench_main
from sahel_kg.devtools.bench_results import append_results, records_from_markdown, recover_results, render_markdown
from sahel_kg.devtools.bench_virtuoso import (
    analytic_rows,
    disagreements,
    load_row,
    lookup_rows,
    lookup_rows_agree,
    same_rows,
)
from sahel_kg.devtools.measure import Load, Row, Timed, in_rotation
from sahel_kg.devtools.virtuoso import (
    Buffers,
    buffers_for,
    ini_text,
    loader_script,
    parse_loader_output,
    solution_rows,
)
from sahel_kg.project import TurtleFile, graph_iri_for

GB = 1024**3
#: The sizing table in the virtuoso.ini Debian ships: free memory -> (NumberOfBuffers, MaxDirtyBuffers).
VIRTUOSO_TABLE = {2: (170_000, 130_000), 4: (340_000, 250_000), 8: (680_000, 500_000), 16: (1_360_000, 1_000_000),
                  32: (2_720_000, 2_000_000), 48: (4_000_000, 3_000_000)}


@pytest.mark.parametrize("gigabytes", sorted(VIRTUOSO_TABLE))
def test_buffers_follow_virtuosos_own_table_within_five_percent(gigabytes: int) -> None:
    number, dirty = VIRTUOSO_TABLE[gigabytes]
    sized = buffers_for(gigabytes * GB)
    assert abs(sized.number - number) / number < 0.05
    assert abs(sized.dirty - dirty) / dirty < 0.05
    assert sized.dirty < sized.number
    assert sized.memory_mb < gigabytes * 1024 * 0.7, "two thirds of free memory at most"


def test_a_cap_bounds_the_buffers_whatever_the_free_memory() -> None:
    capped = buffers_for(24 * GB, cap_bytes=4 * GB)
    assert capped == buffers_for(4 * GB)
    assert buffers_for(2 * GB, cap_bytes=4 * GB) == buffers_for(2 * GB), "the cap never raises the figure"


def test_no_free_memory_is_an_error_not_a_zero_cache() -> None:
    with pytest.raises(ValueError, match="positive"):
        buffers_for(0)


def test_ini_listens_on_loopback_and_lets_the_loader_read_the_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus-20k"
    text = ini_text(tmp_path / "db", isql_port=1234, http_port=5678, buffers=Buffers(340_000, 255_000, 2730.0),
                    dirs_allowed=[corpus])
    ini = configparser.ConfigParser()
    ini.read_string(text)
    assert ini["Parameters"]["ServerPort"] == "127.0.0.1:1234"
    assert ini["HTTPServer"]["ServerPort"] == "127.0.0.1:5678"
    assert ini["Parameters"]["NumberOfBuffers"] == "340000" and ini["Parameters"]["MaxDirtyBuffers"] == "255000"
    assert str(corpus) in [d.strip() for d in ini["Parameters"]["DirsAllowed"].split(",")]
    assert ini["Database"]["DatabaseFile"] == f"{tmp_path / 'db'}/virtuoso.db"
    # No execution limit by default: Virtuoso answers a query past its limit with a partial result.
    assert ini["SPARQL"]["MaxQueryExecutionTime"] == "0"


def test_loader_script_puts_each_file_in_the_graph_our_build_gives_it(tmp_path: Path) -> None:
    root = tmp_path
    paths = [root / "data" / "ttl" / "sources" / "o'brien.ttl", root / "ontology" / "core.ttl"]
    files = [TurtleFile(p, graph_iri_for(p, root=root), "data") for p in paths]
    script = loader_script(files)
    adds = [line for line in script.splitlines() if line.startswith("ld_add(")]
    assert len(adds) == len(files)
    assert adds[0] == (f"ld_add('{root}/data/ttl/sources/o''brien.ttl', "
                       "'https://w3id.org/sahel-harm/graph/sources/o''brien');"), "quotes doubled, SQL-style"
    lines = script.splitlines()
    assert lines.index("rdf_loader_run();") > lines.index(adds[-1])
    assert lines.index("checkpoint;") > lines.index("rdf_loader_run();")
    assert lines[0].startswith("DELETE FROM DB.DBA.LOAD_LIST"), "a rerun starts from an empty load list"


ISQL_OUTPUT = """
Done. -- 2 msec.

Done. -- 1 msec.
LOADED 58
                                                                                  
1 Rows. -- 3 msec.
LOADERROR /c/data/ttl/sources/bad.ttl 37000 [Vectorized Turtle loader] SP029: TURTLE RDF loader, line 3: syntax error

1 Rows. -- 2 msec.
"""


def test_loader_report_reads_files_loaded_and_each_failure() -> None:
    report = parse_loader_output(ISQL_OUTPUT)
    assert report.loaded == 58
    assert report.file_errors == ["/c/data/ttl/sources/bad.ttl 37000 [Vectorized Turtle loader] SP029: "
                                  "TURTLE RDF loader, line 3: syntax error"]
    assert not report.ok
    clean = parse_loader_output("LOADED 3\n1 Rows. -- 3 msec.\n")
    assert clean.ok and clean.loaded == 3
    assert not parse_loader_output("").ok, "no report at all is a failure"


def _result(rows: list[dict[str, dict[str, str]]], names: list[str]) -> bytes:
    return json.dumps({"head": {"vars": names}, "results": {"bindings": rows}}).encode()


def test_answers_compare_by_value_whatever_the_literal_type_name() -> None:
    ours = _result([{"i": {"type": "uri", "value": "x"}, "n": {"type": "literal", "value": "3",
                     "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}], ["i", "n"])
    theirs = _result([{"i": {"type": "uri", "value": "x"}, "n": {"type": "typed-literal", "value": "3",
                       "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}], ["i", "n"])
    assert solution_rows(ours) == solution_rows(theirs) == [("x", "3")]
    assert same_rows(ours, theirs)[0]
    other = _result([{"i": {"type": "uri", "value": "y"}, "n": {"type": "literal", "value": "3"}}], ["i", "n"])
    ok, note = same_rows(ours, other)
    assert not ok and "DIFFER" in note
    assert not same_rows(ours, None)[0], "a server that gave no answer does not agree"


def test_a_load_with_other_triples_fails_its_row() -> None:
    from sahel_kg.devtools.bench_virtuoso import Loaded

    loaded = Loaded("/tmp/v", Buffers(10_000, 7_500, 80.0), files=3, triples=99, seconds=2.0, errors=[])
    assert load_row("c", loaded, ours_triples=99, ours_per_second=50.0).met == "met"
    wrong = load_row("c", loaded, ours_triples=100, ours_per_second=50.0)
    assert wrong.met == "missed" and "DIFFERENT" in wrong.note
    failed = Loaded("/tmp/v", Buffers(10_000, 7_500, 80.0), files=3, triples=99, seconds=2.0, errors=["x.ttl: bad"])
    assert load_row("c", failed, ours_triples=99, ours_per_second=50.0).met == "missed"


def test_rotation_runs_each_side_in_turn_and_sums_its_runs() -> None:
    from sahel_kg.devtools.measure import Load

    order: list[str] = []

    def side(name: str, requests: int) -> Load:
        order.append(name)
        return Load(requests, 1.0, 1.0, 2.0, 0)

    found = in_rotation([lambda: side("a", 10), lambda: side("b", 20), lambda: side("c", 30)], turns=2)
    assert order == ["a", "b", "c", "a", "b", "c"]
    assert [f.per_second for f in found] == [10.0, 20.0, 30.0]


def test_a_rendered_page_read_back_renders_the_same_tables(tmp_path: Path) -> None:
    rows = [Row("corpus-x (10 incidents, 700 triples)", "small SPARQL lookups", 1500.0, "Oxigraph server", 9000.0,
                "req/s", "≥ 1/3×", 1 / 3, note="8 connections"),
            Row("corpus-x (10 incidents, 700 triples)", "serve resident memory", 300.0, "—", None, "MB", "< 1024 MB",
                None, note="after the tests", absolute_ok=True),
            Row("corpus-x (10 incidents, 700 triples)", "analytic query", 2.5, "Virtuoso", 0.25, "s", "same rows",
                None, note="**ROWS DIFFER**", absolute_ok=False)]
    first = tmp_path / "first.jsonl"
    append_results(first, rows)
    page = tmp_path / "benchmarks.md"
    page.write_text(render_markdown(first))
    back = records_from_markdown(page.read_text())
    assert [(r["metric"], r["ours"], r["peer"], r["absolute_ok"]) for r in back] == [
        ("small SPARQL lookups", 1500.0, 9000.0, None), ("serve resident memory", 300.0, None, True),
        ("analytic query", 2.5, 0.25, False)]
    assert back[0]["ratio_target"] == pytest.approx(1 / 3)
    again = tmp_path / "again.jsonl"
    assert recover_results(page, again) == 3
    assert recover_results(page, again) == 0, "rows the file holds are not added twice"
    assert render_markdown(again) == page.read_text()


def test_answers_that_differ_are_named_in_the_log_and_agreeing_ones_are_not() -> None:
    one = _result([{"i": {"type": "uri", "value": "x"}}], ["i"])
    none = _result([], ["i"])
    bodies = {"ours": one, "theirs": none, "same": one}
    load = Load(10, 1.0, 1.0, 2.0, 0)
    differ = lookup_rows_agree(lambda url, q: bodies[url], "ours", "theirs", ["q1", "q2"])
    agree = lookup_rows_agree(lambda url, q: bodies[url], "ours", "same", ["q1", "q2"])
    assert not differ[0] and agree[0]
    rows = lookup_rows("c", ours=load, peer=load, over=load, agree=differ, connections=2, seconds=2)
    rows += analytic_rows("c", ours=Timed(1.0, one), peer=Timed(0.1, none), over=Timed(0.1, one), budget=5)
    logged = disagreements(rows)
    assert [line.split(":")[1].strip() for line in logged] == [
        "small SPARQL lookups against Virtuoso", "analytic query (disagreeing tolls), latency against Virtuoso"]
    assert all(line.startswith("ERROR") for line in logged)
    agreeing = lookup_rows("c", ours=load, peer=load, over=load, agree=agree, connections=2, seconds=2)
    assert disagreements(agreeing) == []


@pytest.mark.parametrize("command", ["recover", "render", "revalidate", "validate-full"])
def test_a_subcommand_without_its_arguments_says_what_it_needs(command: str) -> None:
    with pytest.raises(SystemExit, match=f"usage: bench.py {command} [A-Z]"):
        bench_main([command])
