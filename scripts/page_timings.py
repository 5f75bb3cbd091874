"""Time how long each kind of page takes to build, in process, over a built store.

Usage: python scripts/page_timings.py STORE [--per-kind 5] [--repeat 3] [--markdown]

STORE is a store pointer (as written by ``sahel-kg build``), opened read-only.
For every page kind a few entities are picked from the store (for actors and
sources the ones with the most claims among them, since those pages are the
heaviest), each page is built ``--repeat`` times (view building only: the
queries and the view objects, not the template), and the table gives the
median and 95th percentile per kind, the slowest entity and the most queries
one page asked.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from sahel_kg import listing, pages  # noqa: E402
from sahel_kg.backend import EmbeddedBackend, GraphBackend  # noqa: E402
from sahel_kg.facts import rows  # noqa: E402
from sahel_kg.namespaces import BASE, PREFIXES  # noqa: E402
from sahel_kg.settings import Settings  # noqa: E402
from sahel_kg.store import open_read_only  # noqa: E402

SHG, PROV, SKOS = PREFIXES["shg"], PREFIXES["prov"], PREFIXES["skos"]


class Counting:
    """Counts the queries asked of the backend it wraps."""

    def __init__(self, backend: GraphBackend) -> None:
        self.backend, self.queries = backend, 0

    def __getattr__(self, name: str) -> object:
        method = getattr(self.backend, name)
        if name in ("select", "construct", "ask"):
            self.queries += 1
        return method


def spread(found: list[str], n: int) -> list[str]:
    """``n`` items spread evenly over ``found``."""
    step = max(1, len(found) // n)
    return found[::step][:n]


def of_type(backend: GraphBackend, cls: str, n: int) -> list[str]:
    found = rows(backend, f"SELECT ?s WHERE {{ ?s a <{cls}> }} LIMIT 500")
    return spread([r["s"] for r in found], n)


def busiest(backend: GraphBackend, pattern: str, n: int) -> list[str]:
    """The ``?x`` bound most often by ``pattern``, then a spread of the rest."""
    found = rows(backend, f"SELECT ?x (COUNT(*) AS ?n) WHERE {{ {pattern} }} GROUP BY ?x ORDER BY DESC(?n)")
    ranked = [r["x"] for r in found]
    return ranked[: (n + 1) // 2] + spread(ranked[(n + 1) // 2:], n // 2)


def samples(backend: GraphBackend, n: int) -> dict[str, list[str]]:
    """Entity IRIs to time, per page kind."""
    return {
        "incident": of_type(backend, SHG + "Incident", n),
        "claim": of_type(backend, SHG + "Claim", n),
        "source": busiest(backend, f"?c <{PROV}wasDerivedFrom> ?x", n),
        "actor": busiest(backend, f"{{ ?c <{PROV}wasAttributedTo> ?x }} UNION {{ ?c <{SHG}allegedPerpetrator> ?x }} "
                                  f"UNION {{ ?c <{SHG}mentions> ?x }}", n),
        "place": busiest(backend, f"?x a <{SHG}Place> OPTIONAL {{ ?y <{PREFIXES['geo']}sfWithin> ?x }}", n),
        "class": [BASE + "ontology/" + c for c in ("Claim", "Incident", "Actor", "Place", "SourceDocument")][:n],
        "concept": busiest(backend, f"?x <{SKOS}inScheme> ?sc . ?c ?p ?x", n),
        "scheme": of_type(backend, SKOS + "ConceptScheme", n),
    }


def time_one(build: Callable[[GraphBackend], object], backend: GraphBackend, repeat: int) -> tuple[list[float], int]:
    times, queries = [], 0
    for _ in range(repeat):
        counting = Counting(backend)
        start = time.perf_counter()
        build(counting)  # type: ignore[arg-type]
        times.append((time.perf_counter() - start) * 1000)
        queries = max(queries, counting.queries)
    return times, queries


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--per-kind", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="page kinds to time (default: all)")
    args = parser.parse_args()
    backend = EmbeddedBackend(open_read_only(args.store))
    settings = Settings(root=ROOT)
    triples = int(rows(backend, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])
    jobs: dict[str, list[tuple[str, Callable[[GraphBackend], object]]]] = {
        kind: [(iri, lambda b, iri=iri: pages.build_view(b, settings, iri)) for iri in iris]
        for kind, iris in samples(backend, args.per_kind).items()
    }
    jobs["home"] = [("/", lambda b: listing.home_view(b, settings))]
    for name in listing.SPECS:
        jobs[f"browse {name}"] = [(f"/browse/{name}", lambda b, name=name: listing.browse_view(b, settings, name, {}))]
    print(f"store: {args.store} ({triples:,} triples); {args.repeat} builds per entity\n")
    print("| page | entities | median ms | p95 ms | slowest (ms) | queries |")
    print("|---|---:|---:|---:|---|---:|")
    for kind, items in jobs.items():
        if args.only and kind not in args.only:
            continue
        all_times, worst, most = [], ("", 0.0), 0
        for name, build in items:
            times, queries = time_one(build, backend, args.repeat)
            all_times += times
            most = max(most, queries)
            if max(times) > worst[1]:
                worst = (name.rsplit("/", 1)[-1], max(times))
        print(f"| {kind} | {len(items)} | {statistics.median(all_times):.0f} | {p95(all_times):.0f} "
              f"| {worst[0]} ({worst[1]:.0f}) | {most} |", flush=True)


if __name__ == "__main__":
    main()
