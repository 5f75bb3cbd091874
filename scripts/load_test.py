"""Load test: a real server on loopback, many connections, a mix of good, bad and runaway work.

    .venv/bin/python scripts/load_test.py [--connections 64] [--seconds 60] [--out docs/load.md]

Builds the store if needed, starts ``uvicorn sahel_kg.serve:app_from_env`` on a
free 127.0.0.1 port, and drives it with an async httpx client: entity lookups,
pages, analytic queries, bad queries, and a few runaway queries (bounded by a
short ``query_timeout``). Counts statuses, reports p50/p99 by kind and the
resident memory of the server and its workers (first third against last
third), and writes a Markdown report. Loopback only; bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PLACE = "https://w3id.org/sahel-harm/id/place/amassine"
MIX: list[tuple[str, float]] = [("lookup", 0.45), ("page", 0.2), ("analytic", 0.2), ("bad", 0.14), ("runaway", 0.01)]
ANALYTIC = ("SELECT ?type (COUNT(?c) AS ?n) WHERE { ?c a shg:Claim ; shg:stance ?type } GROUP BY ?type ORDER BY DESC(?n)")
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def request_for(kind: str, rng: random.Random) -> tuple[str, str, dict[str, str]]:
    """Method, path and parameters of one request of a kind."""
    if kind == "lookup":
        return "GET", "/sparql", {"query": f"SELECT ?p ?o WHERE {{ <{PLACE}> ?p ?o }} # {rng.random()}"}
    if kind == "page":
        return "GET", rng.choice(["/query", "/query?example=", "/sparql?query=ASK%20%7B%7D"]), {}
    if kind == "analytic":
        return "POST", "/sparql", {"query": ANALYTIC}
    if kind == "bad":
        return "GET", "/sparql", {"query": rng.choice(["SELECT * WHERE { ?s ?p }", "SELEC", "ASK { SERVICE <http://127.0.0.1:1/> {} }"])}
    return "GET", "/sparql", {"query": RUNAWAY}


def pick(rng: random.Random) -> str:
    """A kind of request, by the mix's weights."""
    return rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children, in KiB."""
    total = 0
    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()]
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except (FileNotFoundError, StopIteration):
            pass
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(pointer: Path, port: int, timeout: float, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SAHEL_KG_ROOT": str(ROOT), "SAHEL_KG_STORE": str(pointer),
           "SAHEL_KG_QUERY_TIMEOUT": str(timeout), "SAHEL_KG_WORKER_PROCESSES": str(workers),
           "SAHEL_KG_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}/"}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "sahel_kg.serve:app_from_env",
                             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/-/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


async def drive(base: str, connections: int, seconds: float, pid: int) -> dict[str, object]:
    """Run the load; return statuses, latencies by kind and memory samples."""
    statuses: Counter[tuple[str, int]] = Counter()
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    memory: list[int] = []
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        async def user(seed: int) -> None:
            rng = random.Random(seed)
            while time.monotonic() < stop:
                kind = pick(rng)
                method, path, params = request_for(kind, rng)
                started = time.perf_counter()
                try:
                    if method == "POST":
                        r = await client.post(path, data=params)
                    else:
                        r = await client.get(path, params=params)
                    statuses[(kind, r.status_code)] += 1
                    latencies[kind].append(time.perf_counter() - started)
                except httpx.HTTPError as exc:
                    errors[f"{kind}: {type(exc).__name__}"] += 1

        async def sample() -> None:
            while time.monotonic() < stop:
                memory.append(rss_kib(pid))
                await asyncio.sleep(1)

        await asyncio.gather(sample(), *(user(i) for i in range(connections)))
    return {"statuses": statuses, "latencies": latencies, "errors": errors, "memory": memory}


def pct(values: list[float], q: float) -> float:
    """The q-quantile of values, in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def report(result: dict[str, object], args: argparse.Namespace) -> tuple[str, bool]:
    statuses: Counter[tuple[str, int]] = result["statuses"]  # type: ignore[assignment]
    latencies: dict[str, list[float]] = result["latencies"]  # type: ignore[assignment]
    errors: Counter[str] = result["errors"]  # type: ignore[assignment]
    memory: list[int] = result["memory"]  # type: ignore[assignment]
    total = sum(statuses.values())
    bad_5xx = sum(n for (kind, s), n in statuses.items() if s >= 500 and not (s == 503))
    third = max(1, len(memory) // 3)
    first, last = statistics.mean(memory[:third]), statistics.mean(memory[-third:])
    growth = (last - first) / first * 100
    every = [v for vs in latencies.values() for v in vs]
    lines = [
        "# Load test", "",
        f"`scripts/load_test.py --connections {args.connections} --seconds {args.seconds:g}` against a real server "
        f"on loopback ({os.cpu_count()} CPUs, {args.workers} worker processes, query_timeout {args.timeout:g} s).", "",
        f"- requests: {total} ({total / args.seconds:.0f}/s); transport errors (lost requests): {sum(errors.values())} {dict(errors) or ''}",
        f"- 5xx other than deliberate 503s: {bad_5xx}",
        f"- latency over all requests: p50 {pct(every, 0.5):.1f} ms, p99 {pct(every, 0.99):.1f} ms",
        f"- resident memory (server + workers): first third {first / 1024:.1f} MiB, last third {last / 1024:.1f} MiB, "
        f"growth {growth:+.1f} %", "",
        "| kind | requests | statuses | p50 ms | p99 ms |", "|---|---|---|---|---|",
    ]
    for kind, _ in MIX:
        counts = {s: n for (k, s), n in sorted(statuses.items()) if k == kind}
        lines.append(f"| {kind} | {sum(counts.values())} | {counts} | {pct(latencies[kind], 0.5):.1f} | "
                     f"{pct(latencies[kind], 0.99):.1f} |")
    ok = bad_5xx == 0 and not errors and growth < 10
    lines += ["", f"Verdict: {'pass' if ok else 'FAIL'} (no 5xx but deliberate 503s, no lost request, memory growth < 10 %)."]
    return "\n".join(lines) + "\n", ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--timeout", type=float, default=2.0, help="the server's query_timeout")
    parser.add_argument("--workers", type=int, default=4, help="the server's worker_processes")
    parser.add_argument("--store", type=Path, default=ROOT / "var" / "store")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "load.md")
    args = parser.parse_args()
    if not args.store.exists():
        subprocess.run([sys.executable, "-m", "sahel_kg.cli", "build", "--store", str(args.store)], check=True)
    port = free_port()
    server = start_server(args.store, port, args.timeout, args.workers)
    try:
        result = asyncio.run(drive(f"http://127.0.0.1:{port}", args.connections, args.seconds, server.pid))
        alive = server.poll() is None
    finally:
        server.terminate()
        server.wait(30)
    text, ok = report(result, args)
    if not alive:
        text += "\nThe server process died during the run.\n"
        ok = False
    args.out.write_text(text)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
