"""``sahel-kg build``: one graph per file, validation gate, atomic swaps, skipping, locking."""

from __future__ import annotations

import argparse
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
import pytest

from sahel_kg.curation import build
from sahel_kg.project import turtle_files
from sahel_kg.store.ondisk import STAMP_SUFFIX, current_store_dir, open_read_only, stamp_path


@dataclass
class Report:
    conforms: bool
    text: str = "report"

    def to_text(self) -> str:
        return self.text


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tiny project: one ontology file, one shapes file, two data files."""
    files = {
        "ontology/core.ttl": "<https://w3id.org/sahel-harm/ontology/X> a <http://www.w3.org/2002/07/owl#Class> .",
        "shapes/s.ttl": "<https://w3id.org/sahel-harm/shapes/S> a <http://www.w3.org/ns/shacl#NodeShape> .",
        "data/ttl/places.ttl": "<https://w3id.org/sahel-harm/id/place/a> <http://www.w3.org/2000/01/rdf-schema#label> \"A\" .",
        "data/ttl/sources/one.ttl": "<https://w3id.org/sahel-harm/id/claim/c> a <https://w3id.org/sahel-harm/ontology/Claim> .",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


@pytest.fixture
def valid(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Make validation pass, recording the roots it was asked about."""
    calls: list[Path] = []

    def validate_project(root: Path) -> Report:
        calls.append(root)
        return Report(True)

    monkeypatch.setattr(build, "check", lambda root, **_: (validate_project(root).conforms, "ok"))
    return calls


def test_one_named_graph_per_file(project: Path, valid: list[Path]) -> None:
    pointer = project / "var" / "store"
    result = build.build_store(project, pointer, log=lambda m: None)
    assert result.status == "built" and valid == [project]
    store = open_read_only(pointer)
    graphs = {g.value for g in store.named_graphs()}
    assert graphs == {f.graph_iri for f in turtle_files(project)}
    assert len(store) == 4
    assert "https://w3id.org/sahel-harm/graph/sources/one" in graphs


def test_unchanged_inputs_skip_and_changes_rebuild(project: Path, valid: list[Path]) -> None:
    pointer = project / "var" / "store"
    first = build.build_store(project, pointer, log=lambda m: None)
    again = build.build_store(project, pointer, log=lambda m: None)
    assert again.status == "unchanged" and again.store_dir == first.store_dir
    (project / "data/ttl/places.ttl").write_text("<https://w3id.org/sahel-harm/id/place/b> a <https://w3id.org/sahel-harm/ontology/Place> .")
    changed = build.build_store(project, pointer, log=lambda m: None)
    assert changed.status == "built" and changed.store_dir != first.store_dir
    assert current_store_dir(pointer) == changed.store_dir
    assert pointer.is_symlink() and not os.path.isabs(os.readlink(pointer))
    forced = build.build_store(project, pointer, force=True, log=lambda m: None)
    assert forced.status == "built" and forced.store_dir != changed.store_dir


def test_invalid_data_is_refused_unless_forced(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "check", lambda root, **_: (False, "Violation: claim:c has no speaker"))
    pointer = project / "var" / "store"
    printed: list[str] = []
    refused = build.build_store(project, pointer, log=printed.append)
    assert refused.status == "refused" and current_store_dir(pointer) is None
    assert "Violation: claim:c has no speaker" in printed
    forced = build.build_store(project, pointer, force=True, log=printed.append)
    assert forced.status == "built" and current_store_dir(pointer) == forced.store_dir


