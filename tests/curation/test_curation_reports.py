"""What a curator can get wrong, and the report each mistake gives: never a traceback.

Each test makes one mistake in a small valid project (:mod:`curation_project`)
and asserts exactly which problems ``validate`` reports, at which file and
node, with which message; and that ``validate --batched``, ``build`` and
``build --force`` report it too instead of stopping.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sahel_kg.cli import main
from sahel_kg.curation.report import ValidationReport
from sahel_kg.curation.validate import validate_project
from sahel_kg.curation.validate_batched import validate_corpus
from sahel_kg.store.ondisk import current_store_dir
from support.curation_project import edit, make_project

#: One whole-project validate or build per mistake, a second or more each: the curation commands' own lane.
pytestmark = pytest.mark.slow

DOC = "data/ttl/sources/doc.ttl"
DOC2 = "data/ttl/sources/doc2.ttl"
BASE_TTL = "data/ttl/base.ttl"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def run(root: Path, *argv: str) -> int:
    return main(["--root", str(root), *argv])


def sahel_kg(root: Path, *argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The console command in a process of its own, as a curator runs it."""
    import os

    return subprocess.run([sys.executable, "-m", "sahel_kg.cli", "--root", str(root), *argv], capture_output=True,
                          text=True, check=False, env={**os.environ, **(env or {})}, timeout=300)


def found(report: ValidationReport) -> set[tuple[str | None, str, str | None, str]]:
    """(file, focus node, path, source) of every violation, blank nodes as ``_:``."""
    return {(v.file, *v.key()) for v in report.violations}


def line_of(root: Path, relative: str, text: str) -> int:
    lines = (root / relative).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr + done.stdout
    assert "Failed to convert Literal" not in done.stderr


# ---------------------------------------------------------------- 2. ill-typed literals


ILL_TYPED_COUNT = '    shg:low "many"^^xsd:integer ;\n            shg:best 10 ;'


def test_ill_typed_count_is_reported_by_validate_and_batched(root: Path) -> None:
    edit(root / DOC, "    shg:low 60 ;", ILL_TYPED_COUNT)
    report = validate_project(root)
    assert found(report) == {(DOC, "_:", "shg:low", "check:WellFormedLiteral")}
    (v,) = report.violations
    assert v.focus_node == "claim:a shg:count []" and v.value == '"many"^^xsd:integer'
    assert v.message == '"many" is not a valid xsd:integer: write a whole number without quotes, e.g. 60.'
    assert v.line == line_of(root, DOC, '"many"')
    assert found(validate_corpus(root, batch_subjects=3)) == found(report)


def test_text_xml_cannot_carry_is_reported_by_validate_and_batched(root: Path) -> None:
    """The data is served as RDF/XML and SPARQL XML too: a control character there makes them unparseable."""
    edit(root / BASE_TTL, 'rdfs:label "Gao Region"@en', 'rdfs:label "Gao\\u0001 Region"@en')
    report = validate_project(root)
    assert found(report) == {(BASE_TTL, "place:gao", "rdfs:label", "check:WellFormedLiteral")}
    (v,) = report.violations
    assert "U+0001" in v.message and "XML 1.0 cannot carry" in v.message
    assert found(validate_corpus(root, batch_subjects=3)) == found(report)


