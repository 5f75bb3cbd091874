"""Benchmark of ``sahel-kg import ucdp-ged``: a synthetic GED-shaped file, its import's rows/s and peak memory.

    .venv/bin/python scripts/bench_import.py --rows 300000

writes ``var/bench/import/GEDEvent_v99_1.csv`` (UCDP GED's 49 columns, made-up
rows: :func:`write_ged`), copies the checkout's ontology, shapes and curated
data to a scratch project, and times two imports there in a child process:
the first (everything written) and a re-import of the same file (every
record compared, nothing written). Peak memory is the child's maximum
resident set size (``getrusage``). Results are appended to
``var/bench/results.jsonl`` and printed as table rows for docs/benchmarks.md
("Importing coded datasets"). Targets (issue: coded datasets): under 5 minutes
and under 2 GB for 300,000 rows.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from sahel_kg.curation.imports.datasets import GED
from sahel_kg.devtools.bench_results import append_results
from sahel_kg.devtools.measure import VENV_BIN, Row
from sahel_kg.project import project_root

TARGET_SECONDS, TARGET_MB = 300.0, 2048.0
REGIONS = ("Kidal region", "Gao region", "Timbuktu region", "Mopti region", "Segou region", "Menaka region")


def write_ged(path: Path, rows: int, seed: int = 1) -> Path:
    """``rows`` made-up rows in UCDP GED's column layout; the same seed gives the same bytes.

    Shapes like a GED extract for Mali: ~2,000 locations in Mali's bounding
    box, ~300 sides, 1989–2024, the three types of violence, death tolls whose
    low ≤ best ≤ high and whose breakdown adds up to best.
    """
    rng = random.Random(seed)
    places = [(f"Locality {i}", rng.choice(REGIONS), round(rng.uniform(11.0, 24.0), 4),
               round(rng.uniform(-11.0, 4.0), 4)) for i in range(2000)]
    sides = [(str(10_000 + i), f"Armed group {i}") for i in range(300)]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(GED.columns))
        writer.writeheader()
        for n in range(rows):
            writer.writerow(_row(rng, n, places, sides))
    return path


def _row(rng: random.Random, n: int, places: list[tuple[str, str, float, float]],
         sides: list[tuple[str, str]]) -> dict[str, str]:
    violence = rng.choice("1123")
    start = date(1989, 1, 1) + timedelta(days=rng.randrange(0, 36 * 365))
    precision = rng.choice("1111223445")
    end = start + timedelta(days={"1": 0, "2": 4, "3": 6, "4": 20, "5": 200}[precision])
    location, region, lat, lon = rng.choice(places)
    side_a = ("432", "Government of Mali") if violence == "1" else rng.choice(sides)
    side_b = ("1", "Civilians") if violence == "3" else rng.choice(sides)
    deaths = [rng.choice((0, 0, 1, 2, 3, 5, 8)) for _ in range(4)]
    if violence == "3":
        deaths[0], deaths[1] = 0, 0
    best = sum(deaths)
    low, high = max(0, best - rng.randrange(0, 3)), best + rng.randrange(0, 6)
    row = dict.fromkeys(GED.columns, "")
    row.update(
        id=str(5_000_000 + n), relid=f"SYN-{start.year}-{violence}-{n}", year=str(start.year), active_year="1",
        code_status="Clear", type_of_violence=violence, side_a_new_id=side_a[0], side_a=side_a[1],
        side_b_new_id=side_b[0], side_b=side_b[1], number_of_sources="1",
        source_article=f"Synthetic Wire {n % 97}, {start.isoformat()}", where_prec=rng.choice("1112234"),
        where_coordinates=location, adm_1=region, latitude=str(lat), longitude=str(lon), country="Mali",
        country_id="432", region="Africa", event_clarity="1", date_prec=precision,
        date_start=f"{start.isoformat()} 00:00:00.000", date_end=f"{end.isoformat()} 00:00:00.000",
        deaths_a=str(deaths[0]), deaths_b=str(deaths[1]), deaths_civilians=str(deaths[2]),
        deaths_unknown=str(deaths[3]), best=str(best), high=str(high), low=str(low),
    )
    return row


def scratch_project(work: Path) -> Path:
    """A copy of the checkout's ontology, shapes and curated data (no imports) to import into."""
    root, here = work / "project", project_root()
    shutil.rmtree(root, ignore_errors=True)
    for folder in ("ontology", "shapes"):
        shutil.copytree(here / folder, root / folder)
    shutil.copytree(here / "data" / "ttl", root / "data" / "ttl", ignore=shutil.ignore_patterns("imports"))
    shutil.copy(here / "pyproject.toml", root / "pyproject.toml")
    return root


def timed_import(root: Path, csv_path: Path) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak resident MB, exit status) of one ``sahel-kg import ucdp-ged`` in a child
    process. CPU seconds say what the import costs when the machine is shared (wall time then includes waiting)."""
    started = time.perf_counter()
    child = subprocess.Popen([str(VENV_BIN / "sahel-kg"), "--root", str(root), "import", "ucdp-ged", str(csv_path)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    return (time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
            os.waitstatus_to_exitcode(status))


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=300_000, help="rows of the synthetic GED file (default 300000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--work", type=Path, default=Path("var/bench/import"), help="scratch folder")
    p.add_argument("--results", type=Path, default=Path("var/bench/results.jsonl"))
    opts = p.parse_args(argv)
    csv_path = opts.work / "GEDEvent_v99_1.csv"
    started = time.perf_counter()
    write_ged(csv_path, opts.rows, opts.seed)
    print(f"wrote {opts.rows:,} rows ({csv_path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)
    root = scratch_project(opts.work)
    corpus = f"ged-synthetic-{opts.rows // 1000}k"
    rows: list[Row] = []
    for label in ("first import", "re-import, unchanged"):
        seconds, cpu, peak, status = timed_import(root, csv_path)
        if status != 0:
            print(f"{label}: the import exited {status}", file=sys.stderr)
            return 1
        note = f"{seconds:.0f} s wall, {cpu:.0f} s CPU ({opts.rows / cpu:,.0f} rows per CPU second); peak {peak:,.0f} MB"
        rows += [Row(corpus, f"import ucdp-ged, {label}: rows/s", opts.rows / seconds, "—", None, "rows/s",
                     f"all rows in < {TARGET_SECONDS:.0f} s", None, note, seconds < TARGET_SECONDS),
                 Row(corpus, f"import ucdp-ged, {label}: peak memory", peak, "—", None, "MB",
                     f"< {TARGET_MB:,.0f} MB", None, note, peak < TARGET_MB)]
        print(f"| {label} | {opts.rows:,} | {seconds:.0f} s | {cpu:.0f} s | {opts.rows / seconds:,.0f} rows/s | "
              f"{peak:,.0f} MB |")
    size = sum(f.stat().st_size for f in (root / "data" / "ttl" / "imports" / "ucdp-ged").iterdir())
    print(f"output: {size / 1e6:.0f} MB in data/ttl/imports/ucdp-ged/", file=sys.stderr)
    append_results(opts.results, rows)
    return 0
