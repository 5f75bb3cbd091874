"""Benchmarks against the peers, on the same data, the same machine, in the same run.

Run it through ``scripts/bench.py`` (see the README's "Benchmarks" section)::

    .venv/bin/sahel-kg synth --incidents 1000 --out var/bench/corpus-1k
    .venv/bin/python scripts/bench.py --corpus var/bench/corpus-1k --seconds 10

Each measurement is bounded in time; every server listens on loopback only and
is stopped at the end. Results are appended to ``var/bench/results.jsonl`` and
``docs/benchmarks.md`` is regenerated from all of them, one table per corpus.

Load generator: ``wrk`` (with a Lua script cycling through request paths)
when installed, else an async httpx client; latency percentiles for pages come
from a sequential httpx client.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph

from sahel_kg.derive.rules import DERIVED_GRAPH
from sahel_kg.devtools import bench_virtuoso
from sahel_kg.devtools.bench_derived import derived_rows
from sahel_kg.devtools.bench_results import _fmt, append_results, kept_preamble, recover_results, render_markdown
from sahel_kg.devtools.bench_stacks import stack_rows
from sahel_kg.devtools.measure import (
    JSON,
    VENV_BIN,
    FreshPaths,
    Load,
    Row,
    _answer,
    _status,
    build_for_bench,
    build_search_index,
    count_incidents,
    first_answer,
    free_port,
    in_rotation,
    load_test,
    oxigraph_load,
    page_variant,
    pss_mb,
    rotating_latency,
    rss_mb,
    sample_incidents,
    search_queries,
    sequential_latency,
    server,
    sparql_paths,
    sparql_variant,
    wait_for_search,
)
from sahel_kg.project import project_root, turtle_files
from sahel_kg.search.index import index_path, is_current
from sahel_kg.store.ondisk import current_store_dir

PREFIXES = """PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
PREFIX ctype: <https://w3id.org/sahel-harm/vocab/count-type/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
#: Incidents whose claimed death tolls disagree, the widest disagreement first.
ANALYTIC_QUERY = PREFIXES + """SELECT ?incident (COUNT(DISTINCT ?claim) AS ?claims) (MIN(?v) AS ?lowest) (MAX(?v) AS ?highest)
WHERE {
  ?claim shg:about ?incident ; shg:count ?c .
  ?c shg:countType ctype:killed .
  FILTER NOT EXISTS { ?c shg:subtotal true }
  { ?c shg:low ?v } UNION { ?c shg:best ?v } UNION { ?c shg:high ?v }
}
GROUP BY ?incident
HAVING (MAX(?v) > MIN(?v))
ORDER BY DESC(MAX(?v) - MIN(?v)) ?incident
LIMIT 100"""
LOOKUP_TEMPLATE = PREFIXES + "SELECT ?label ?place ?type WHERE {{ <{iri}> rdfs:label ?label ; <http://semanticweb.cs.vu.nl/2009/11/sem/hasPlace> ?place ; <http://semanticweb.cs.vu.nl/2009/11/sem/eventType> ?type }}"
#: The analytic query may take longer than the default 30 s limit at scale: measure it, do not cut it.
#: The response cache is on, as shipped: the cold figures send every request once (FreshPaths), the warm
#: ones repeat a few pages on purpose.
OUR_SERVER_ENV = {"SAHEL_KG_QUERY_TIMEOUT": "900"}
#: Where a comparison repeats requests (the small corpus against rdflib-endpoint, our server over Virtuoso),
#: the response cache is off: the engines are what is compared.
NO_CACHE_ENV = {**OUR_SERVER_ENV, "SAHEL_KG_RESPONSE_CACHE_BYTES": "0"}
#: Incidents drawn for the cold tests: enough that no test runs out of fresh requests (pages and lookups).
COLD_SAMPLE = 40_000
#: Pages repeated for the warm figure (sent once first, so that each is kept).
WARM_PAGES = 50


# ---------------------------------------------------------------- the suite


#: What a run measures: the loads, the servers (against the peer), pages (ours alone: pages, search,
#: memory), SHACL validation.
PARTS = ("load", "servers", "pages", "validation", "derived", "stacks")
#: What a run measures unless told: all but ``derived``, which builds its own store (its table counts the
#: derived triples too, so it is a table of its own), and ``stacks``, which serves the app on every HTTP stack.
DEFAULT_PARTS = PARTS[:4]