def test_ill_typed_values_never_give_a_traceback_in_any_command(root: Path) -> None:
    edit(root / DOC, "    shg:low 60 ;", ILL_TYPED_COUNT)
    edit(root / BASE_TTL, 'sem:hasEarliestBeginTimeStamp "2023-01-01"^^xsd:date',
         'sem:hasEarliestBeginTimeStamp "not_a_date"^^xsd:date')
    date_line = line_of(root, BASE_TTL, "not_a_date")
    expected = ('    sem:hasEarliestBeginTimeStamp = "not_a_date"^^xsd:date: "not_a_date" is not a valid xsd:date: '
                f'write a date as YYYY-MM-DD, e.g. "2023-01-01"^^xsd:date. [check:WellFormedLiteral] (line {date_line})')
    expected = expected.replace('"2023-01-01"', '"2024-06-20"')
    for argv in (["validate"], ["validate", "--batched"]):
        done = sahel_kg(root, *argv)
        no_traceback(done)
        assert done.returncode == 1, done.stdout
        assert expected in done.stdout.splitlines()
        assert f"  incident:i (line {line_of(root, BASE_TTL, 'incident:i a shg:Incident')})" in done.stdout.splitlines()
    refused = sahel_kg(root, "build")
    no_traceback(refused)
    assert refused.returncode == 1 and expected in refused.stderr.splitlines()
    assert "validation failed; fix the data or use --force" in refused.stderr
    forced = sahel_kg(root, "build", "--force")
    no_traceback(forced)
    assert forced.returncode == 0 and "validation failed; loading anyway because of --force" in forced.stderr
    assert current_store_dir(root / "var" / "store") is not None


#: One figure of an exact count (5, 5, 5) changed, and what is then reported: (path, value, source).
CHANGED_FIGURES = {
    '"12"': {("shg:low", '"12"', "shapes:CountLow"), ("shg:low", '"12"', "shapes:ExactCountFigures")},
    "-3": {("shg:low", '"-3"^^xsd:integer', "shapes:CountLow"), ("shg:low", '"-3"^^xsd:integer', "shapes:ExactCountFigures")},
    "12.5": {("shg:low", '"12.5"^^xsd:decimal', "shapes:CountLow"), ("shg:low", '"12.5"^^xsd:decimal', "shapes:ExactCountFigures")},
    "12": {("shg:low", '"12"^^xsd:integer', "shapes:ExactCountFigures")},
}


@pytest.mark.parametrize("low", CHANGED_FIGURES)
def test_a_changed_figure_of_an_exact_count_is_reported_once_at_its_property(root: Path, low: str) -> None:
    """Each problem once, at shg:low, never another property's value under shg:low's name."""
    edit(root / DOC, "            shg:low 5 ;\n", f"            shg:low {low} ;\n")
    report = validate_project(root)
    assert {(v.path, v.value, v.source_shape) for v in report.violations} == CHANGED_FIGURES[low]
    exact = next(v for v in report.violations if v.source_shape == "shapes:ExactCountFigures")
    assert exact.message.startswith(f"A count qualified cqual:exact gives one number, but its shg:low is {low.strip(chr(34))}, "
                                    "its shg:best 5 and its shg:high 5:")


def test_an_impossible_date_says_which_day_does_not_exist(root: Path) -> None:
    edit(root / BASE_TTL, 'sem:hasEarliestBeginTimeStamp "2023-01-01"^^xsd:date',
         'sem:hasEarliestBeginTimeStamp "2024-02-30"^^xsd:date')
    (v,) = validate_project(root).violations
    assert (v.file, v.key()) == (BASE_TTL, ("incident:i", "sem:hasEarliestBeginTimeStamp", "check:WellFormedLiteral"))
    assert v.message == ('"2024-02-30" is not a valid xsd:date: February 2024 has 29 days, so there is no 30 February; '
                         "check the day against the source.")


# ---------------------------------------------------------------- 3. a forced build of broken Turtle


def test_forced_build_of_a_syntax_error_fails_cleanly(root: Path) -> None:
    assert sahel_kg(root, "build").returncode == 0
    good = current_store_dir(root / "var" / "store")
    (root / DOC2).write_text((root / DOC2).read_text(encoding="utf-8") + "\nsource:doc2 shg:captureFile .\n")
    for argv in (["build", "--force"], ["build"], ["build", "--force"]):
        done = sahel_kg(root, *argv)
        no_traceback(done)
        assert done.returncode == 2, done.stderr
        last = done.stderr.strip().splitlines()[-1]
        assert last.startswith(f"cannot load {DOC2}:")
        assert last.endswith("; fix that file (--force loads data the shapes refuse, never a file that is not "
                             f"Turtle); nothing was loaded, {good.name} is still the current store")
        assert current_store_dir(root / "var" / "store") == good
        assert not list((root / "var").glob("*.partial"))


