"""What the derived summaries cost the build, and what they save the questions that use them.

Part ``derived`` of ``scripts/bench.py`` (issue 15's benchmarks):

- **build**: the corpus loaded the way ``sahel-kg build`` loads it
  (:func:`sahel_kg.curation.build.load_files`, validation aside), its steps
  timed apart: bulk load, derivation (the rules of ``ontology/rules``),
  compaction. With the derived step against without it is
  (load + derive + compact) ÷ (load + compact) of the same run; target ≤ 1.15.
- **queries**: every shipped example query on ``oxigraph serve-read-only
  --union-default-graph`` over that store, and beside the ones rewritten to
  read the summaries, the same question asked of the raw claims (the
  example as written before, ``devtools/raw_queries/``, and the benchmark's
  analytic query); target < 1 s each. Median of up to 3 runs after a warm-up;
  a query whose warm-up takes more than a third of its budget is timed once.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from sahel_kg.curation.build import load_files
from sahel_kg.derive.rules import load_rules
from sahel_kg.devtools.measure import JSON, VENV_BIN, Row, free_port, server
from sahel_kg.devtools.synthetic import copy_schema
from sahel_kg.namespaces import ENTITY_BASE, SHG
from sahel_kg.pages.examples import example_queries
from sahel_kg.project import build_inputs, project_root, turtle_files
from sahel_kg.store.ondisk import inputs_hash

RAW_DIR = Path(__file__).with_name("raw_queries")
SUMMARY_PREFIXES = """PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
PREFIX ctype: <https://w3id.org/sahel-harm/vocab/count-type/>
"""
#: The benchmark's analytic question (incidents whose claimed tolls disagree, widest first) on the summaries.
ANALYTIC_ON_SUMMARIES = SUMMARY_PREFIXES + """SELECT ?incident ?claims ?lowest ?highest
WHERE {
  ?summary shg:summarises ?incident ; shg:claimCount ?claims ; shg:killedLowest ?lowest ; shg:killedHighest ?highest .
  FILTER(?highest > ?lowest)
}
ORDER BY DESC(?highest - ?lowest) ?incident
LIMIT 100"""


def raw_forms(analytic_raw: str) -> dict[str, str]:
    """Question → its form on the raw claims, for the questions the summaries answer."""
    forms = {p.stem: p.read_text(encoding="utf-8") for p in sorted(RAW_DIR.glob("*.rq"))}
    return {**forms, "analytic (disagreeing tolls)": analytic_raw}


def rule_seconds(phases: dict[str, float]) -> str:
    """Each rule's seconds, slowest first: ``grade 8.2 s, summary-killed 4.9 s, …``."""
    rules = sorted(((k.removeprefix("rule "), v) for k, v in phases.items() if k.startswith("rule ")),
                   key=lambda item: -item[1])
    return ", ".join(f"{stem} {seconds:.1f} s" for stem, seconds in rules) or "no rule"


def timed_build(corpus: Path, work: Path) -> dict[str, float]:
    """Load the corpus with the derived step into a store under ``work``; seconds of each step.

    The corpus's ontology and shapes are first copied afresh from this checkout (a corpus written before
    a rule was added would otherwise time a derivation without it). Raises SystemExit when there is
    still no rule to run, since a derived step of 0 s would flatter the row.
    """
    copy_schema(corpus, project_root())
    rules = load_rules(corpus)
    if not rules:
        raise SystemExit(f"{corpus}: no derivation rule under ontology/rules; nothing to time")
    phases: dict[str, float] = {}
    files = turtle_files(corpus)
    digest = inputs_hash(corpus, build_inputs(corpus, files))
    load_files(work / "store-derived", files, rules, digest, phases=phases)
    return phases


@dataclass(frozen=True)
class Timing:
    """A query's median seconds (None when it failed or outlasted the budget) and its rows (None when unknown)."""

    seconds: float | None
    rows: int | None = None


