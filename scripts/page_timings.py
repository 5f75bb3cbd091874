"""Time how long each kind of page takes to build and render, in process, over a built store.

Usage: python scripts/page_timings.py STORE [--per-kind 5] [--repeat 3] [--incidents 200] [--markdown]

STORE is a store pointer (as written by ``sahel-kg build``), opened read-only.
For every page kind a few entities are picked from the store (for actors and
sources the ones with the most claims among them, since those pages are the
heaviest), each page is built ``--repeat`` times, and the table gives the
median and 95th percentile per kind, the slowest entity and the most queries
one page asked. An entity page is timed as the HTML branch of dereferencing
serves it: its description, the view built from it, the template; home and
browse pages as their routes build them. ``--incidents N`` adds a row of N
incident pages picked at random, each built once (what a crawler sees), and
``--only`` times some kinds alone. The home page is timed twice: its first
build for a store (its figures read) and later ones (remembered).
``--markdown`` prints only the table, for ``docs/page-timings.md``.

Timings are wall-clock on a shared machine; run before and after a change
back to back and compare orders of magnitude.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from sahel_kg.linked_data.describe import describe  # noqa: E402
from sahel_kg.links import Links  # noqa: E402
from sahel_kg.namespaces import BASE, PREFIXES  # noqa: E402
from sahel_kg.pages import lists as listing  # noqa: E402
from sahel_kg.pages.render import entity_page as render_entity  # noqa: E402
from sahel_kg.pages.render import render  # noqa: E402
from sahel_kg.pages.resources import rows  # noqa: E402
from sahel_kg.store.backend import EmbeddedBackend, GraphBackend  # noqa: E402
from sahel_kg.store.cache import forget  # noqa: E402
from sahel_kg.store.ondisk import open_read_only  # noqa: E402

SHG, PROV, SKOS = PREFIXES["shg"], PREFIXES["prov"], PREFIXES["skos"]


class Counting:
    """Counts the queries asked of the backend it wraps (and shares its per-store cache)."""

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


def at_random(backend: GraphBackend, cls: str, n: int, seed: int = 7) -> list[str]:
    """``n`` instances of ``cls`` picked at random (by OFFSET, so a big store is not read whole)."""
    total = int(rows(backend, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{cls}> }}")[0]["n"])
    offsets = random.Random(seed).sample(range(total), min(n, total))
    return [r["s"] for o in offsets for r in rows(backend, f"SELECT ?s WHERE {{ ?s a <{cls}> }} LIMIT 1 OFFSET {o}")]


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


def entity_page(backend: GraphBackend, links: Links, iri: str) -> str:
    """An entity's HTML page as dereferencing serves it: description, view, template."""
    desc = describe(backend, iri, labels=False)
    page = render_entity(backend, links, iri, triples=desc.triples)
    assert page is not None, iri
    return page


def home_page(backend: GraphBackend, links: Links) -> str:
    view = listing.home_view(backend, links)
    return render("home.html", page=view, meta=view.meta)


def browse_page(backend: GraphBackend, links: Links, name: str) -> str:
    view = listing.browse_view(backend, links, name, {})
    return render("browse.html", page=view, meta=view.meta)


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


def jobs_for(backend: GraphBackend, links: Links,
             args: argparse.Namespace) -> dict[str, tuple[list[tuple[str, Callable[[GraphBackend], object]]], int]]:
    """What to time: per row of the table, (name, build) pairs and how many times each is built."""
    def page(iri: str) -> Callable[[GraphBackend], object]:
        return lambda b: entity_page(b, links, iri)

    wanted = lambda kind: not args.only or kind in args.only  # noqa: E731
    jobs = {kind: ([(iri, page(iri)) for iri in iris], args.repeat)
            for kind, iris in samples(backend, args.per_kind).items() if wanted(kind)}
    if args.incidents and wanted("incidents at random"):
        jobs["incidents at random"] = ([(i, page(i)) for i in at_random(backend, SHG + "Incident", args.incidents)], 1)
    if wanted("home"):
        jobs["home, first of a store"] = ([("/", lambda b: (forget(b), home_page(b, links)))], args.repeat)
        jobs["home"] = ([("/", lambda b: home_page(b, links))], args.repeat)
    for name in listing.SPECS:
        if wanted(f"browse {name}"):
            jobs[f"browse {name}"] = ([(f"/browse/{name}", lambda b, name=name: browse_page(b, links, name))],
                                      args.repeat)
    return jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--per-kind", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--incidents", type=int, default=0, help="also time this many random incident pages, once each")
    parser.add_argument("--only", nargs="*", help="page kinds to time (default: all)")
    parser.add_argument("--markdown", action="store_true", help="print the table alone")
    args = parser.parse_args()
    backend = EmbeddedBackend(open_read_only(args.store))
    links = Links("http://localhost:8000/")
    jobs = jobs_for(backend, links, args)
    if not args.markdown:
        triples = int(rows(backend, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])
        print(f"store: {args.store} ({triples:,} triples); {args.repeat} builds per entity\n")
    print("| page | pages | builds | median ms | p95 ms | slowest (ms) | queries |")
    print("|---|---:|---:|---:|---:|---|---:|")
    for kind, (items, repeat) in jobs.items():
        all_times, worst, most = [], ("", 0.0), 0
        for name, build in items:
            times, queries = time_one(build, backend, repeat)
            all_times += times
            most = max(most, queries)
            if max(times) > worst[1]:
                worst = (name.rsplit("/", 1)[-1], max(times))
        print(f"| {kind} | {len(items)} | {len(all_times)} | {statistics.median(all_times):.1f} | {p95(all_times):.1f} "
              f"| {worst[0]} ({worst[1]:.0f}) | {most} |", flush=True)


if __name__ == "__main__":
    main()