# ---------------------------------------------------------------- 4. quotes against the captures


def test_a_changed_quote_is_reported_with_the_nearest_passage(root: Path) -> None:
    edit(root / DOC2, 'oa:exact "Background"', 'oa:exact "Backgruond"')
    report = validate_project(root)
    assert found(report) == {(DOC2, "_:", "oa:exact", "check:QuoteInCapture")}
    (v,) = report.violations
    assert v.focus_node == "claim:c shg:quote []" and v.value == '"Backgruond"'
    assert v.message == ('not found verbatim in doc2.txt. Nearest passage: "Background" — the first difference is at '
                         "character 7, where the capture has 'o' and the quote 'u'. Copy the passage exactly, "
                         "curly quotes included.")
    assert v.line == line_of(root, DOC2, "Backgruond")


def test_straightened_quote_marks_are_reported(root: Path) -> None:
    edit(root / DOC, 'oa:exact "at least 60 people were killed"', 'oa:exact "\\"They killed them all\\", one said"')
    (v,) = validate_project(root).violations
    assert (v.file, v.key()) == (DOC, ("_:", "oa:exact", "check:QuoteInCapture"))
    assert v.message == ('not found verbatim in doc.txt. Nearest passage: "“They killed them all”, one said" — the '
                         "first difference is at character 1, where the capture has '“' and the quote '\"'. "
                         "Copy the passage exactly, curly quotes included.")


def test_speaker_words_are_quotes_too(root: Path) -> None:
    edit(root / DOC, 'shg:speakerWords "They killed them all"@en', 'shg:speakerWords "They killed all of them"@en')
    (v,) = validate_project(root).violations
    assert (v.file, v.key()) == (DOC, ("claim:a", "shg:speakerWords", "check:QuoteInCapture"))


def test_a_missing_capture_says_where_it_is_expected(root: Path, tmp_path: Path) -> None:
    (tmp_path / "shared" / "sources" / "doc2.txt").unlink()
    report = validate_project(root)
    assert found(report) == {(DOC2, "source:doc2", "shg:captureFile", "check:CaptureFile")}
    (v,) = report.violations
    expected_at = tmp_path / "shared" / "sources" / "doc2.txt"
    assert v.message == (f"capture file 'doc2.txt' was not found: the capture is expected at {expected_at} "
                         "(the sources folder is the SAHEL_KG_SOURCES setting).")


def test_a_capture_file_is_a_name_not_a_path(root: Path) -> None:
    edit(root / DOC2, 'shg:captureFile "doc2.txt"', 'shg:captureFile "../doc2.txt"')
    (v,) = validate_project(root).violations
    assert (v.file, v.key()) == (DOC2, ("source:doc2", "shg:captureFile", "check:CaptureFile"))
    assert "is a path; shg:captureFile holds only a file name in the sources folder" in v.message


def test_batched_validation_reports_the_same_lines(root: Path) -> None:
    """Blank nodes are found by what they hold, so a file read in blocks gives the lines of a file read whole."""
    edit(root / DOC, 'shg:speakerWords "They killed them all"@en', 'shg:speakerWords "Spokesman alleges killings"@en')
    edit(root / DOC, "            shg:low 60 ;\n", "            shg:low 60 ;\n            shg:high 50 ;\n")
    edit(root / BASE_TTL, "POINT(-0.5 16.25)", "POINT(16.25 -0.5)")
    whole = {(v.file, v.key(), v.node_line, v.line) for v in validate_project(root).violations}
    assert len(whole) == 4 and all(line for *_, line in whole)
    for size in (3, 1000):
        assert {(v.file, v.key(), v.node_line, v.line) for v in validate_corpus(root, batch_subjects=size).violations} == whole


# ---------------------------------------------------------------- 5. typos