def latency(url: str, query: str, budget: float) -> Timing:
    """Median seconds of a query (see the module's note), with the rows of its first answer."""
    import httpx

    times: list[float] = []
    spent = 0.0
    rows: int | None = None
    with httpx.Client(timeout=budget) as client:
        for run in range(4):
            started = time.perf_counter()
            try:
                answer = client.get(url, params={"query": query}, headers={"Accept": JSON})
                ok = answer.status_code == 200
            except httpx.HTTPError:
                ok = False
            took = time.perf_counter() - started
            spent += took
            if not ok:
                return Timing(None)
            if rows is None:
                rows = len(answer.json().get("results", {}).get("bindings", []))
            if run > 0:
                times.append(took)
            elif took > budget / 3:
                return Timing(took, rows)
            if spent > budget:
                break
    return Timing(statistics.median(times) if times else None, rows)


#: A place the shipped examples are about (their text names it), when it may hold no incident of a synthetic corpus.
EXAMPLE_PLACES = ("place:amassine", "place:kidal-region")
#: The place of a precision (village, region, …) with the most incidents within it.
BUSIEST_PLACE = """PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
SELECT ?area (COUNT(?incident) AS ?incidents)
WHERE {
  ?area shg:placePrecision <%s> .
  ?own geo:sfWithin* ?area .
  ?incident sem:hasPlace ?own .
}
GROUP BY ?area ORDER BY DESC(?incidents) LIMIT 1"""
HAS_INCIDENT_WITHIN = """PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX place: <https://w3id.org/sahel-harm/id/place/>
ASK { { SELECT ?place WHERE { ?place geo:sfWithin* %s } } ?incident sem:hasPlace ?place }"""


