"""``sahel-kg release VERSION``: versioned dumps of the current build, and a changelog since the last release.

The release is made from the build of the files as they are now: the command
runs ``sahel-kg build`` first (nothing to do when the store is current; a
refused or failed build refuses the release). Into ``<releases>/VERSION/``
(the ``releases`` setting, default ``var/releases``) it writes:

- ``sahel-harm-VERSION.nq.gz`` (every named graph, N-Quads) and
  ``sahel-harm-VERSION.trig.gz`` (the same quads as TriG), both gzipped;
- ``entities.tsv.gz``: each entity's IRI and the digest of its description;
- ``release.json`` and ``changelog.ttl``: the release, and what was added,
  changed and retracted since the previous one
  (:func:`sahel_kg.linked_data.releases.release_triples`).

An *entity* is a subject IRI in the project namespace
(``https://w3id.org/sahel-harm/``). Its description is every triple it is the
subject of, in any graph but the derived one, with the blank nodes it reaches
followed (the Concise Bounded Description), compared up to blank node names:
an entity is *changed* when that description differs, *added* or *retracted*
when it is a subject in only the new or only the previous release. The derived
graph is left out because it follows from the rest (a summary changes when its
incident's claims do) and names each build.

The folder is written as ``.VERSION.PID.partial`` and renamed when complete, so a
release either exists whole or not at all. Exit status: 0 released; 1 the
version exists or is not above the latest, or the build was refused; 2 not a
version string (Semantic Versioning 2.0.0: ``MAJOR.MINOR.PATCH``).

>>> changes({"a": "1", "b": "2", "c": "3"}, {"b": "2", "c": "9", "d": "4"})
{'added': ['d'], 'changed': ['c'], 'retracted': ['a']}
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph

from sahel_kg.curation.build import EXIT_STATUS, build_store
from sahel_kg.linked_data.releases import (
    CHANGELOG_FILE,
    ENTITIES_FILE,
    RELEASE_FILE,
    RELEASE_PREFIXES,
    Release,
    ReleaseDump,
    is_version,
    list_releases,
    release_triples,
    version_key,
)
from sahel_kg.namespaces import BASE, GRAPH_BASE
from sahel_kg.rdf.oxigraph_types import output
from sahel_kg.rdf.serialize import serialize
from sahel_kg.settings import Settings
from sahel_kg.store.ondisk import inputs_hash_of

#: The graph of build-time derived statements, left out of the changelog (see the module's text).
DERIVED_GRAPH = GRAPH_BASE + "derived"
#: Blank nodes deeper than this below an entity are not followed (no curated description nests so far).
MAX_DEPTH = 32


@dataclass(frozen=True)
class Outcome:
    """What ``release`` did: its exit status, what to print, and the release written (if any)."""

    status: int
    message: str
    release: Release | None = None


def changes(previous: dict[str, str], current: dict[str, str]) -> dict[str, list[str]]:
    """Entities added, changed (digest differs) and retracted between two ``{IRI: digest}`` maps, each sorted."""
    return {"added": sorted(current.keys() - previous.keys()),
            "changed": sorted(k for k in current.keys() & previous.keys() if current[k] != previous[k]),
            "retracted": sorted(previous.keys() - current.keys())}


#: A statement of a description: the digest of its text ("predicate object"), or (predicate, blank node)
#: for one whose object is a blank node, resolved once that node's own digest is known.
Line = bytes | tuple[str, pyoxigraph.BlankNode]


def _line(predicate: str, obj: object) -> Line:
    if isinstance(obj, pyoxigraph.BlankNode):
        return (predicate, obj)
    return hashlib.blake2b(f"{predicate} {obj}".encode(), digest_size=16).digest()


def entity_digests(quads: Iterable[pyoxigraph.Quad], *,
                   skip_graphs: frozenset[str] = frozenset({DERIVED_GRAPH})) -> dict[str, str]:
    """``{entity IRI: SHA-256 hex of its description}`` from the quads of a build.

    The description's statements are distinct over the graphs read; a blank node object stands for the
    digest of its own description, so blank node names never matter. What is held per statement is a
    16-byte digest (about 1 GB for 14M statements), not the statement.
    """
    described: dict[pyoxigraph.NamedNode | pyoxigraph.BlankNode, set[Line]] = {}
    for quad in quads:
        graph, subject = quad.graph_name, quad.subject
        if isinstance(graph, pyoxigraph.NamedNode) and graph.value in skip_graphs:
            continue
        if isinstance(subject, pyoxigraph.NamedNode) and not subject.value.startswith(BASE):
            continue
        if isinstance(subject, pyoxigraph.NamedNode | pyoxigraph.BlankNode):
            described.setdefault(subject, set()).add(_line(quad.predicate.value, quad.object))
    memo: dict[pyoxigraph.NamedNode | pyoxigraph.BlankNode, bytes] = {}

    def digest(node: pyoxigraph.NamedNode | pyoxigraph.BlankNode, depth: int) -> bytes:
        if node not in memo:
            parts = sorted(line if isinstance(line, bytes) else _nested(line, depth)
                           for line in described.get(node, ()))
            memo[node] = hashlib.sha256(b"".join(parts)).digest()
        return memo[node]

    def _nested(line: tuple[str, pyoxigraph.BlankNode], depth: int) -> bytes:
        predicate, node = line
        inner = digest(node, depth + 1) if depth < MAX_DEPTH else str(node).encode()  # a cycle: cut it
        return hashlib.blake2b(predicate.encode() + b" " + inner, digest_size=16).digest()

    return {s.value: digest(s, 0).hex() for s in described if isinstance(s, pyoxigraph.NamedNode)}


def write_digests(path: Path, digests: dict[str, str]) -> None:
    """``IRI<TAB>digest`` lines, sorted, gzipped."""
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for iri in sorted(digests):
            out.write(f"{iri}\t{digests[iri]}\n")


def read_digests(path: Path) -> dict[str, str]:
    """What :func:`write_digests` wrote."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return dict(line.rstrip("\n").split("\t", 1) for line in lines if line.strip())