def test_property_typos_are_reported_at_their_file_and_subject(root: Path) -> None:
    edit(root / BASE_TTL, 'actor:person a shg:Person ; rdfs:label "A Spokesman"@en ;',
         'actor:person a shg:Person ; rdfs:label "A Spokesman"@en ; schema:jobTitel "spokesman"@en ;')
    edit(root / DOC2, "dcterms:publisher actor:agency", "dcterms:publsher actor:agency")
    report = validate_project(root)
    assert found(report) == {
        (BASE_TTL, "actor:person", "schema:jobTitel", "check:DeclaredTerm"),
        (DOC2, "source:doc2", "dcterms:publsher", "check:DeclaredTerm"),
        (DOC2, "source:doc2", "dcterms:publisher", "shapes:SourcePublisher"),
    }
    messages = {v.path: v.message for v in report.violations}
    assert messages["schema:jobTitel"] == (
        "schema:jobTitel is not a property of our ontology nor of a vocabulary we reuse "
        "(ontology/reused-terms.csv): did you mean schema:jobTitle?")
    assert messages["dcterms:publsher"].endswith(": did you mean dcterms:publisher?")


def test_a_class_typo_is_reported_at_the_node_that_has_it(root: Path) -> None:
    edit(root / DOC2, "a shg:Claim", "a shg:Cliam")
    report = validate_project(root)
    typo = {(v.file, v.key()): v for v in report.violations if v.source_shape == "check:DeclaredTerm"}
    assert list(typo) == [(DOC2, ("claim:c", "rdf:type", "check:DeclaredTerm"))]
    assert typo[(DOC2, ("claim:c", "rdf:type", "check:DeclaredTerm"))].message == (
        "shg:Cliam is not a class of our ontology nor of a vocabulary we reuse (ontology/reused-terms.csv): "
        "did you mean shg:Claim?")
    # Nothing that only follows from it: the events it is about and its document are not said to lack a claim.
    assert found(report) == {(DOC2, "claim:c", "rdf:type", "check:DeclaredTerm")}
    assert found(validate_corpus(root, batch_subjects=3)) == found(report)
    assert "(not described in any file)" not in report.to_text()


def test_an_own_property_typo_is_no_longer_an_undescribed_iri(root: Path) -> None:
    edit(root / DOC2, "shg:stance stance:reports", "shg:stanse stance:reports")
    assert found(validate_project(root)) == {
        (DOC2, "claim:c", "shg:stanse", "check:DeclaredTerm"),
        (DOC2, "claim:c", "shg:stance", "shapes:ClaimStance"),
    }


def test_datatype_typos_are_reported(root: Path) -> None:
    edit(root / DOC, 'dcterms:issued "2023-01-05"^^xsd:date', 'dcterms:issued "2023-01-05"^^xsd:dat')
    report = validate_project(root)
    assert (DOC, "source:doc", "dcterms:issued", "check:DeclaredTerm") in found(report)
    typo = next(v for v in report.violations if v.source_shape == "check:DeclaredTerm")
    assert typo.message.endswith("did you mean xsd:date?")


# ---------------------------------------------------------------- 6. what a file may hold


def test_a_claim_derived_from_another_files_document(root: Path) -> None:
    edit(root / DOC2, "prov:wasDerivedFrom source:doc2", "prov:wasDerivedFrom source:doc")
    report = validate_project(root)
    assert found(report) == {
        (DOC2, "claim:c", "prov:wasDerivedFrom", "check:SourceFile"),
        (DOC2, "source:doc2", "^prov:wasDerivedFrom", "shapes:SourceHasClaim"),
        (DOC2, "_:", "oa:exact", "check:QuoteInCapture"),  # it is not in the other document's capture
    }
    layout = next(v for v in report.violations if v.source_shape == "check:SourceFile")
    assert layout.message == (
        "claim:c is in data/ttl/sources/doc2.ttl, the file of source:doc2, but is derived from source:doc: "
        "a claim lives in the file of the document it comes from; move it to data/ttl/sources/doc.ttl, "
        "or fix prov:wasDerivedFrom.")
    assert found(validate_corpus(root, batch_subjects=4)) == found(report)


