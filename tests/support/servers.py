"""Real server processes on free loopback ports: ours (uvicorn, as deployed) and ``oxigraph serve``."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from support.project_data import ROOT

#: The ``oxigraph`` command the test extras install beside this interpreter.
OXIGRAPH = Path(sys.executable).with_name("oxigraph")


def free_port() -> int:
    """A TCP port free on the loopback interface just now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def sahel_server(store_pointer: Path, *, env: dict[str, str] | None = None,
                 ready_path: str = "/-/health", timeout: float = 30) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Our server (uvicorn, as deployed) over a built store on a free loopback port: its base URL and process.

    Waits until ``ready_path`` answers 200; terminates the server on exit.
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    full_env = {**os.environ, "SAHEL_KG_ROOT": str(ROOT), "SAHEL_KG_STORE": str(store_pointer),
                "SAHEL_KG_PUBLIC_BASE_URL": base + "/", **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "sahel_kg.serve:app_from_env",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(base + ready_path, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                pytest.fail(f"server exited: {proc.stdout.read().decode() if proc.stdout else ''}")
            if time.monotonic() > deadline:
                pytest.fail(f"server did not start within {timeout} s")
            time.sleep(0.1)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def start_oxigraph(location: Path, *extra: str) -> tuple[str, subprocess.Popen[bytes]]:
    """``oxigraph serve`` on a free loopback port, read-write; its base URL.

    Not ``--union-default-graph``: that would override FROM clauses too; the app
    asks for the union per query instead (``store_union="parameter"``).
    """
    executable = OXIGRAPH if OXIGRAPH.exists() else shutil.which("oxigraph")
    if executable is None:
        pytest.fail("the oxigraph CLI is missing: install the test extras (pip install -e '.[test]')")
    port = free_port()
    proc = subprocess.Popen([str(executable), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                             *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                return base, proc
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.kill()
    pytest.fail(f"oxigraph serve did not start on port {port}")
