"""The query worker process: ``python -m sahel_kg.query.worker_process STORE_DIR CHUNK_BYTES [--no-network]``.

With ``--no-network`` it first leaves the host's network (:mod:`sahel_kg.query.isolation`).
Opens the store read-only, says it is ready (a JSON ``R`` frame with its pid
and network state), then reads jobs (a 4-byte big-endian length and a
JSON :class:`~sahel_kg.query.evaluation.QueryJob`) from stdin and writes each
result as frames to stdout until stdin closes. See :mod:`sahel_kg.query.processes`.
Imports only what evaluation needs, so a replacement worker starts fast.

>>> frame(b"D", b"abc")
b'D\\x00\\x00\\x00\\x03abc'
"""

from __future__ import annotations

import json
import os
import sys
from typing import BinaryIO

import pyoxigraph

from sahel_kg.query.evaluation import Head, QueryJob, evaluate
from sahel_kg.query.frames import LEN, frame, read_exact
from sahel_kg.query.isolation import ISOLATED, isolate_network


class FrameSender:
    """Worker side: turns evaluation items into frames on the output pipe."""

    def __init__(self, out: BinaryIO):
        self.out = out

    def __call__(self, item: object) -> None:
        if isinstance(item, Head):
            meta = {"status": item.status, "media_type": item.media_type, "done": item.done, "headers": item.headers}
            self.out.write(frame(b"H", json.dumps(meta).encode()) + frame(b"D", item.body))
            if item.done:
                self.out.write(frame(b"E", b""))
        elif isinstance(item, bytes):
            self.out.write(frame(b"D", item))
        elif item is None:
            self.out.write(frame(b"E", b""))
        else:
            self.out.write(frame(b"X", str(item).encode()))
        self.out.flush()


def worker_main(store_dir: str, chunk_bytes: int, *, network: bool = True) -> int:
    """The worker process: open the store read-only, then answer jobs until stdin closes."""
    state = "host" if network else isolate_network()  # before anything starts a thread
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints must never corrupt the frames
    store = pyoxigraph.Store.read_only(store_dir)
    send = FrameSender(out)
    out.write(frame(b"R", json.dumps({"pid": os.getpid(), "network": state}).encode()))
    out.flush()
    stdin = sys.stdin.buffer
    while True:
        try:
            (size,) = LEN.unpack(read_exact(stdin, 4))
            job = QueryJob.from_dict(json.loads(read_exact(stdin, size)))
        except EOFError:
            return 0
        evaluate(store, job, send, chunk_bytes, isolated=state == ISOLATED)


if __name__ == "__main__":
    sys.exit(worker_main(sys.argv[1], int(sys.argv[2]), network="--no-network" not in sys.argv[3:]))
