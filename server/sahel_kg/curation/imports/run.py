"""``sahel-kg import ucdp-ged|acled FILE.csv``: a coded dataset's release file into Turtle, in bounded memory.

Rows are streamed: each becomes an incident and a claim (:mod:`.writer`), written
to ``data/ttl/imports/<dataset>/events-NNNNN.ttl`` in chunks of ``--chunk-rows``
rows. Beside them: ``release.ttl`` (the release as a source document),
``actors.ttl`` and ``places.ttl`` (what the import created), ``changelog.ttl``
(what each newer release added, changed and removed) and ``records.tsv`` (each
record's identifier, digest and compared columns, read by the next import).
Each ``.ttl`` file is one named graph; a dataset's folder holds one release.

Everything is written to a scratch folder first and moved into place only
when the whole file has been read, file by file and only where the bytes
differ: a failed import changes nothing, and importing the same file again
leaves every file as it was. ``data/ttl/imports/confirmed-matches.ttl`` is the
curators' and is read, never written.

Exit status: 0 imported (or already up to date); 1 imported, but rows with
impossible values were skipped (``--on-error skip``); 2 the file, its header,
its version or the project cannot be used, nothing written; 3 a row has an
impossible value (``--on-error stop``, the default), nothing written.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from sahel_kg.curation.imports.datasets import DATASETS, Dataset, check_header
from sahel_kg.curation.imports.entities import Gazetteer, Roster
from sahel_kg.curation.imports.matching import Matcher
from sahel_kg.curation.imports.records import READERS, CodedEvent
from sahel_kg.curation.imports.reference import IMPORTS_FOLDER, Reference, load_reference
from sahel_kg.curation.imports.turtle import header, slug
from sahel_kg.curation.imports.writer import Release, event_turtle, incident_iri, release_turtle, update_turtle

EXIT_OK, EXIT_SKIPPED, EXIT_UNUSABLE, EXIT_BAD_ROW = 0, 1, 2, 3
DEFAULT_CHUNK_ROWS = 10_000
Log = Callable[[str], None]


class ImportFailure(Exception):
    """An import that cannot go on: its message and exit status; nothing has been written."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Outcome:
    """What an import did."""

    status: int
    rows: int = 0
    skipped: int = 0
    matches: int = 0
    changed_files: list[str] = field(default_factory=list)
    folder: Path | None = None


@dataclass
class Previous:
    """The records index of the release in place: its version and each record's digest and compared values."""

    version: str | None = None
    records: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Previous:
        found = cls()
        if not path.exists():
            return found
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if parts[0] == "#version" and len(parts) > 1:
                    found.version = parts[1]
                elif len(parts) == 3:
                    found.records[parts[0]] = (parts[1], parts[2])
        return found


def _rows(path: Path, dataset: Dataset) -> Iterator[tuple[int, int, dict[str, str] | str]]:
    """(row number, line number, row or why its fields do not fit the header), after the header is checked."""
    csv.field_size_limit(2**31 - 1)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ImportFailure(f"cannot read {path}: {exc.strerror or exc}", EXIT_UNUSABLE) from exc
    with handle:
        reader = csv.reader(handle)
        try:
            names = next(reader, None)
            if names is None:
                raise ImportFailure(f"{path.name} is empty: no header, no rows", EXIT_UNUSABLE)
            problem = check_header(dataset, names)
            separator = _other_separator(names, dataset)
            if problem and separator:
                raise ImportFailure(f"{path.name}: its fields are separated by {separator}, not by commas (as a "
                                    "spreadsheet set to French or another language that writes 13,44 for 13.44 "
                                    "saves CSV): export it again as comma-separated UTF-8 CSV", EXIT_UNUSABLE)
            if problem:
                raise ImportFailure(f"{path.name}: {problem.message()}", EXIT_UNUSABLE)
            names = [n.strip() for n in names]
            number = 0
            while True:
                # the line a row starts on: a quoted field may run over several lines
                line = reader.line_num + 1
                fields = next(reader, None)
                if fields is None:
                    break
                if not fields:  # a blank line (often at the end of a hand-edited file) is no row
                    continue
                number += 1
                if len(fields) != len(names):
                    yield number, line, f"has {len(fields)} fields where the header names {len(names)}"
                else:
                    yield number, line, dict(zip(names, fields))
        except UnicodeDecodeError as exc:
            offset, line, found = _first_non_utf8(path)
            where = f"byte {offset:,} (line {line}): {found!r}" if found else exc.reason
            raise ImportFailure(f"{path.name} is not UTF-8 text (at {where}); export it again as UTF-8 CSV "
                                "(a byte like b'\\xe9' is often a Latin-1 é)", EXIT_UNUSABLE) from exc
        except csv.Error as exc:
            raise ImportFailure(f"{path.name} is not readable CSV (line {reader.line_num}: {exc})",
                                EXIT_UNUSABLE) from exc