@dataclass
class Options:
    corpus: Path
    small_corpus: Path | None
    seconds: float
    connections: int
    work: Path
    skip_load_peer: bool = False
    skip_validation: bool = False
    validation_budget: float = 120.0
    skip_reference_load: bool = False
    analytic_budget: float = 300.0
    search_index_budget: float = 1800.0
    parts: frozenset[str] = frozenset(DEFAULT_PARTS)
    virtuoso: bool = True
    virtuoso_memory_gb: float | None = 4.0
    analytic_timeout: float = 900.0
    results: Path | None = None  # where rows measured early are appended (the derived part's build row)
    derived_with_validation: bool = False  # the derived part also times the build's validation and index


def file_triples(store_dir: Path) -> int:
    """Triples of a built store in the files' named graphs: all but the derived graph, which the build computes
    and Virtuoso, given the same files, does not."""
    store = pyoxigraph.Store.read_only(str(store_dir))
    derived = pyoxigraph.NamedNode(DERIVED_GRAPH)
    triples = len(store) - sum(1 for _ in store.quads_for_pattern(None, None, None, derived))
    del store
    return triples


def corpus_label(name: str, store_dir: Path) -> str:
    """The heading of a corpus's table: its name, incidents and triples."""
    store = pyoxigraph.Store.read_only(str(store_dir))
    triples = len(store)
    del store
    return f"{name} ({count_incidents(store_dir):,} incidents, {triples:,} triples)"


