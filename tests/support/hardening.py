"""Helpers shared by the hardening tests: queries that never end, process checks, and a
canary HTTP server that records every hit. (Apps with worker processes: :mod:`support.apps`.)"""

from __future__ import annotations

import http.server
import os
import threading
import time
from collections.abc import Callable

#: Counts every pair of triples of every triple: never finishes on the project store.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: An endless stream of rows (a cross product), when no row cap stops it.
ENDLESS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"


def wait_for(predicate: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Poll ``predicate`` every 50 ms until it holds (True) or ``seconds`` pass (False): a loaded machine
    gives the processes under test little time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a live process has used."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().split(") ", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Canary:
    """An HTTP server on 127.0.0.1 that answers an empty SPARQL result and records each hit.

    A path containing ``fail`` is answered 500, as a broken endpoint would.
    """

    def __init__(self) -> None:
        hits: list[str] = []
        self.hits = hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                hits.append(self.path)
                body = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
                self.send_response(500 if "fail" in self.path else 200)
                self.send_header("content-type", "application/sparql-results+json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.base}/sparql"
        # a short poll, so that shutdown() returns at once rather than after the default half second
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    def __enter__(self) -> Canary:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