def _first_non_utf8(path: Path, chunk_size: int = 1 << 20) -> tuple[int, int, bytes]:
    """The offset in the file of its first byte that is not UTF-8, its line (from 1) and the bytes there.

    The decoder's own error counts from the start of the chunk it was reading, which on a large file names
    the wrong byte; this reads the file again, in chunks, to name the right one."""
    base, line, carry = 0, 1, b""
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            data = carry + chunk
            try:
                data.decode("utf-8")
                carry = b""
            except UnicodeDecodeError as exc:
                if exc.end == len(data) and len(data) - exc.start < 4 and len(chunk) == chunk_size:
                    carry = data[exc.start:]  # a character cut by the chunk's end: read on
                    data = data[:exc.start]
                else:
                    return base + exc.start, line + data.count(b"\n", 0, exc.start), data[exc.start:exc.end]
            line += data.count(b"\n")
            base += len(data)
    return base, line, b""


_SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _other_separator(names: list[str], dataset: Dataset) -> str | None:
    """The name of the separator other than a comma that splits a one-field header into the dataset's columns."""
    if len(names) != 1:
        return None
    for separator, name in _SEPARATORS.items():
        if len({n.strip().lstrip("\ufeff") for n in names[0].split(separator)} & set(dataset.columns)) > 1:
            return name
    return None


def default_version(dataset: Dataset, path: Path) -> str:
    """The release's version when ``--version`` is not given: UCDP GED's from the file name (GEDEvent_v24_1.csv
    gives 24.1, a monthly candidate release's GEDEvent_v24_0_3.csv 24.0.3); an ACLED export's is the date of its
    latest ``timestamp`` (ACLED has no release numbers). Only a "v" marks a version in a file name: digits
    alone (a date, a country code) are not guessed at."""
    if dataset.name == "ucdp-ged":
        found = re.search(r"(?<![a-z])v(\d{2}(?:[._]\d+)+)(?![\d])", path.stem, re.IGNORECASE)
        if found:
            return re.sub(r"[._]", ".", found.group(1))
        raise ImportFailure(f"cannot tell the GED version from the file name {path.name}: give it with "
                            "--version (e.g. --version 24.1)", EXIT_UNUSABLE)
    latest = 0
    for _number, _line, row in _rows(path, dataset):
        if isinstance(row, dict) and (row.get("timestamp") or "").strip().isdigit():
            latest = max(latest, int(row["timestamp"].strip()))
    if not latest:
        raise ImportFailure(f"{path.name} has no timestamp to date the export by: give its version with "
                            "--version (e.g. --version 2024-06-30)", EXIT_UNUSABLE)
    return datetime.fromtimestamp(latest, tz=timezone.utc).date().isoformat()


def _version_key(version: str) -> tuple[int, ...]:
    """A version's numbers, to order releases: GED's 24.0.3 < 24.1 < 25.1, ACLED's dates (2024-06-30)."""
    return tuple(int(n) for n in re.findall(r"\d+", version))


def _changed(record_id: str, old: str, new: dict[str, str]) -> str:
    before = json.loads(old)
    diffs = [f"{c} {before.get(c, '')!s} → {new[c]}" for c in new if before.get(c, "") != new[c]]
    return f"{record_id}: " + ("; ".join(diffs) if diffs else "columns not compared here changed")