def curated_precision(name: str) -> str | None:
    """The ``shg:placePrecision`` IRI of a place of the checkout's curated data (``place:slug``), or None."""
    iri = ENTITY_BASE + "place/" + name.removeprefix("place:")
    found = pyoxigraph.Store()
    found.load(path=str(project_root() / "data" / "ttl" / "places.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    for quad in found.quads_for_pattern(pyoxigraph.NamedNode(iri), pyoxigraph.NamedNode(SHG + "placePrecision"), None):
        if isinstance(quad.object, pyoxigraph.NamedNode):
            return quad.object.value
    return None


def with_busiest_place(url: str, sparql: str) -> tuple[str, str]:
    """The example as run on a corpus: a place it names that holds no incident there (a synthetic corpus has
    its own places) stands replaced by the busiest place of its precision (the village with the most
    incidents for a village, the busiest region for a region), so that no example is timed on an empty
    answer; with a note saying so ("" when nothing was replaced)."""
    import httpx

    for name in EXAMPLE_PLACES:
        if name not in sparql:
            continue
        answer = httpx.get(url, params={"query": HAS_INCIDENT_WITHIN % name}, headers={"Accept": JSON}, timeout=300)
        if answer.json().get("boolean"):
            continue
        precision = curated_precision(name)
        if precision is None:
            continue
        found = httpx.get(url, params={"query": BUSIEST_PLACE % precision}, headers={"Accept": JSON},
                          timeout=600).json()
        rows = found["results"]["bindings"]
        if rows:
            area = rows[0]["area"]["value"]
            return sparql.replace(name, f"<{area}>"), f"{name} holds no incident here: run on {area.rsplit('/', 1)[-1]}, " \
                                                       f"the busiest place of its precision ({rows[0]['incidents']['value']} incidents within)"
    return sparql, ""


def whole_build_row(label: str, corpus: Path, store: Path, phases: dict[str, float]) -> Row:
    """The derived step's share of ``sahel-kg build`` as a curator runs it: the build's validation
    (:func:`sahel_kg.curation.build.check`, whole-graph SHACL) and search index timed on the same corpus
    and store, added to the load, derivation and compaction of the same run."""
    from sahel_kg.curation.build import check
    from sahel_kg.search.index import ensure_store_index

    started = time.perf_counter()
    conforms, _report = check(corpus)
    validation = time.perf_counter() - started
    started = time.perf_counter()
    ensure_store_index(store)
    index = time.perf_counter() - started
    without = validation + phases["load"] + phases["compact"] + index
    with_derived = without + phases["derive"]
    return Row(label, "sahel-kg build time with the derived step, validation and search index included",
               with_derived, "the same build without it", without, "s", "≤ 1.15×", None,
               absolute_ok=with_derived <= 1.15 * without,
               note=f"one run: validation {validation:.1f} s ({'conforms' if conforms else 'violations found'}), "
                    f"bulk load {phases['load']:.1f} s, derive {phases['derive']:.1f} s, compaction "
                    f"{phases['compact']:.1f} s, search index {index:.1f} s")


def derived_rows(corpus: Path, work: Path, label_of: Callable[[Path], str], analytic_raw: str, budget: float,
                 log: Callable[[str], None], keep: Callable[[list[Row]], None] = lambda rows: None, *,
                 with_validation: bool = False) -> list[Row]:
    """The build-cost row and one row per example query (with its raw form where there is one);
    ``label_of`` names the corpus's table from the store built here; ``keep`` is given the build row
    as soon as it is measured (a long run that is stopped still leaves it)."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(dir=work) as scratch:
        log(f"[{corpus.name}] build with the derived step, timed by step")
        phases = timed_build(corpus, Path(scratch))
        label = label_of(Path(scratch) / "store-derived")
        with_derived = phases["load"] + phases["derive"] + phases["compact"]
        without = phases["load"] + phases["compact"]
        rows.append(Row(label, "build time with the derived step", with_derived, "build without it", without, "s",
                        "≤ 1.15×", None, absolute_ok=with_derived <= 1.15 * without,
                        note=f"one run, steps timed apart: bulk load {phases['load']:.1f} s, derive "
                             f"{phases['derive']:.1f} s ({rule_seconds(phases)}), compaction {phases['compact']:.1f} s; "
                             "validation and the search index not included"))
        log(f"[{corpus.name}] {rows[-1].note}")
        keep(rows[-1:])
        if with_validation:  # whole-graph SHACL: minutes at 20k incidents, hours at 210k
            log(f"[{corpus.name}] the build's validation and search index, timed")
            rows.append(whole_build_row(label, corpus, Path(scratch) / "store-derived", phases))
            log(f"[{corpus.name}] {rows[-1].note}")
            keep(rows[-1:])
        port = free_port()
        cmd = [str(VENV_BIN / "oxigraph"), "serve-read-only", "--location", str(Path(scratch) / "store-derived"),
               "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
        url = f"http://127.0.0.1:{port}/query"
        raw = raw_forms(analytic_raw)
        questions = [(q.slug, q.sparql) for q in example_queries()]
        questions.append(("analytic (disagreeing tolls)", ANALYTIC_ON_SUMMARIES))
        with server(cmd, url + "?query=ASK%7B%7D", log=work / f"oxigraph-derived-{corpus.name}.log"):
            for slug, shipped in questions:
                log(f"[{corpus.name}] {slug}")
                sparql, stand_in = with_busiest_place(url, shipped)
                ours = latency(url, sparql, budget)
                peer = latency(url, raw[slug], budget) if slug in raw else Timing(None)
                rows.append(Row(label, f"example query {slug}, latency" if slug in {q.slug for q in example_queries()}
                                else f"{slug} on the summaries, latency",
                                ours.seconds, "same question on the raw claims" if slug in raw else "—", peer.seconds,
                                "s", "< 1 s", None, absolute_ok=None if ours.seconds is None else ours.seconds < 1,
                                note="Oxigraph server (serve-read-only, union default graph) on the built store; "
                                     + ("reads the derived summaries" if "summarises" in sparql else "raw claims only")
                                     + (f"; {ours.rows} rows" if ours.rows is not None else "")
                                     + (f" (raw form: {peer.rows})" if peer.rows is not None else "")
                                     + (f"; {stand_in}" if stand_in else "")
                                     + ("" if ours.seconds is not None and (peer.seconds is not None or slug not in raw)
                                        else f"; a form failed or took over {budget:.0f} s")))
    return rows
