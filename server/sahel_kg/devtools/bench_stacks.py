"""The same app on several HTTP stacks, beside Oxigraph's server: which serves small lookups best.

Part ``stacks`` of ``scripts/bench.py`` (the third lever of the second performance round). One app
factory (:func:`sahel_kg.serve.app_from_env`) over one built store, served in turn by:

- uvicorn with httptools and uvloop, one process (what ``sahel-kg serve`` runs);
- uvicorn, two processes (``--workers 2``: two event loops, each with its own query workers);
- Granian (ASGI, Rust HTTP layer), one process and two, when it is installed (the ``bench`` extra);

each up beside ``oxigraph serve-read-only`` and measured in turns with it on cold small lookups
(every request sent once to each server: :class:`~sahel_kg.devtools.measure.FreshPaths`). Every stack keeps
the killable query workers and every limit of the hardening work: only the HTTP layer changes. A stack
that cannot start gives a row that says why, never a missing row.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from sahel_kg.devtools.measure import (
    JSON,
    VENV_BIN,
    FreshPaths,
    Load,
    Row,
    free_port,
    in_rotation,
    load_test,
    server,
    sparql_paths,
    sparql_variant,
)

#: The app factory every stack serves (configuration from SAHEL_KG_* variables).
FACTORY = "sahel_kg.serve:app_from_env"


def stack_commands(port: int) -> dict[str, list[str]]:
    """Stack name → the command that serves the app on 127.0.0.1:``port`` (Granian's only when installed)."""
    uvicorn = [str(VENV_BIN / "uvicorn"), "--factory", FACTORY, "--http", "httptools", "--loop", "uvloop",
               "--no-access-log", "--host", "127.0.0.1", "--port", str(port)]
    stacks = {"uvicorn (httptools, uvloop), 1 process": uvicorn,
              "uvicorn (httptools, uvloop), 2 processes": [*uvicorn, "--workers", "2"]}
    granian = VENV_BIN / "granian"
    if granian.exists() or shutil.which("granian"):
        base = [str(granian if granian.exists() else "granian"), "--interface", "asgi", "--factory", "--no-ws",
                "--loop", "uvloop", "--no-access-log", "--host", "127.0.0.1", "--port", str(port)]
        stacks["Granian (ASGI), 1 process"] = [*base, "--workers", "1", FACTORY]
        stacks["Granian (ASGI), 2 processes"] = [*base, "--workers", "2", FACTORY]
    return stacks


def stack_rows(label: str, corpus: Path, pointer: Path, store_dir: Path, lookups: list[str], *, seconds: float,
               connections: int, work: Path, env: dict[str, str], log: Callable[[str], None]) -> list[Row]:
    """One row per stack: its cold small lookups against Oxigraph's server's, measured in turns."""
    rows: list[Row] = []
    oport = free_port()
    ox_cmd = [str(VENV_BIN / "oxigraph"), "serve-read-only", "--location", str(store_dir), "--bind",
              f"127.0.0.1:{oport}", "--union-default-graph"]
    obase = f"http://127.0.0.1:{oport}"
    ox_fresh = FreshPaths(sparql_paths("/query", lookups), variant=sparql_variant)
    app_env = {**env, "SAHEL_KG_ROOT": str(corpus), "SAHEL_KG_STORE": str(pointer)}

    def on(base: str, fresh: FreshPaths) -> Callable[[], Load]:
        return fresh.load_test(lambda todo: load_test(base, todo, accept=JSON, seconds=seconds / 2,
                                                      connections=connections, workdir=work))

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with server(ox_cmd, f"{obase}/query?query=ASK%7B%7D", log=work / "oxigraph-stacks.log"):
        for index, (name, cmd) in enumerate(stack_commands(port).items()):
            log(f"[stacks] {name}")
            fresh = FreshPaths(sparql_paths("/sparql", lookups), variant=sparql_variant)
            try:
                with server(cmd, f"{base}/sparql?query=ASK%7B%7D", log=work / f"stack-{index}.log", env=app_env,
                            timeout=300):
                    ours, peer = in_rotation([on(base, fresh), on(obase, ox_fresh)])
            except (RuntimeError, TimeoutError) as exc:
                rows.append(Row(label, f"small SPARQL lookups, {name}", None, "Oxigraph server", None, "req/s",
                                "≥ 1/3×", 1 / 3, note=f"not measured: the stack did not start ({exc})"))
                continue
            again = fresh.repeats + ox_fresh.repeats
            rows.append(Row(label, f"small SPARQL lookups, {name}", ours.per_second, "Oxigraph server",
                            peer.per_second, "req/s", "≥ 1/3×", 1 / 3,
                            note=f"the same app and store; {connections} connections, in turns with Oxigraph "
                                 f"({seconds / 2:.0f} s each, twice); p95 ours {ours.p95_ms:.1f} ms, Oxigraph "
                                 f"{peer.p95_ms:.1f} ms; errors {ours.errors}/{peer.errors}; "
                                 + ("cold: each lookup sent once" + (f" ({fresh.rounds} more round(s) varied by a comment)"
                                                                     if fresh.rounds else "")
                                    if not again else f"not all cold: {again} lookups sent again as they were")))
    return rows
