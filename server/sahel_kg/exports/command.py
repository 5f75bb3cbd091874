"""``sahel-kg export NAME [--out FILE]``: write one export from the built store (or the external one).

The file is written as it is computed, batch by batch, to ``--out`` or to
standard output. Exit status 2 when there is no store to read: build it first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import IO

from sahel_kg.exports.registry import EXPORTS
from sahel_kg.settings import Settings
from sahel_kg.store.backend import EmbeddedBackend, GraphBackend, RemoteBackend
from sahel_kg.store.ondisk import current_store_dir, open_read_only
from sahel_kg.store.remote import RemoteStore, StoreUnavailable


def backend_of(settings: Settings) -> GraphBackend | None:
    """The store the settings name, opened read-only; None when nothing is built there."""
    if settings.store_url:
        return RemoteBackend(RemoteStore(settings))
    if current_store_dir(settings.store_path) is None:
        return None
    return EmbeddedBackend(open_read_only(settings.store_path))


def write_export(name: str, backend: GraphBackend, out: IO[str]) -> None:
    """Write the export ``name`` (a key of :data:`~sahel_kg.exports.registry.EXPORTS`) to ``out``."""
    for chunk in EXPORTS[name].write(backend):
        out.write(chunk)


def run_export(args: argparse.Namespace) -> int:
    """Entry point of ``sahel-kg export`` for the tables."""
    settings: Settings = args.settings
    backend = backend_of(settings)
    if backend is None:
        print(f"sahel-kg: no built store at {settings.store_path}; run `sahel-kg build` first", file=sys.stderr)
        return 2
    out_path: Path | None = args.out
    try:
        if out_path is None:
            write_export(args.name, backend, sys.stdout)
        else:
            with out_path.open("w", encoding="utf-8", newline="") as out:
                write_export(args.name, backend, out)
            print(f"wrote {out_path}", file=sys.stderr)
    except StoreUnavailable as exc:
        print(f"sahel-kg: the store did not answer: {exc}", file=sys.stderr)
        return 1
    return 0