@dataclass
class _Run:
    """One import's state while rows stream through."""

    dataset: Dataset
    release: Release
    ref: Reference
    scratch: Path
    chunk_rows: int
    log: Log
    previous: Previous
    places: Gazetteer = field(init=False)
    actors: Roster = field(init=False)
    matcher: Matcher = field(init=False)
    chunk: list[str] = field(default_factory=list)
    chunks: int = 0
    rows: int = 0
    matches: int = 0
    latest: date | None = None
    seen: dict[str, tuple[int, str]] = field(default_factory=dict)  # IRI local name → (row, identifier)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.places, self.actors = Gazetteer(self.dataset, self.ref), Roster(self.dataset, self.ref)
        self.matcher = Matcher(self.ref)
        self.index = (self.scratch / "records.tsv").open("w", encoding="utf-8")
        self.index.write(f"#version\t{self.release.version}\t{self.release.iri}\n")

    def add(self, event: CodedEvent) -> None:
        place, containers = self.places.place_of(event)
        sides = [self.actors.actor_of(s) for s in event.sides]
        incident = incident_iri(event.dataset, event.record_id)
        matches = self.matcher.propose(incident, place, containers, event.start, event.end)
        self.matches += len(matches)
        self.chunk.append(event_turtle(event, self.release, place, self.places.label_of(place), sides, matches))
        self.rows += 1
        self.latest = max(self.latest or event.end, event.end)
        tracked = json.dumps(event.tracked, ensure_ascii=False, sort_keys=True)
        self.index.write(f"{event.record_id}\t{event.digest}\t{tracked}\n")
        old = self.previous.records.pop(event.record_id, None)
        if old is None:
            self.added.append(event.record_id)
        elif old[0] != event.digest:
            self.changed.append(_changed(event.record_id, old[1], event.tracked))
        if len(self.chunk) >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        if self.chunk:
            self.chunks += 1
            path = self.scratch / f"events-{self.chunks:05d}.ttl"
            path.write_text(header() + "".join(self.chunk), encoding="utf-8")
            self.chunk = []

    def finish(self, final: Path) -> None:
        self.flush()
        self.index.close()
        (self.scratch / "release.ttl").write_text(header() + release_turtle(self.release, self.latest), encoding="utf-8")
        (self.scratch / "actors.ttl").write_text(header() + self.actors.turtle(), encoding="utf-8")
        (self.scratch / "places.ttl").write_text(header() + self.places.turtle(), encoding="utf-8")
        changelog = final / "changelog.ttl"
        text = changelog.read_text(encoding="utf-8") if changelog.exists() else header()
        removed = sorted(self.previous.records)
        old_version = self.previous.version
        if old_version is not None and (old_version != self.release.version or self.added or self.changed or removed):
            text += update_turtle(self.release, old_version, self.added, self.changed, removed)
            if _version_key(self.release.version) < _version_key(old_version):
                self.log(f"warning: version {self.release.version} is older than the release it replaced "
                         f"({old_version}); import the newer file again to go back to it")
            self.log(f"release {old_version} → {self.release.version}: {len(self.added)} added, "
                     f"{len(self.changed)} changed, {len(removed)} removed (see {changelog.name})")
        (self.scratch / "changelog.ttl").write_text(text, encoding="utf-8")


def publish(scratch: Path, final: Path) -> list[str]:
    """Move the scratch folder's files into ``final`` where they differ, remove files it no longer has;
    returns the names of the files that changed."""
    final.mkdir(parents=True, exist_ok=True)
    changed = []
    for path in sorted(scratch.iterdir()):
        target = final / path.name
        if target.exists() and filecmp.cmp(path, target, shallow=False):
            continue
        os.replace(path, target)
        changed.append(path.name)
    for stale in sorted(final.iterdir()):
        if stale.is_file() and not (scratch / stale.name).exists() and stale.name not in changed:
            stale.unlink()
            changed.append(stale.name)
    return changed


def _report(path: Path, number: int, line: int, column: str, value: str, message: str) -> str:
    shown = value if len(value) <= 60 else value[:57] + "…"
    return f"{path.name}: row {number} (line {line}), column {column}: {shown!r} {message}"