def load_rows(opts: Options, pointer: Path, log: Callable[[str], None]) -> tuple[Path, list[Row]]:
    """Our build's load against ``oxigraph load`` on the same files; the store stays at ``pointer``."""
    name, rows = opts.corpus.name, []
    log(f"[{name}] loading with our build")
    store_dir, ours_load, triples = build_for_bench(opts.corpus, pointer)
    label = name  # completed by run_suite
    peer_load = None
    if not opts.skip_load_peer:
        log(f"[{name}] loading with oxigraph load")
        with tempfile.TemporaryDirectory(dir=opts.work) as tmp:
            peer_triples, peer_seconds = oxigraph_load(opts.corpus, Path(tmp) / "ox")
            peer_load = peer_triples / peer_seconds
    rows.append(Row(label, "build/load throughput", triples / ours_load, "oxigraph load", peer_load, "triples/s",
                    "≥ 0.8×", 0.8, note=f"ours {ours_load:.1f} s, one named graph per file; oxigraph load given the "
                                        f"same files, 2000 per invocation, stopped after 240 s"))
    if not opts.skip_load_peer and not opts.skip_reference_load:
        log(f"[{name}] loading one N-Quads file of the same quads with oxigraph load")
        with tempfile.TemporaryDirectory(dir=opts.work) as tmp:
            nquads = Path(tmp) / "all.nq"
            store = pyoxigraph.Store.read_only(str(store_dir))
            store.dump(str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
            del store
            start = time.perf_counter()
            subprocess.run([str(VENV_BIN / "oxigraph"), "load", "--location", str(Path(tmp) / "ox"), "--file",
                            str(nquads)], check=True, capture_output=True, timeout=3600)
            one_file = triples / (time.perf_counter() - start)
        rows.append(Row(label, "build/load throughput", triples / ours_load, "oxigraph load, one N-Quads file",
                        one_file, "triples/s", "(reference)", None,
                        note="the peer's best case: the same quads in one file, no per-file cost; not the target's "
                             "comparison, shown for what the loader itself costs"))

    return store_dir, rows


def peer_rows(opts: Options, label: str, ours_lookup: Load, ox_lookup: Load, *, repeats: int = 0) -> list[Row]:
    """The small lookups, ours against Oxigraph's server, cold (``repeats``: our requests sent twice)."""
    return [
        Row(label, "small SPARQL lookups", ours_lookup.per_second, "Oxigraph server", ox_lookup.per_second,
            "req/s", "≥ 1/3×", 1 / 3,
            note=f"{opts.connections} connections, {opts.seconds / 2:.0f} s per turn, in turns (each server in "
                 f"rotation, twice; all servers up); p95 ours {ours_lookup.p95_ms:.1f} ms, "
                 f"Oxigraph {ox_lookup.p95_ms:.1f} ms; errors {ours_lookup.errors}/{ox_lookup.errors}; "
                 + ("cold: each lookup sent once, response cache on" if not repeats
                    else f"not all cold: {repeats} lookups sent again as they were")),
    ]


def cold_note(*fresh: FreshPaths) -> str:
    """Whether a row's requests were all sent once (cold), as a note."""
    again, rounds = sum(f.repeats for f in fresh), max(f.rounds for f in fresh)
    varied = f" ({rounds} more round(s) of the sample with another text: a comment, a parameter)" if rounds else ""
    return (f"cold: each request sent once{varied}, response cache on" if not again
            else f"not all cold: {again} requests sent again as they were")


def warm_pages(base: str, paths: list[str], opts: Options) -> Load:
    """Throughput of a few incident pages repeated, each sent once first: what the response cache gives."""
    sequential_latency(base, paths, accept="text/html", seconds=300, limit=len(paths))
    runs = [load_test(base, paths, accept="text/html", seconds=opts.seconds / 2, connections=opts.connections,
                      workdir=opts.work) for _ in range(2)]
    return Load(sum(r.requests for r in runs), sum(r.seconds for r in runs), max(r.p50_ms for r in runs),
                max(r.p95_ms for r in runs), sum(r.errors for r in runs))


def analytic_row(opts: Options, label: str, ours_analytic: float | None, ox_analytic: float | None) -> Row:
    """The analytic query's latency, ours against Oxigraph's server."""
    return Row(label, "analytic query (disagreeing tolls), latency", ours_analytic, "Oxigraph server", ox_analytic,
               "s", "≤ 1.15×", None,
               absolute_ok=None if not (ours_analytic and ox_analytic) else ours_analytic <= 1.15 * ox_analytic,
               note="median of up to 5 runs each after a warm-up, the servers' runs in rotation (the "
                    f"warm-up alone when it used the {opts.analytic_budget:.0f} s budget; one run at most "
                    f"{opts.analytic_timeout:.0f} s); our server with query_timeout 900 s"
                    + ("" if ours_analytic and ox_analytic else "; a server failed or ran out of budget"))


def server_rows(opts: Options, label: str, pointer: Path, store_dir: Path, log: Callable[[str], None], *,
                with_peer: bool = True, virtuoso: bench_virtuoso.Loaded | None = None) -> list[Row]:
    """Our server and Oxigraph's on the same store: lookups, analytic query, pages, search, memory
    (without the peer: pages, search and memory only); with ``virtuoso``, Virtuoso on the same corpus
    and our server over it, measured in the same turns."""
    name, rows = opts.corpus.name, []
    if not is_current(index_path(store_dir)):
        log(f"[{name}] writing the search index")
        rows.append(Row(label, "search index build", build_search_index(store_dir), "—", None, "s", "(reference)",
                        None, note="what `sahel-kg build` does after loading: labels streamed from the store into "
                                   "SQLite FTS5 beside it; not in the load figure"))
    sample = sample_incidents(store_dir, n=COLD_SAMPLE)
    lookups = [LOOKUP_TEMPLATE.format(iri=i) for i in sample]
    port, oport = free_port(), free_port()
    base, obase = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{oport}"
    ours_cmd = [str(VENV_BIN / "sahel-kg"), "--root", str(opts.corpus), "serve", "--store", str(pointer),
                "--host", "127.0.0.1", "--port", str(port)]
    ox_cmd = [str(VENV_BIN / "oxigraph"), "serve-read-only", "--location", str(store_dir), "--bind",
              f"127.0.0.1:{oport}", "--union-default-graph"]
    log(f"[{name}] our server" + (" and oxigraph serve-read-only" if with_peer else "")
        + (", Virtuoso and our server over it" if virtuoso else "") + (", measured in turns" if with_peer else ""))
    page_paths = ["/id/incident/" + i.rsplit("/", 1)[1] for i in sample]
    ours_paths = sparql_paths("/sparql", lookups)
    # Cold: each server's tests send each request once (its own FreshPaths over the same list).
    # Past the sample, each round sends them again with another text (sparql_variant, page_variant).
    fresh_pages = FreshPaths(page_paths, variant=page_variant)
    fresh_lookups = FreshPaths(ours_paths, variant=sparql_variant)

    def lookups_on(url: str, paths: list[str] | FreshPaths) -> Callable[[], Load]:
        fresh = paths if isinstance(paths, FreshPaths) else FreshPaths(paths, variant=sparql_variant)
        return fresh.load_test(lambda todo: load_test(url, todo, accept=JSON, seconds=opts.seconds / 2,
                                                      connections=opts.connections, workdir=opts.work))

    def pages_on(url: str, fresh: FreshPaths | None = None) -> Callable[[], Load]:
        return (fresh or FreshPaths(page_paths, variant=page_variant)).load_test(
            lambda todo: load_test(url, todo, accept="text/html", seconds=opts.seconds / 2,
                                   connections=opts.connections, workdir=opts.work))

    with contextlib.ExitStack() as servers:
        proc = servers.enter_context(server(ours_cmd, f"{base}/sparql?query=ASK%7B%7D",
                                            log=opts.work / f"serve-{name}.log", env=OUR_SERVER_ENV))
        vbase = over_base = over_proc = virtuoso_pid = None
        if virtuoso is not None:
            instance = servers.enter_context(bench_virtuoso.serving(virtuoso, opts.corpus))
            virtuoso_pid = instance.process.pid
            vbase, over_port = instance.sparql.removesuffix("/sparql"), free_port()
            over_base = f"http://127.0.0.1:{over_port}"
            over_cmd = [str(VENV_BIN / "sahel-kg"), "--root", str(opts.corpus), "serve", "--store-url",
                        instance.sparql, "--host", "127.0.0.1", "--port", str(over_port)]
            over_proc = servers.enter_context(server(over_cmd, f"{over_base}/sparql?query=ASK%7B%7D",
                                                     log=opts.work / f"serve-over-virtuoso-{name}.log",
                                                     env={**NO_CACHE_ENV, **bench_virtuoso.OVER_ENV}))
        if with_peer:
            servers.enter_context(server(ox_cmd, f"{obase}/query?query=ASK%7B%7D",
                                         log=opts.work / f"oxigraph-{name}.log"))
            tests = [lookups_on(base, fresh_lookups), lookups_on(obase, sparql_paths("/query", lookups))]
            if vbase and over_base:
                tests += [lookups_on(vbase, sparql_paths("/sparql", lookups)), lookups_on(over_base, ours_paths)]
            found = in_rotation(tests)
            rows += peer_rows(opts, label, found[0], found[1], repeats=fresh_lookups.repeats)
            if vbase and over_base:
                agree = bench_virtuoso.lookup_rows_agree(bench_virtuoso.get_json, f"{base}/sparql", f"{vbase}/sparql",
                                                         lookups[:20])
                rows += bench_virtuoso.lookup_rows(label, ours=found[0], peer=found[2], over=found[3], agree=agree,
                                                   connections=opts.connections, seconds=opts.seconds)
            if opts.analytic_budget > 0:
                urls = [f"{base}/sparql", f"{obase}/query"]
                if vbase and over_base:
                    urls += [f"{vbase}/sparql", f"{over_base}/sparql"]
                timed = rotating_latency(urls, ANALYTIC_QUERY, budget=opts.analytic_budget,
                                         timeout=opts.analytic_timeout)
                rows.append(analytic_row(opts, label, timed[0].median, timed[1].median))
                if vbase and over_base:
                    rows += bench_virtuoso.analytic_rows(label, ours=timed[0], peer=timed[2], over=timed[3],
                                                         budget=opts.analytic_budget, timeout=opts.analytic_timeout)
            for line in bench_virtuoso.disagreements(rows):
                log(f"[{name}] {line}")
        page_status = _status(base + page_paths[0], "text/html")
        pages = pages_seq = warm = None
        if page_status == 200:
            pages, lookups_beside_pages = in_rotation([pages_on(base, fresh_pages), lookups_on(base, fresh_lookups)])
            pages_seq = sequential_latency(base, fresh_pages.take(), accept="text/html", seconds=opts.seconds)
            fresh_pages.used(pages_seq.requests)
            warm = warm_pages(base, page_paths[:WARM_PAGES], opts)
        search_terms = search_queries(store_dir)
        search_paths = ["/search?" + urllib.parse.urlencode({"q": t}) for t in search_terms]
        index_wait, search_status = wait_for_search(base + search_paths[0], budget=opts.search_index_budget)
        search = None
        if search_status == 200:
            search = sequential_latency(base, search_paths, accept="text/html", seconds=opts.seconds,
                                        limit=len(search_paths))  # each search once: cold
        serve_rss, serve_peak = rss_mb(proc.pid)
        serve_pss = pss_mb(proc.pid)
        if virtuoso is not None and over_proc is not None and virtuoso_pid is not None and over_base:
            rows += bench_virtuoso.memory_rows(label, over_mb=rss_mb(over_proc.pid), peer_mb=rss_mb(virtuoso_pid),
                                               ours_mb=serve_rss, loaded=virtuoso)
            # Last: a cold page over Virtuoso can keep it busy for minutes after its client gave up
            # (see bench_virtuoso.page_rows), which would weigh on any measurement after it.
            over_status, over_first = first_answer(over_base + page_paths[0], "text/html", timeout=300)
            over_pages = over_seq = None
            if over_status == 200:
                over_pages = pages_on(over_base)()
                over_seq = sequential_latency(over_base, page_paths, accept="text/html", seconds=opts.seconds,
                                              timeout=120)
            rows += bench_virtuoso.page_rows(label, over_pages=over_pages, over_seq=over_seq, ours_pages=pages,
                                             ours_seq=pages_seq, status=over_status, first=over_first,
                                             connections=opts.connections)

    if pages is not None and pages_seq is not None:
        rows.append(Row(label, "incident page p95 latency", pages_seq.p95_ms, "—", None, "ms", "≤ 50 ms", None,
                        absolute_ok=pages_seq.p95_ms <= 50,
                        note=f"one client, {pages_seq.requests} pages; p50 {pages_seq.p50_ms:.1f} ms; "
                             + cold_note(fresh_pages)))
        rows.append(Row(label, "incident page throughput vs small lookups", pages.per_second, "our small lookups",
                        lookups_beside_pages.per_second, "req/s", "≥ 0.5×", 0.5,
                        note=f"{opts.connections} connections, in turns with the lookups; errors {pages.errors}; "
                             + cold_note(fresh_pages, fresh_lookups)))
        if warm is not None:
            rows.append(Row(label, "incident page throughput, warm vs cold", warm.per_second, "cold pages",
                            pages.per_second, "req/s", "≥ 2×", 2.0,
                            note=f"warm: {WARM_PAGES} pages sent once, then repeated by {opts.connections} "
                                 f"connections for {opts.seconds:.0f} s (the response cache sends them); p95 "
                                 f"{warm.p95_ms:.1f} ms warm, {pages.p95_ms:.1f} ms cold; errors {warm.errors}"))
    else:
        rows.append(Row(label, "incident page", None, "—", None, "ms", "p95 ≤ 50 ms; ≥ 0.5× lookups", None,
                        note=f"not measured: /id/incident/<slug> {_answer(page_status)}"))
    if search is not None:
        rows.append(Row(label, "search p95 latency", search.p95_ms, "—", None, "ms", "≤ 100 ms", None,
                        absolute_ok=search.p95_ms <= 100,
                        note=f"{search.requests} searches of {len(search_terms)} queries (words of a label, prefixes, "
                             f"one to three words), each once (cold), one client; p50 {search.p50_ms:.1f} ms; "
                             f"first answer after {index_wait:.1f} s"))
    else:
        rows.append(Row(label, "search p95 latency", None, "—", None, "ms", "≤ 100 ms", None,
                        note=f"not measured: /search {_answer(search_status)}"))
    rows.append(Row(label, "serve resident memory", serve_rss, "—", None, "MB", "< 1024 MB", None,
                    absolute_ok=serve_rss < 1024,
                    note=f"server and its query worker processes, after the load tests; peak {serve_peak:.0f} MB; "
                         f"proportional set size (shared pages counted once) {serve_pss:.0f} MB"))

    return rows


def run_suite(opts: Options, log: Callable[[str], None] = print) -> list[Row]:
    name = opts.corpus.name
    rows: list[Row] = []
    opts.work.mkdir(parents=True, exist_ok=True)
    if "derived" in opts.parts:  # its own timed build and store (sahel_kg.devtools.bench_derived)
        results = opts.results
        rows += derived_rows(opts.corpus, opts.work, lambda d: corpus_label(name, d), ANALYTIC_QUERY,
                             opts.analytic_budget, log,
                             keep=(lambda early: append_results(results, early)) if results else (lambda early: None),
                             with_validation=opts.derived_with_validation)
        if opts.parts == {"derived"}:
            return rows
    pointer = opts.work / f"store-{name}" / "store"
    pointer.parent.mkdir(parents=True, exist_ok=True)

    if "load" in opts.parts:
        store_dir, load = load_rows(opts, pointer, log)
        rows += load
    else:  # the store a previous run's load part built
        found = current_store_dir(pointer)
        if found is None:
            raise SystemExit(f"no store at {pointer}: run the load part first")
        store_dir = found
    label = corpus_label(name, store_dir)
    for row in rows:
        row.corpus = label
    loaded, virtuoso_rows = virtuoso_load(opts, label, store_dir, rows, log)
    rows += virtuoso_rows
    if "stacks" in opts.parts:  # the same app on several HTTP stacks (sahel_kg.devtools.bench_stacks)
        lookups = [LOOKUP_TEMPLATE.format(iri=i) for i in sample_incidents(store_dir, n=COLD_SAMPLE)]
        rows += stack_rows(label, opts.corpus, pointer, store_dir, lookups, seconds=opts.seconds,
                           connections=opts.connections, work=opts.work, env=OUR_SERVER_ENV, log=log)
    if "servers" in opts.parts or "pages" in opts.parts:
        rows += server_rows(opts, label, pointer, store_dir, log, with_peer="servers" in opts.parts,
                            virtuoso=loaded if "servers" in opts.parts else None)
    if opts.small_corpus is not None and "servers" in opts.parts:
        rows += rdflib_endpoint_rows(opts)
    if not opts.skip_validation and "validation" in opts.parts:
        rows += validation_rows(opts, label, pointer)
    return rows


def virtuoso_load(opts: Options, label: str, store_dir: Path, rows: list[Row],
                  log: Callable[[str], None]) -> tuple[bench_virtuoso.Loaded | None, list[Row]]:
    """Virtuoso's database for this corpus: bulk-loaded by the load part (or by the servers part when
    no earlier run loaded it); None, and a row that says why, when Virtuoso cannot run here."""
    if not opts.virtuoso or not ({"load", "servers"} & opts.parts):
        return None, []
    reason = bench_virtuoso.unavailable()
    if reason:
        log(f"[{opts.corpus.name}] Virtuoso skipped: {reason}")
        return None, [bench_virtuoso.unavailable_row(label, reason)]
    loaded = None if "load" in opts.parts else bench_virtuoso.previously_loaded(opts.corpus, opts.work)
    if loaded is not None:
        return loaded, []
    loaded = bench_virtuoso.load(opts.corpus, opts.work, cap_gb=opts.virtuoso_memory_gb, log=log)
    ours = next((r.ours for r in rows if r.metric == "build/load throughput"), None)
    row = bench_virtuoso.load_row(label, loaded, ours_triples=file_triples(store_dir), ours_per_second=ours)
    if row.met != "met":
        log(f"[{opts.corpus.name}] ERROR: Virtuoso's load differs from ours: {row.note}")
    return loaded, [row]


def _parts(text: str) -> frozenset[str]:
    parts = frozenset(p.strip() for p in text.split(",") if p.strip())
    unknown = parts - set(PARTS)
    if unknown or not parts:
        raise SystemExit(f"--parts takes some of {', '.join(PARTS)}; not {', '.join(sorted(unknown)) or 'nothing'}")
    return parts


def rdflib_endpoint_rows(opts: Options) -> list[Row]:
    """Small lookups through our server vs rdflib-endpoint, on the small corpus (rdflib holds it in memory)."""
    assert opts.small_corpus is not None
    name = opts.small_corpus.name
    if not (VENV_BIN / "rdflib-endpoint").exists():  # an optional extra: its absence must not lose the run's rows
        return [Row(name, "small SPARQL lookups", None, "rdflib-endpoint", None, "req/s", "≥ 5×", 5.0,
                    note="not measured: rdflib-endpoint is not installed (.venv/bin/pip install -e '.[bench]')")]
    pointer = opts.work / f"store-{name}" / "store"
    pointer.parent.mkdir(parents=True, exist_ok=True)
    store_dir, _s, triples = build_for_bench(opts.small_corpus, pointer)
    lookups = [LOOKUP_TEMPLATE.format(iri=i) for i in sample_incidents(store_dir)]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [str(VENV_BIN / "sahel-kg"), "--root", str(opts.small_corpus), "serve", "--store", str(pointer),
           "--host", "127.0.0.1", "--port", str(port)]
    with server(cmd, f"{base}/sparql?query=ASK%7B%7D", log=opts.work / f"serve-{name}.log", env=NO_CACHE_ENV):
        ours = load_test(base, sparql_paths("/sparql", lookups), accept=JSON, seconds=opts.seconds,
                         connections=opts.connections, workdir=opts.work)
    files = [str(f.path) for f in turtle_files(opts.small_corpus) if f.kind == "data"]
    merged = opts.work / f"{name}-merged.nt"
    merge = pyoxigraph.Store()
    for f in files:
        merge.bulk_load(path=f, format=pyoxigraph.RdfFormat.TURTLE)
    merge.dump(str(merged), format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    rport = free_port()
    rbase = f"http://127.0.0.1:{rport}"
    rcmd = [str(VENV_BIN / "rdflib-endpoint"), "serve", str(merged), "--host", "127.0.0.1", "--port", str(rport)]
    # rdflib-endpoint's command serves its SPARQL endpoint at "/".
    with server(rcmd, f"{rbase}/?query=ASK%7B%7D", log=opts.work / f"rdflib-endpoint-{name}.log"):
        peer = load_test(rbase, sparql_paths("/", lookups), accept=JSON, seconds=opts.seconds,
                         connections=opts.connections, workdir=opts.work)
    return [Row(f"{name} ({triples:,} triples)", "small SPARQL lookups", ours.per_second, "rdflib-endpoint",
                peer.per_second, "req/s", "≥ 5×", 5.0,
                note=f"small corpus: rdflib-endpoint holds the graph in memory (the same triples, merged into one "
                     f"N-Triples file); errors {ours.errors}/{peer.errors}")]


def validation_rows(opts: Options, label: str, pointer: Path) -> list[Row]:
    """Batched full validation (bounded in time; peak memory) and one-file re-validation, in subprocesses."""
    rows = []
    full = _run_json([sys.executable, "-m", "sahel_kg.devtools.bench", "validate-full", str(opts.corpus),
                      str(opts.validation_budget), str(pointer)], timeout=opts.validation_budget + 900)
    complete = full.get("complete")
    rows.append(Row(label, "full SHACL validation, peak memory", full.get("peak_mb"), "—", None, "MB", "< 4096 MB", None,
                    absolute_ok=full.get("peak_mb", 1e9) < 4096,
                    note=(f"complete in {full['seconds']:.0f} s" if complete else
                          f"stopped after {full['seconds']:.0f} s at {full['subjects']:,} of {full['total_subjects']:,} subjects "
                          f"(~{full['subjects'] / max(full['seconds'], 1e-9):.0f} subjects/s; full run ≈ "
                          f"{full['total_subjects'] / max(full['subjects'], 1) * full['seconds'] / 60:.0f} min)")
                         + f"; cross-file rule on the store {full['cross_file_seconds']:.1f} s; "
                           f"{full.get('violations', 0)} violations"))
    again = _run_json([sys.executable, "-m", "sahel_kg.devtools.bench", "revalidate", str(opts.corpus), str(pointer)],
                      timeout=600)
    rows.append(Row(label, "re-validation after one source file changes", again.get("seconds"), "—", None, "s",
                    "< 2 s", None, absolute_ok=again.get("seconds", 1e9) < 2,
                    note=f"including opening the store and parsing shapes; {again.get('violations', '?')} violations"))
    return rows


def _run_json(cmd: list[str], *, timeout: float) -> dict[str, Any]:
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    found: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return found


def _validate_full(root: Path, budget: float, pointer: Path) -> dict[str, Any]:
    """Batched validation of a whole corpus against its built store (the build loads the store
    first and validates with it, so loading is not counted here); stops after ``budget`` seconds."""
    from sahel_kg.curation.validate_batched import (
        Context,
        batches,
        cross_file_violations,
        data_files,
        load_context,
        peak_rss_mb,
        validate_batch,
    )
    from sahel_kg.store.ondisk import open_read_only

    start = time.perf_counter()
    store = open_read_only(pointer)
    ctx: Context = load_context(root, store)
    files = data_files(root)
    total = sum(1 for _label, p in files for line in open(p, encoding="utf-8") if line.rstrip("\n") == ".")
    subjects = violations = 0
    for batch in batches(files):
        outcome = validate_batch(batch, ctx)
        violations += len(outcome.violations) + len(outcome.problems)
        subjects += batch.subjects
        if time.perf_counter() - start > budget:
            break
    batches_seconds = time.perf_counter() - start
    cross_start = time.perf_counter()
    violations += len(cross_file_violations(store))
    cross_seconds = time.perf_counter() - cross_start
    return {"seconds": batches_seconds, "cross_file_seconds": cross_seconds, "subjects": subjects,
            "total_subjects": total, "complete": subjects >= total, "violations": violations,
            "peak_mb": peak_rss_mb()}


def _revalidate(root: Path, pointer: Path) -> dict[str, Any]:
    from sahel_kg.curation.validate_batched import revalidate_file
    from sahel_kg.store.ondisk import open_read_only

    source = next((root / "data" / "ttl" / "sources").glob("*.ttl"))
    with tempfile.TemporaryDirectory() as tmp:
        changed = Path(tmp) / "changed.ttl"
        changed.write_text(source.read_text().replace('"@en ;', ' (revised)"@en ;', 1))
        start = time.perf_counter()
        store = open_read_only(pointer)
        # Validate the changed text as the file it replaces (the same named graph).
        backup = source.read_bytes()
        try:
            source.write_bytes(changed.read_bytes())
            report = revalidate_file(root, source, store)
        finally:
            source.write_bytes(backup)
    return {"seconds": time.perf_counter() - start, "violations": len(report.violations)}


def install_bench_deps() -> None:
    """The bench's own set-up: ``scripts/install-bench-deps.sh`` (Virtuoso and wrk from Debian's packages,
    as root; otherwise it says what to run, and Virtuoso's rows say why they are missing)."""
    script = project_root() / "scripts" / "install-bench-deps.sh"
    if script.exists():
        subprocess.run(["sh", str(script)], check=False)


#: The subcommands main() takes before its options, and the arguments each needs.
SUBCOMMANDS = {"validate-full": "ROOT SECONDS POINTER", "render": "RESULTS MARKDOWN", "recover": "MARKDOWN RESULTS",
               "revalidate": "ROOT POINTER"}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    usage = SUBCOMMANDS.get(argv[0]) if argv else None
    if usage is not None and len(argv) != len(usage.split()) + 1:
        raise SystemExit(f"usage: bench.py {argv[0]} {usage}")
    if argv[:1] == ["validate-full"]:
        print(json.dumps(_validate_full(Path(argv[1]), float(argv[2]), Path(argv[3]))))
        return 0
    if argv[:1] == ["render"]:  # render RESULTS MARKDOWN: the tables again, the text above them kept
        results, markdown = Path(argv[1]), Path(argv[2])
        markdown.write_text(render_markdown(results, preamble=kept_preamble(markdown)))
        return 0
    if argv[:1] == ["recover"]:  # recover MARKDOWN RESULTS: the page's rows into a results file that lacks them
        print(f"{recover_results(Path(argv[1]), Path(argv[2]))} rows recovered", file=sys.stderr)
        return 0
    if argv[:1] == ["revalidate"]:
        print(json.dumps(_revalidate(Path(argv[1]), Path(argv[2]))))
        return 0
    p = argparse.ArgumentParser(prog="bench", description="Benchmark the server against its peers.",
                                epilog="also: bench.py recover MARKDOWN RESULTS (a page's rows back into a results "
                                       "file), bench.py render RESULTS MARKDOWN (the tables again from a results file)")
    p.add_argument("--corpus", type=Path, required=True, help="a corpus root written by `sahel-kg synth`")
    p.add_argument("--small-corpus", type=Path, default=None, help="a small corpus for the rdflib-endpoint comparison")
    p.add_argument("--seconds", type=float, default=10, help="duration of each load test (default 10)")
    p.add_argument("--connections", type=int, default=8, help="concurrent connections of the load generator")
    p.add_argument("--work", type=Path, default=Path("var/bench/work"), help="scratch directory for stores and logs")
    p.add_argument("--results", type=Path, default=Path("var/bench/results.jsonl"), help="results file to append to")
    p.add_argument("--markdown", type=Path, default=None, help="write the tables of all results here (e.g. docs/benchmarks.md)")
    p.add_argument("--preamble", type=Path, default=None, help="text placed above the tables (default: the text already above them)")
    p.add_argument("--skip-load-peer", action="store_true", help="do not run `oxigraph load`")
    p.add_argument("--skip-validation", action="store_true", help="do not measure SHACL validation")
    p.add_argument("--skip-reference-load", action="store_true", help="do not load the one-file N-Quads reference")
    p.add_argument("--analytic-budget", type=float, default=300, help="seconds for the analytic query's runs, per server (0: do not run it)")
    p.add_argument("--parts", default=",".join(DEFAULT_PARTS),
                   help="what to measure, comma-separated among load, servers, pages, validation, derived, stacks "
                        "(default: all but derived and stacks); "
                        "without load, the store an earlier run built for this corpus is used")
    p.add_argument("--search-index-budget", type=float, default=1800,
                   help="seconds to wait for /search to answer first (its index may be built then)")
    p.add_argument("--analytic-timeout", type=float, default=900,
                   help="seconds one run of the analytic query may take (a run begun within the budget may end past it)")
    p.add_argument("--skip-virtuoso", action="store_true", help="do not measure Virtuoso and our server over it")
    p.add_argument("--virtuoso-memory-gb", type=float, default=4.0,
                   help="most memory Virtuoso's page cache is sized from (default 4; it takes 2/3 of this or of the "
                        "free memory, whichever is less; 0: no cap)")
    p.add_argument("--validation-budget", type=float, default=120, help="seconds of batched validation at most")
    p.add_argument("--derived-with-validation", action="store_true",
                   help="the derived part also times the build's whole-graph validation and search index, for the "
                        "derived step's share of `sahel-kg build` as curators run it (minutes at 20k, hours at 210k)")
    args = p.parse_args(argv)
    if not args.skip_virtuoso:
        install_bench_deps()
    rows = run_suite(Options(args.corpus.resolve(), args.small_corpus.resolve() if args.small_corpus else None,
                             args.seconds, args.connections, args.work.resolve(), args.skip_load_peer,
                             args.skip_validation, args.validation_budget, args.skip_reference_load,
                             args.analytic_budget, args.search_index_budget, _parts(args.parts),
                             not args.skip_virtuoso, args.virtuoso_memory_gb or None, args.analytic_timeout,
                             args.results, args.derived_with_validation),
                     log=lambda m: print(m, file=sys.stderr, flush=True))
    append_results(args.results, rows)
    for r in rows:
        print(f"{r.corpus} | {r.metric} | {_fmt(r.ours, r.unit)} vs {r.peer_name} {_fmt(r.peer, r.unit)} {r.unit} | {r.met}")
    if args.markdown:
        preamble = args.preamble.read_text() if args.preamble else kept_preamble(args.markdown)
        args.markdown.write_text(render_markdown(args.results, preamble=preamble))
    return 0


if __name__ == "__main__":
    sys.exit(main())