def test_a_source_file_must_describe_its_own_document(root: Path) -> None:
    (root / DOC2).rename(root / "data/ttl/sources/other.ttl")
    assert found(validate_project(root)) == {
        ("data/ttl/sources/other.ttl", "source:other", "rdf:type", "check:SourceFile"),
        ("data/ttl/sources/other.ttl", "source:doc2", "rdf:type", "check:SourceFile"),
        ("data/ttl/sources/other.ttl", "claim:c", "prov:wasDerivedFrom", "check:SourceFile"),
    }


def test_swapped_coordinates_are_reported(root: Path) -> None:
    edit(root / BASE_TTL, "POINT(-0.5 16.25)", "POINT(16.25 -0.5)")
    report = validate_project(root)
    assert found(report) == {(BASE_TTL, "_:", "geo:asWKT", "shapes:GeometryInArea")}
    assert report.violations[0].message.startswith(
        "This point lies outside the bounding box of place:mali, which the place is geo:sfWithin: WKT puts "
        "longitude first")


def test_junit_skips_the_shapes_when_a_file_could_not_be_read(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (root / "data/ttl/sources/broken.ttl").write_text("@prefix x: <urn:x#> .\nx:a x:b .\n", encoding="utf-8")
    assert run(root, "validate", "--format", "junit") == 2
    suite = ET.fromstring(capsys.readouterr().out).find("testsuite")
    assert suite is not None
    assert (suite.get("errors"), suite.get("failures")) == ("1", "0")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert cases["data/ttl/sources/broken.ttl"].find("error") is not None
    skipped = [name for name, case in cases.items() if case.find("skipped") is not None]
    assert sorted(skipped) == sorted(name for name in cases if name != "data/ttl/sources/broken.ttl")
    assert suite.get("skipped") == str(len(skipped)) and len(skipped) > 10
    message = cases[DOC].find("skipped").get("message")  # type: ignore[union-attr]
    assert message == "1 file(s) could not be read; shapes were not checked."


# ---------------------------------------------------------------- 7. settings


def test_validate_and_build_read_the_root_store_and_sources_settings(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    captures = tmp_path / "elsewhere"
    (tmp_path / "shared" / "sources").rename(captures)
    monkeypatch.setenv("SAHEL_KG_ROOT", str(root))
    assert main(["validate"]) == 1  # the captures are not beside the checkout any more
    assert "check:CaptureFile" in capsys.readouterr().out
    monkeypatch.setenv("SAHEL_KG_SOURCES", str(captures))
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("OK: ")
    pointer = tmp_path / "stores" / "current"
    monkeypatch.setenv("SAHEL_KG_STORE", str(pointer))
    assert main(["build"]) == 0
    assert current_store_dir(pointer) is not None and not (root / "var").exists()


def test_the_project_env_file_is_read(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAHEL_KG_SOURCES", raising=False)
    (tmp_path / "shared" / "sources").rename(root / "captures")
    assert run(root, "validate") == 1
    (root / ".env").write_text("SAHEL_KG_SOURCES=captures\n", encoding="utf-8")
    assert run(root, "validate") == 0


def test_an_unknown_root_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "sahel_kg.cli", "validate"], capture_output=True, text=True,
                          env={"SAHEL_KG_PORT": "not a number", "PATH": ""}, check=False, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("sahel-kg: ")


def test_fmt_never_rewrites_an_ill_typed_value(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """rdflib would write "yes"^^xsd:boolean back as false: fmt refuses and changes nothing."""
    path = root / DOC
    edit(path, 'dcterms:issued "2023-01-05"^^xsd:date ;', 'dcterms:issued "2023-01-05"^^xsd:date ; shg:subtotal "yes"^^xsd:boolean ;')
    before = path.read_text(encoding="utf-8")
    assert run(root, "fmt", str(path)) == 2
    err = capsys.readouterr().err
    assert err.endswith(": cannot format, the file is unchanged: a value that is not true, false, 1 or 0 is not a "
                        "valid xsd:boolean: write true or false, without quotes.\n")
    assert "Traceback" not in err and "Failed to convert" not in err
    assert path.read_text(encoding="utf-8") == before
    assert (DOC, "source:doc", "shg:subtotal", "check:WellFormedLiteral") in found(validate_project(root))