def import_release(root: Path, dataset: Dataset, path: Path, *, version: str | None = None,
                   on_error: str = "stop", chunk_rows: int = DEFAULT_CHUNK_ROWS, log: Log = print) -> Outcome:
    """Import one release file of ``dataset`` into ``root``; raises :class:`ImportFailure` (nothing written)."""
    if not path.is_file():
        raise ImportFailure(f"no such file: {path}", EXIT_UNUSABLE)
    release = Release(dataset, version or default_version(dataset, path), path.name)
    try:
        ref = load_reference(root)
    except ValueError as exc:
        raise ImportFailure(str(exc), EXIT_UNUSABLE) from exc
    final = root / IMPORTS_FOLDER / dataset.name
    scratch = root / "var" / "import-scratch" / f"{dataset.name}-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        run = _Run(dataset, release, ref, scratch, max(1, chunk_rows), log, Previous.read(final / "records.tsv"))
        skipped = _stream(run, path, on_error, log)
        if not run.rows:
            # an empty release would replace the one in place and remove every record
            raise ImportFailure(
                f"{path.name} has no row to import ({'every row was skipped' if skipped else 'a header only'}): "
                "nothing was written, the release in place is kept", EXIT_BAD_ROW if skipped else EXIT_UNUSABLE)
        run.finish(final)
        changed = publish(scratch, final)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    _warn_lost_confirmations(root, dataset, ref, final, log)
    return Outcome(EXIT_SKIPPED if skipped else EXIT_OK, run.rows, skipped, run.matches, changed, final)


def _stream(run: _Run, path: Path, on_error: str, log: Log) -> int:
    """Feed every row to ``run``; returns how many were skipped (raises at the first bad row with ``stop``)."""
    skipped = 0
    read = READERS[run.dataset.name]
    for number, line, row in _rows(path, run.dataset):
        problems = [("(row)", "", row)] if isinstance(row, str) else []
        event = None
        if isinstance(row, dict):
            event = read(row)
            problems = [(e.column, e.value, e.message) for e in event.errors]
            first = run.seen.get(slug(event.record_id))
            if not problems and first is not None:
                why = (f"appears twice (first at row {first[0]})" if first[1] == event.record_id else
                       f"gives the same IRI as {first[1]!r} at row {first[0]} (identifiers are compared without "
                       "case or punctuation)")
                problems = [(run.dataset.record_id, event.record_id, why)]
            outside = None if problems else run.places.box_problem(event)
            if outside:
                problems = [("latitude, longitude", f"{event.latitude:g}, {event.longitude:g}", outside)]
        if problems:
            for column, value, message in problems:
                log(_report(path, number, line, column, value, message))
            if on_error == "stop":
                raise ImportFailure(f"stopped at row {number}: nothing was written (fix the row, or pass "
                                    "--on-error skip to import the other rows)", EXIT_BAD_ROW)
            skipped += 1
            continue
        assert event is not None
        run.seen[slug(event.record_id)] = (number, event.record_id)
        run.add(event)
    return skipped


def _warn_lost_confirmations(root: Path, dataset: Dataset, ref: Reference, final: Path, log: Log) -> None:
    """Say which confirmed matches point at an event of this dataset the release no longer has."""
    if not ref.confirmed:
        return
    present = Previous.read(final / "records.tsv").records
    prefix = incident_iri(dataset.name, "")
    kept = {incident_iri(dataset.name, r) for r in present}
    for imported, curated in sorted(ref.confirmed):
        if imported.startswith(prefix) and imported not in kept:
            log(f"warning: confirmed match {imported} = {curated} points at an event this release no longer "
                "has; the confirmation is kept, review it in data/ttl/imports/confirmed-matches.ttl")


def run_import(args: argparse.Namespace) -> int:
    """The ``sahel-kg import`` command (exit statuses in the module docstring)."""
    from sahel_kg.settings import settings_of

    settings = settings_of(args)
    dataset = DATASETS[args.dataset]
    try:
        outcome = import_release(settings.project_root, dataset, Path(args.file), version=args.version,
                                 on_error=args.on_error, chunk_rows=args.chunk_rows,
                                 log=lambda m: print(m, file=sys.stderr))
    except ImportFailure as exc:
        print(f"sahel-kg import: {exc}", file=sys.stderr)
        return exc.status
    assert outcome.folder is not None
    shown = outcome.folder.relative_to(settings.project_root) if outcome.folder.is_relative_to(
        settings.project_root) else outcome.folder
    what = f"{len(outcome.changed_files)} file(s) changed" if outcome.changed_files else "nothing changed"
    print(f"imported {outcome.rows} row(s) of {Path(args.file).name} into {shown}/ ({what}; "
          f"{outcome.matches} proposed match(es) to curated incidents)"
          + (f"; {outcome.skipped} row(s) skipped" if outcome.skipped else ""))
    return outcome.status