def test_check_uses_the_validation_module(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    fake = types.ModuleType("sahel_kg.curation.validate")
    fake.validate_project = lambda root, **_: Report(False, f"bad data in {root.name}")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sahel_kg.curation.validate", fake)
    assert build.check(project) == (False, f"bad data in {project.name}")


def test_interrupted_build_keeps_the_previous_store_and_cleans_up(
    project: Path, valid: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pointer = project / "var" / "store"
    good = build.build_store(project, pointer, log=lambda m: None)
    (project / "data/ttl/places.ttl").write_text("<https://w3id.org/sahel-harm/id/place/c> a <https://w3id.org/sahel-harm/ontology/Place> .")
    real_load = build.load_files

    def crash(directory: Path, files: object, *rest: object) -> None:
        real_load(directory, files, *rest)  # type: ignore[arg-type]
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(build, "load_files", crash)
    with pytest.raises(KeyboardInterrupt):
        build.build_store(project, pointer, log=lambda m: None)
    assert current_store_dir(pointer) == good.store_dir
    assert not list(pointer.parent.glob("*.partial"))
    monkeypatch.setattr(build, "load_files", real_load)
    rebuilt = build.build_store(project, pointer, log=lambda m: None)
    assert rebuilt.status == "built" and not list(pointer.parent.glob("*.partial"))


def test_what_a_power_cut_leaves_is_removed_by_the_next_build_even_when_unchanged(
    project: Path, valid: list[Path]
) -> None:
    pointer = project / "var" / "store"
    good = build.build_store(project, pointer, log=lambda m: None)
    leftover = pointer.parent / "store-0123456789abcdef-1.partial"
    leftover.mkdir()
    (leftover / "000001.sst").write_text("half a store")
    again = build.build_store(project, pointer, log=lambda m: None)
    assert again.status == "unchanged" and again.store_dir == good.store_dir
    assert not leftover.exists()


@pytest.mark.parametrize("force", [False, True])
def test_broken_turtle_fails_without_touching_the_pointer(project: Path, valid: list[Path], force: bool) -> None:
    pointer = project / "var" / "store"
    good = build.build_store(project, pointer, log=lambda m: None)
    (project / "data/ttl/places.ttl").write_text("this is not turtle")
    failed = build.build_store(project, pointer, force=force, log=lambda m: None)
    assert failed.status == "failed" and failed.store_dir == good.store_dir
    assert failed.message.startswith("cannot load data/ttl/places.ttl:1: ")
    assert failed.message.endswith("; fix that file (--force loads data the shapes refuse, never a file that is "
                                   f"not Turtle); nothing was loaded, {good.store_dir.name} is still the current store")
    assert current_store_dir(pointer) == good.store_dir
    assert len(open_read_only(pointer)) == 4
    assert not list(pointer.parent.glob("*.partial"))


def test_concurrent_builds_build_once(project: Path, valid: list[Path]) -> None:
    pointer = project / "var" / "store"
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: build.build_store(project, pointer, log=lambda m: None), range(4)))
    assert sorted(r.status for r in results) == ["built", "unchanged", "unchanged", "unchanged"]
    assert len({r.store_dir for r in results}) == 1


def _hash_refused(root: Path, paths: object) -> str:
    raise AssertionError("the inputs were hashed")


