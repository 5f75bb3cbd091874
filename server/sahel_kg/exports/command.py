"""``sahel-kg export NAME [--out FILE]``: write one export from the built store (or the external one).

The file is written as it is computed, batch by batch, to ``--out`` or to
standard output. ``--out`` is written beside its final name and renamed into
place once whole, so a failure half-way leaves no truncated table and an
earlier file of that name untouched. Exit status 2 when there is no store to
read (build it first) or ``--out`` cannot be written; 1 when the store stops
answering.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
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


def write_export_file(name: str, backend: GraphBackend, out_path: Path) -> None:
    """Write the export to ``out_path`` through a temporary file in the same folder, renamed in when whole.

    Raises OSError when the folder cannot be written, and whatever the store raises;
    either way nothing is left at ``out_path`` that was not there before.
    """
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".part", dir=out_path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            write_export(name, backend, out)
        os.chmod(tmp_name, 0o666 & ~_umask())  # as open() would: mkstemp's 0600 hides a shared export
        os.replace(tmp_name, out_path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _unwritable(out_path: Path) -> str | None:
    """Why ``out_path`` cannot be written to, in words, or None."""
    if out_path.is_dir():
        return f"{out_path} is a folder; give a file name, e.g. {out_path / 'export.csv'}"
    if not out_path.parent.is_dir():
        return f"there is no folder {out_path.parent}; create it first"
    return None


def run_export(args: argparse.Namespace) -> int:
    """Entry point of ``sahel-kg export`` for the tables."""
    settings: Settings = args.settings
    backend = backend_of(settings)
    if backend is None:
        print(f"sahel-kg: no built store at {settings.store_path}; run `sahel-kg build` first", file=sys.stderr)
        return 2
    out_path: Path | None = args.out
    problem = _unwritable(out_path) if out_path is not None else None
    if problem:
        print(f"sahel-kg: cannot write the export: {problem}", file=sys.stderr)
        return 2
    try:
        if out_path is None:
            write_export(args.name, backend, sys.stdout)
        else:
            write_export_file(args.name, backend, out_path)
            print(f"wrote {out_path}", file=sys.stderr)
    except StoreUnavailable as exc:
        print(f"sahel-kg: the store did not answer: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"sahel-kg: cannot write the export to {out_path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
