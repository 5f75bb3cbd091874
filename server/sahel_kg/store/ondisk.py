"""The on-disk store: where the current build lives and how to open it.

A build writes a complete store into a fresh directory ``store-<hash>-<n>``
beside the pointer, then atomically replaces the pointer (a symlink, e.g.
``var/store``) to name it. Readers resolve the pointer once and open that
directory read-only, so they never see a half-loaded store.

>>> store_dir_name("0123456789abcdef" * 4, 7)
'store-0123456789abcdef-7'
>>> inputs_hash_of(Path("store-0123456789abcdef-7"))
'0123456789abcdef'
>>> inputs_hash_of(Path("elsewhere")) is None
True
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Union

import pyoxigraph

from sahel_kg.project import InputStat

if TYPE_CHECKING:
    from sahel_kg.store.remote import RemoteStore

_DIR_RE = re.compile(r"^store-([0-9a-f]{16})-\d+$")


def store_dir_name(inputs_hash: str, serial: int) -> str:
    """Directory name of a store built from inputs with this hash."""
    return f"store-{inputs_hash[:16]}-{serial}"


#: Bump when the way inputs are loaded changes, so every store is rebuilt
#: (2: the build writes the derived graph of ``ontology/rules/*.rq``).
BUILD_FORMAT = "2"


def inputs_hash(root: Path, paths: Sequence[Path]) -> str:
    """SHA-256 over the build format and every input file's relative path and bytes."""
    digest = hashlib.sha256(f"sahel-kg-build/{BUILD_FORMAT}/{pyoxigraph.__version__}\0".encode())
    for path in sorted(paths):
        rel = path.resolve().relative_to(root.resolve()).as_posix()
        data = path.read_bytes()
        digest.update(f"{rel}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


#: Beside each store directory, ``<store-dir>.inputs``: the quick stamp of the inputs it was built from.
STAMP_SUFFIX = ".inputs"


def inputs_stamp(stats: Sequence[InputStat]) -> str:
    """SHA-256 over the build format and every input's (path, size in bytes, modification time in ns,
    status-change time in ns, inode), as :func:`sahel_kg.project.build_input_stats` lists them: the
    quick check git's index relies on (size and modification time alone, as rsync and make use them,
    miss a same-size edit whose modification time was set back, e.g. by ``cp -p``).

    It changes when an input is added, removed, moved or edited, and is read in one directory walk
    without opening a file, where :func:`inputs_hash` reads every byte (6.9 GB, minutes, at 1M
    incidents). A stamp that matches the one kept beside a store lets ``build`` and ``serve`` skip the
    hash; one that does not match proves nothing, and the content hash decides.
    """
    digest = hashlib.sha256(f"sahel-kg-build/{BUILD_FORMAT}/{pyoxigraph.__version__}\0".encode())
    for entry in stats:
        digest.update(("\0".join(map(str, entry)) + "\n").encode())
    return digest.hexdigest()


def stamp_path(store_dir: Path) -> Path:
    """Where the inputs stamp of ``store_dir`` is kept: a sibling file, never inside the store."""
    return store_dir.with_name(store_dir.name + STAMP_SUFFIX)


def kept_stamp(store_dir: Path) -> str | None:
    """The inputs stamp kept beside ``store_dir``, or None when there is none (or it cannot be read)."""
    try:
        return stamp_path(store_dir).read_text(encoding="ascii").strip() or None
    except (OSError, UnicodeError):
        return None


def keep_stamp(store_dir: Path, stamp: str) -> None:
    """Keep ``stamp`` beside ``store_dir`` (written to a temporary file, then renamed over the old one).

    Best effort: a stamp that cannot be kept (disk full, a folder in its place) only costs the next
    build a hash, so the OSError is dropped, with the temporary file.
    """
    path = stamp_path(store_dir)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(stamp + "\n", encoding="ascii")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def inputs_hash_of(directory: Path) -> str | None:
    """The (short) inputs hash a store directory was built from, if it is one of ours."""
    match = _DIR_RE.match(directory.name)
    return match.group(1) if match else None


def current_store_dir(pointer: Path) -> Path | None:
    """The complete store the pointer names, or None when there is none yet."""
    if not pointer.is_symlink():
        return None
    target = Path(os.path.realpath(pointer))
    return target if target.is_dir() else None


def point_to(pointer: Path, target: Path) -> None:
    """Atomically make ``pointer`` a symlink to ``target`` (a sibling directory)."""
    tmp = pointer.with_name(f".{pointer.name}.{os.getpid()}.tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target.name, tmp)
    os.replace(tmp, pointer)


def open_read_only(pointer: Path) -> pyoxigraph.Store:
    """Open the store the pointer names, read-only.

    Raises FileNotFoundError, with the command that fixes it, when nothing is built.
    """
    directory = current_store_dir(pointer)
    if directory is None:
        raise FileNotFoundError(f"no store at {pointer}; run `sahel-kg build` first")
    return pyoxigraph.Store.read_only(str(directory))


_PROBE = pyoxigraph.Quad(*(pyoxigraph.NamedNode("urn:sahel-kg:read-only-probe"),) * 3)


def is_read_only(store: pyoxigraph.Store) -> bool:
    """Whether the store refuses writes (a harmless removal of a quad that is never there).

    >>> is_read_only(pyoxigraph.Store())
    False
    """
    try:
        store.remove(_PROBE)
    except (RuntimeError, OSError):
        return True
    return False


#: What an app serves: the embedded store, or an external one over HTTP.
ServedStore = Union[pyoxigraph.Store, "RemoteStore"]
