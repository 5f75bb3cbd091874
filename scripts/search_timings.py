"""Build a search index from a store and time searches over it, in process.

Usage:
  python scripts/search_timings.py build STORE OUT.sqlite
  python scripts/search_timings.py query OUT.sqlite [--queries 500] [--seed 1]

``build`` opens STORE (a store pointer or store directory) read-only, writes
its search index to OUT.sqlite (never inside the store) and prints the time
taken and this process's peak resident memory.

``query`` samples queries from the index's own labels (1 to 3 words, whole
words, 2-3 letter prefixes and words that find nothing), runs each once
after a warm-up pass, and prints the median, 95th percentile and maximum, in
all and per sort of query.
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import statistics
import string
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

import pyoxigraph  # noqa: E402

from sahel_kg.search.index import build_index_file, tokens  # noqa: E402
from sahel_kg.search.search import SearchIndex  # noqa: E402
from sahel_kg.store.backend import EmbeddedBackend  # noqa: E402
from sahel_kg.store.ondisk import current_store_dir  # noqa: E402


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(store: Path, out: Path) -> None:
    directory = current_store_dir(store) if store.is_symlink() else store
    if directory is None:
        sys.exit(f"no store at {store}")
    opened = pyoxigraph.Store.read_only(str(directory))
    started = time.monotonic()
    counts = build_index_file(EmbeddedBackend(opened), out, log=lambda m: print(m, flush=True))
    took = time.monotonic() - started
    print(f"built {out} from {directory.name}: {counts} in {took:.1f} s, "
          f"{out.stat().st_size / 1e6:.0f} MB on disk, peak RSS {peak_rss_mb():.0f} MB")


def sample_queries(path: Path, n: int, rng: random.Random) -> list[tuple[str, str]]:
    """(sort, query) pairs drawn from random labels of the index."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    top = conn.execute("SELECT max(id) FROM entries").fetchone()[0]
    queries: list[tuple[str, str]] = []
    while len(queries) < n:
        row = conn.execute("SELECT text FROM entries WHERE id = ?", (rng.randint(1, top),)).fetchone()
        words = tokens(row[0].lower()) if row else []
        if not words:
            continue
        start = rng.randrange(len(words))
        picked = words[start:start + rng.randint(1, 3)]
        sort = rng.random()
        if sort < 0.1:
            queries.append(("no hit", "".join(rng.choices(string.ascii_lowercase, k=6)) + " " + picked[0]))
        elif sort < 0.3:
            queries.append(("prefix 2-3", picked[0][:rng.randint(2, 3)]))
        elif sort < 0.4:
            queries.append(("whole label", row[0]))
        else:
            queries.append((f"{len(picked)} word{'s' * (len(picked) > 1)}", " ".join(picked)))
    conn.close()
    return queries


def summary(ms: list[float]) -> str:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"n={len(ms):4d}  p50 {statistics.median(ms):7.2f} ms  p95 {p95:7.2f} ms  max {ordered[-1]:7.2f} ms"


def query(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    queries = sample_queries(path, n, rng)
    index = SearchIndex(path)
    for _, q in queries[:50]:  # warm the connection and the page cache a little
        index.search(q)
    timings: dict[str, list[float]] = {}
    measured: list[tuple[float, str]] = []
    hits = 0
    for sort, q in queries:
        started = time.perf_counter()
        found = index.search(q)
        took = (time.perf_counter() - started) * 1000
        timings.setdefault(sort, []).append(took)
        measured.append((took, q))
        hits += bool(found)
    every = [t for t, _ in measured]
    print(f"all          {summary(every)}  ({hits} of {len(queries)} found something)")
    for sort, ts in sorted(timings.items()):
        print(f"{sort:12s} {summary(ts)}")
    slowest = sorted(measured, reverse=True)[:5]
    print("slowest:", "; ".join(f"{q!r} {t:.1f} ms" for t, q in slowest))
    print(f"peak RSS {peak_rss_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("store", type=Path)
    b.add_argument("out", type=Path)
    q = sub.add_parser("query")
    q.add_argument("index", type=Path)
    q.add_argument("--queries", type=int, default=500)
    q.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.command == "build":
        build(args.store, args.out)
    else:
        query(args.index, args.queries, args.seed)


if __name__ == "__main__":
    main()