def test_an_untouched_project_is_up_to_date_without_hashing_its_inputs(
        project: Path, valid: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """At 1M incidents hashing every input took `serve` over 10 minutes before it listened; the stamp the
    build keeps beside the store (paths, sizes, modification and status-change times, inodes) answers in one directory walk."""
    pointer = project / "var" / "store"
    first = build.build_store(project, pointer, log=lambda m: None)
    assert first.store_dir is not None and stamp_path(first.store_dir).is_file()
    monkeypatch.setattr(build, "inputs_hash", _hash_refused)
    again = build.build_store(project, pointer, log=lambda m: None)
    assert again.status == "unchanged" and again.store_dir == first.store_dir


def test_a_touched_file_is_hashed_once_and_an_edited_one_rebuilds(
        project: Path, valid: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    pointer = project / "var" / "store"
    first = build.build_store(project, pointer, log=lambda m: None)
    places = project / "data/ttl/places.ttl"
    os.utime(places, ns=(places.stat().st_atime_ns, places.stat().st_mtime_ns + 5_000_000_000))  # touched
    touched = build.build_store(project, pointer, log=lambda m: None)  # hashed: the same bytes, so unchanged
    assert touched.status == "unchanged" and touched.store_dir == first.store_dir
    with monkeypatch.context() as patched:  # the touch is now in the stamp: no hash needed again
        patched.setattr(build, "inputs_hash", _hash_refused)
        assert build.build_store(project, pointer, log=lambda m: None).status == "unchanged"
    places.write_text(places.read_text() + "\n<https://w3id.org/sahel-harm/id/place/b> a <https://w3id.org/sahel-harm/ontology/Place> .")
    edited = build.build_store(project, pointer, log=lambda m: None)
    assert edited.status == "built" and edited.store_dir != first.store_dir
    added = project / "data/ttl/sources/two.ttl"
    added.write_text("<https://w3id.org/sahel-harm/id/claim/d> a <https://w3id.org/sahel-harm/ontology/Claim> .")
    assert build.build_store(project, pointer, log=lambda m: None).status == "built"


def _same_size_edit_keeping_mtime(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` (same length) and put the modification time back, as ``cp -p``,
    ``touch -r``, ``rsync -t`` and ``tar -x`` do, and as a clock of 1 s (HFS+, ext3, FAT, many network
    file systems) does to two saves in the same second."""
    before = path.stat()
    assert len(old) == len(new) and old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_a_same_size_edit_whose_mtime_was_put_back_rebuilds(project: Path, valid: list[Path]) -> None:
    """Size and modification time alone do not tell this edit apart; the stamp must not call it unchanged."""
    pointer = project / "var" / "store"
    first = build.build_store(project, pointer, log=lambda m: None)
    _same_size_edit_keeping_mtime(project / "data/ttl/places.ttl", '"A"', '"B"')
    again = build.build_store(project, pointer, log=lambda m: None)
    assert again.status == "built" and again.store_dir != first.store_dir
    labels = {q.object.value for q in open_read_only(pointer).quads_for_pattern(None, None, None, None)
              if isinstance(q.object, pyoxigraph.Literal)}
    assert "B" in labels and "A" not in labels


def test_a_stamp_that_cannot_be_written_costs_a_hash_not_the_build(project: Path, valid: list[Path]) -> None:
    """The stamp only saves the next build a hash: when it cannot be kept (disk full, a folder in its
    place), the build still says what it did, with no traceback and no temporary file left behind."""
    pointer = project / "var" / "store"
    first = build.build_store(project, pointer, log=lambda m: None)
    assert first.store_dir is not None
    stamp = stamp_path(first.store_dir)
    stamp.unlink()
    stamp.mkdir()  # os.replace over it fails, as a full disk would fail the write
    places = project / "data/ttl/places.ttl"
    os.utime(places, ns=(places.stat().st_atime_ns, places.stat().st_mtime_ns + 5_000_000_000))  # touched
    touched = build.build_store(project, pointer, log=lambda m: None)
    assert touched.status == "unchanged" and touched.store_dir == first.store_dir
    assert [p.name for p in pointer.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_an_editors_lock_link_beside_an_edit_is_no_input(project: Path, valid: list[Path]) -> None:
    """Emacs keeps ``.#places.ttl``, a link to nowhere, beside every file edited and not yet saved: it is
    no Turtle file, and the build (whose stamp already leaves it out) must not die reading it."""
    pointer = project / "var" / "store"
    first = build.build_store(project, pointer, log=lambda m: None)
    (project / "data/ttl/.#places.ttl").symlink_to("user@host.1234:1700000000")
    (project / "ontology/rules").mkdir()
    (project / "ontology/rules/.#grade.rq").symlink_to("user@host.1234:1700000000")
    sources = project / "data/ttl/sources/one.ttl"
    sources.write_text(sources.read_text() + "\n# saved\n")
    edited = build.build_store(project, pointer, log=lambda m: None)
    assert edited.status == "built" and edited.store_dir != first.store_dir
    assert ".#places.ttl" not in {f.path.name for f in turtle_files(project)}


def test_stamps_go_with_their_stores(project: Path, valid: list[Path]) -> None:
    pointer = project / "var" / "store"
    for _ in range(4):
        build.build_store(project, pointer, force=True, log=lambda m: None)
    stores = {d.name for d in pointer.parent.glob("store-*") if d.is_dir() and not d.is_symlink()}
    stamps = {p.name.removesuffix(STAMP_SUFFIX) for p in pointer.parent.glob(f"store-*{STAMP_SUFFIX}")}
    assert stamps == stores


def test_old_stores_are_pruned(project: Path, valid: list[Path]) -> None:
    pointer = project / "var" / "store"
    for _ in range(4):
        build.build_store(project, pointer, force=True, log=lambda m: None)
    stores = [d for d in pointer.parent.glob("store-*") if d.is_dir() and not d.is_symlink()]
    assert len(stores) == 1 + build.KEEP_PREVIOUS


def test_run_build_exit_status(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(build, "check", lambda root, **_: (False, "the report"))
    args = argparse.Namespace(root=project, store=None, force=False)
    assert build.run_build(args) == 1
    assert "the report" in capsys.readouterr().err
    args.force = True
    assert build.run_build(args) == 0
    assert isinstance(open_read_only(project / "var" / "store"), pyoxigraph.Store)
