"""Full dumps: every graph as gzipped N-Quads, and the union as gzipped Turtle.

Written once per store content into a cache folder beside the store
directory (``<store dir>.dumps/<fingerprint>/``, or a temporary folder for a
store that is not on disk), then served as files. The fingerprint is the
per-graph triple counts, so a rebuilt store gets fresh dumps; folders left
by stores the build has since removed are pruned.

>>> fingerprint({"http://e/g": 3})
'e1cd61d7bcb26105'
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

from sahel_kg.rdf.oxigraph_types import output
from sahel_kg.store.backend import GraphBackend
from sahel_kg.store.ondisk import current_store_dir

NQUADS = "sahel-harm.nq.gz"
TURTLE = "sahel-harm.ttl.gz"


@dataclass(frozen=True)
class Dump:
    """One dump file: its name, where it is, what it holds and how big it is."""

    name: str
    path: Path
    media_type: str  # of the uncompressed content
    triples: int  # quads for N-Quads, distinct triples for the Turtle union
    size: int  # bytes of the gzipped file


def fingerprint(graph_counts: dict[str, int]) -> str:
    """A short hash of each graph's name and triple count."""
    text = "\n".join(f"{g} {n}" for g, n in sorted(graph_counts.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cache_folder(store_pointer: Path, graph_counts: dict[str, int], *, remote: str | None = None) -> Path:
    """Where dumps of a store with these graphs live (and stale siblings are pruned).

    An external store (``remote``, its query URL) gets a temporary folder of its own.
    """
    store_dir = None if remote else current_store_dir(store_pointer)
    if store_dir is None:
        key = hashlib.sha256(remote.encode()).hexdigest()[:12] if remote else "local"
        return Path(tempfile.gettempdir()) / "sahel-kg-dumps" / key / fingerprint(graph_counts)
    for old in store_dir.parent.glob("store-*.dumps"):
        if old.name != store_dir.name + ".dumps" and not old.with_suffix("").is_dir():
            shutil.rmtree(old, ignore_errors=True)
    return store_dir.with_name(store_dir.name + ".dumps") / fingerprint(graph_counts)


def _write_gzip(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write ``path`` atomically through a gzip stream (fixed mtime, so reproducible)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        write(output(gz))
    os.replace(tmp, path)


def _write_nquads(backend: GraphBackend, out: IO[bytes]) -> None:
    backend.write_quads(out)


def _write_turtle(backend: GraphBackend, out: IO[bytes]) -> None:
    backend.write_union(out)


def write_dumps(backend: GraphBackend, folder: Path, *, quads: int, triples: int) -> dict[str, Dump]:
    """Both dumps in ``folder``, written unless already there."""
    specs = ((NQUADS, "application/n-quads", quads, _write_nquads),
             (TURTLE, "text/turtle", triples, _write_turtle))
    dumps: dict[str, Dump] = {}
    for name, media_type, count, writer in specs:
        path = folder / name
        if not path.is_file():
            _write_gzip(path, partial(writer, backend))
        dumps[name] = Dump(name, path, media_type, count, path.stat().st_size)
    return dumps