def _write_gzip(path: Path, store: pyoxigraph.Store, rdf_format: pyoxigraph.RdfFormat) -> None:
    """Every quad of ``store`` in ``rdf_format``, gzipped (no time stamp, so the same data give the same bytes)."""
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=6) as gz:
        store.dump(output(gz), rdf_format)


def check_version(version: str, releases: list[Release], releases_dir: Path | None = None) -> Outcome | None:
    """Why ``version`` cannot be released (an :class:`Outcome` to report), or None when it can.

    ``releases_dir``: where the releases are, to refuse a folder of that name that is no readable release.
    """
    if not is_version(version):
        return Outcome(2, f"sahel-kg release: {version!r} is not a version: use MAJOR.MINOR.PATCH as in "
                          "Semantic Versioning 2.0.0 (e.g. 0.2.0, 1.0.0-rc.1)")
    known = {r.version for r in releases}
    if version in known or (releases_dir is not None and (releases_dir / version).exists()):
        return Outcome(1, f"sahel-kg release: release {version} exists already; a release is never rewritten: "
                          "choose a new version")
    if releases and version_key(version) <= version_key(releases[-1].version):
        return Outcome(1, f"sahel-kg release: {version} is not above the latest release, {releases[-1].version}: "
                          "versions only go up")
    return None


def make_release(settings: Settings, version: str, *, log: Callable[[str], None] | None = None) -> Outcome:
    """Build if needed, then write release ``version`` (see the module's text). Never raises for bad input."""
    say: Callable[[str], None] = log or (lambda m: print(m, file=sys.stderr))
    releases_dir = settings.releases_dir
    releases = list_releases(releases_dir)
    refused = check_version(version, releases, releases_dir)
    if refused is not None:
        return refused
    if settings.store_url:
        return Outcome(1, "sahel-kg release: releases are made from the embedded store; run it without --store-url")
    built = build_store(settings.project_root, settings.store_path, log=say, sources_dir=settings.sources_dir)
    if EXIT_STATUS[built.status] or built.store_dir is None:
        return Outcome(1, f"sahel-kg release: no release made: the build did not succeed: {built.message}")
    store_dir = built.store_dir
    partial = releases_dir / f".{version}.{os.getpid()}.partial"  # a folder of its own per process
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        release = _write_release(settings, version, store_dir, partial, releases[-1] if releases else None)
        try:
            partial.rename(releases_dir / version)  # fails when another release of this version got there first
        except OSError:
            return Outcome(1, f"sahel-kg release: release {version} exists already (made while this one ran)")
        release = replace(release, folder=releases_dir / version)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    counts = ", ".join(f"{len(release.changes(k))} {k}" for k in ("added", "changed", "retracted"))
    since = f" since {release.previous}" if release.previous else " (the first release)"
    return Outcome(0, f"released {version} into {releases_dir / version}: {release.entities} entities; "
                      f"{counts}{since}", release)


def _write_release(settings: Settings, version: str, store_dir: Path, folder: Path,
                   previous: Release | None) -> Release:
    nquads, trig = f"sahel-harm-{version}.nq.gz", f"sahel-harm-{version}.trig.gz"
    store = pyoxigraph.Store.read_only(str(store_dir))
    _write_gzip(folder / nquads, store, pyoxigraph.RdfFormat.N_QUADS)
    _write_gzip(folder / trig, store, pyoxigraph.RdfFormat.TRIG)
    quads = len(store)
    digests = entity_digests(store.quads_for_pattern(None, None, None, None))
    del store
    write_digests(folder / ENTITIES_FILE, digests)
    before = read_digests(previous.folder / ENTITIES_FILE) if previous and previous.folder else {}
    found = changes(before, digests)
    release = Release(
        version=version, issued=datetime.now(UTC).isoformat(timespec="seconds"), store=store_dir.name,
        inputs_hash=inputs_hash_of(store_dir) or "", previous=previous.version if previous else None,
        dumps=[ReleaseDump(nquads, "application/n-quads", (folder / nquads).stat().st_size, quads),
               ReleaseDump(trig, "application/trig", (folder / trig).stat().st_size, quads)],
        added=found["added"], changed=found["changed"], retracted=found["retracted"],
        entities=len(digests), folder=folder,
    )
    (folder / RELEASE_FILE).write_text(release.to_json(), encoding="utf-8")
    triples = release_triples(release, license_iri=settings.license)
    (folder / CHANGELOG_FILE).write_bytes(serialize(triples, pyoxigraph.RdfFormat.TURTLE, extra=RELEASE_PREFIXES))
    return release


def run_release(args: argparse.Namespace) -> int:
    """Entry point of ``sahel-kg release VERSION`` (exit status: see the module's text)."""
    from sahel_kg.settings import settings_of

    outcome = make_release(settings_of(args), args.version)
    print(outcome.message, file=sys.stderr if outcome.status else sys.stdout)
    return outcome.status
