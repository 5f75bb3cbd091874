"""The ``validate``, ``fmt`` and ``new-source`` commands on a temporary project.

Each test gets its own copy of the ontology and shapes with a small valid
dataset (the shape examples' ``BASE``), so the curated data being edited in
the checkout never changes the outcome.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH

from sahel_kg.cli import main
from sahel_kg.curation.fmt import format_turtle
from sahel_kg.curation.validate import validate_project
from sahel_kg.namespaces import PREFIXES
from support.curation_project import edit, make_project
from support.project_data import ROOT
from support.shape_examples import BASE, PREFIX_LINES

CHECKOUT = ROOT
DCTERMS_SOURCE = URIRef(PREFIXES["dcterms"] + "source")

#: A claim with two problems: no source document, and a count without a qualifier
#: (its quote is in doc.txt, the capture of the file it is added to).
BAD_CLAIM = PREFIX_LINES + """
claim:bad a shg:Claim ; rdfs:label "Bad"@en ; shg:about incident:i ;
    prov:wasAttributedTo actor:person ; shg:stance stance:alleges ;
    shg:quote [ a oa:TextQuoteSelector ; oa:exact "The army denied it" ] ;
    shg:count [ a shg:Count ; shg:countType ctype:killed ; shg:low 3 ] .
"""

BROKEN = """@prefix shg: <https://w3id.org/sahel-harm/ontology/> .
<https://w3id.org/sahel-harm/id/place/x> a shg:Place .
<https://w3id.org/sahel-harm/id/place/y> a shg:Place ;
    shg:placePrecision .
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project root with the real ontology and shapes and a small valid dataset (BASE as
    files), its captures in ../shared/sources beside it."""
    return make_project(tmp_path)


def run(root: Path, *argv: str) -> int:
    return main(["--root", str(root), *argv])


def append(root: Path, relative: str, text: str) -> Path:
    """Add Turtle (with its own prefixes) at the end of a project file."""
    path = root / relative
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")
    return path


def add(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- validate


def test_valid_project_exits_0(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(root, "validate") == 0
    assert capsys.readouterr().out.startswith("OK:")


def test_api_report_for_valid_and_invalid_project(root: Path) -> None:
    assert validate_project(root).conforms
    append(root, "data/ttl/sources/doc.ttl", BAD_CLAIM)
    report = validate_project(root)
    assert not report.conforms and report.exit_code == 1 and not report.syntax_errors
    assert {(v.file, v.key()) for v in report.violations} == {
        ("data/ttl/sources/doc.ttl", ("claim:bad", "prov:wasDerivedFrom", "shapes:ClaimDerivedFrom")),
        ("data/ttl/sources/doc.ttl", ("_:", "shg:countQualifier", "shapes:CountQualifier")),
    }


def test_text_report_groups_by_file_then_focus_node(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    append(root, "data/ttl/sources/doc.ttl", BAD_CLAIM)
    assert run(root, "validate") == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "data/ttl/sources/doc.ttl"
    written = (root / "data/ttl/sources/doc.ttl").read_text(encoding="utf-8").splitlines()
    claim = next(n for n, text in enumerate(written, start=1) if text.startswith("claim:bad"))
    count = next(n for n, text in enumerate(written, start=1) if n >= claim and "shg:count [" in text)
    assert f"  claim:bad (line {claim})" in lines
    assert f"  claim:bad shg:count [] (line {count})" in lines
    derived = next(line for line in lines if "[shapes:ClaimDerivedFrom]" in line)
    assert derived.startswith("    prov:wasDerivedFrom: A claim must name exactly one source document")
    assert lines[-1].startswith("2 violation(s) in 1 file(s)")


def test_turtle_report_is_a_shacl_report_with_files(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    append(root, "data/ttl/sources/doc.ttl", BAD_CLAIM)
    assert run(root, "validate", "--format", "turtle") == 1
    report = Graph().parse(data=capsys.readouterr().out, format="turtle")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(False)
    results = set(report.subjects(RDF.type, SH.ValidationResult))
    assert {report.value(r, SH.sourceShape) for r in results} == {
        URIRef(PREFIXES["shapes"] + "ClaimDerivedFrom"), URIRef(PREFIXES["shapes"] + "CountQualifier")}
    assert {report.value(r, DCTERMS_SOURCE) for r in results} == {Literal("data/ttl/sources/doc.ttl")}


def test_junit_report_has_one_case_per_file_and_a_failure_per_violation(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    append(root, "data/ttl/sources/doc.ttl", BAD_CLAIM)
    assert run(root, "validate", "--format", "junit") == 1
    suite = ET.fromstring(capsys.readouterr().out).find("testsuite")
    assert suite is not None and suite.get("failures") == "2" and suite.get("errors") == "0"
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert "data/ttl/base.ttl" in cases and "shapes/claims.ttl" in cases
    assert cases["data/ttl/base.ttl"].find("failure") is None
    failures = cases["data/ttl/sources/doc.ttl"].findall("failure")
    assert sorted(f.get("type") for f in failures) == ["shapes:ClaimDerivedFrom", "shapes:CountQualifier"]
    assert all(f.get("message") for f in failures)


def test_output_option_writes_the_report(root: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.xml"
    assert run(root, "validate", "--format", "junit", "--output", str(target)) == 0
    suite = ET.parse(target).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "0"


def test_syntax_error_names_file_and_line_and_exits_2(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add(root, "data/ttl/sources/broken.ttl", BROKEN)
    assert run(root, "validate") == 2
    out = capsys.readouterr().out
    assert out.startswith("data/ttl/sources/broken.ttl:4: Turtle syntax error")
    assert "Traceback" not in out


def test_syntax_error_in_junit_is_an_error_case(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add(root, "data/ttl/sources/broken.ttl", BROKEN)
    assert run(root, "validate", "--format", "junit") == 2
    suite = ET.fromstring(capsys.readouterr().out).find("testsuite")
    assert suite is not None and suite.get("errors") == "1"
    (error,) = suite.iter("error")
    assert "data/ttl/sources/broken.ttl:4:" in (error.get("message") or "")


def test_console_script_reports_syntax_error_without_traceback(root: Path) -> None:
    add(root, "data/ttl/sources/broken.ttl", BROKEN)
    done = subprocess.run(
        [sys.executable, "-m", "sahel_kg.cli", "--root", str(root), "validate"],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 2
    assert "data/ttl/sources/broken.ttl:4:" in done.stdout
    assert "Traceback" not in done.stderr


def test_extra_file_is_validated_with_the_project(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = tmp_path / "draft.ttl"
    extra.write_text(BAD_CLAIM, encoding="utf-8")
    assert run(root, "validate", str(extra)) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == str(extra)
    assert "[shapes:ClaimDerivedFrom]" in out
    fixed = BAD_CLAIM.replace("shg:stance stance:alleges", "prov:wasDerivedFrom source:doc ; shg:stance stance:alleges")
    extra.write_text(fixed.replace('shg:countType ctype:killed', 'shg:countType ctype:killed ; shg:countQualifier cqual:at-least'))
    assert run(root, "validate", str(extra)) == 0


def test_missing_extra_file_exits_2(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(root, "validate", str(tmp_path / "nope.ttl")) == 2
    assert "cannot read file" in capsys.readouterr().out


def line_of(path: Path, text: str, *, after: int = 0) -> int:
    """The first line of ``path`` after line ``after`` that holds ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if n > after and text in line)


def block_of(path: Path, subject: str) -> int:
    """The line where the block of ``subject`` starts (it opens the line)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line == subject or line.startswith(subject + " "))


def test_every_message_names_the_line_of_its_node_and_of_its_value(root: Path) -> None:
    """Six curator mistakes at once, each reported at its node's block and at the triple it is about, even where
    the same words are written earlier in the file (a label holding a speaker's words)."""
    doc, doc2, base = (root / "data/ttl/sources/doc.ttl", root / "data/ttl/sources/doc2.ttl", root / "data/ttl/base.ttl")
    edit(doc2, "    dcterms:publisher actor:agency ;\n", "")  # a source without its publisher
    edit(base, "POINT(-0.5 16.25)", "POINT(16.25 -0.5)")  # latitude and longitude swapped
    edit(base, 'rdfs:label "News Agency"@en', 'rdfs:label "News Agency"')  # a label without its language
    edit(doc, "            shg:low 60 ;\n", "            shg:low 60 ;\n            shg:high 50 ;\n")  # bad figures
    edit(doc2, "shg:stance stance:reports", "shg:stance stance:report")  # a stance typo
    edit(doc, "shg:mentions actor:group", "shg:mentions actor:grup")  # a dangling actor IRI
    edit(doc, 'shg:speakerWords "They killed them all"@en', 'shg:speakerWords "Spokesman alleges killings"@en')
    claim_a = block_of(doc, "claim:a")
    at_least = line_of(doc, "cqual:at-least", after=claim_a)
    count = max(n for n in range(claim_a, at_least) if "[" in doc.read_text(encoding="utf-8").splitlines()[n - 1])
    # the at-least count: the last "[" that opens before its qualifier (other counts may be written first)
    assert line_of(doc, "Spokesman alleges killings") < line_of(doc, "shg:speakerWords")  # the label comes first
    expected = {
        ("data/ttl/sources/doc2.ttl", "source:doc2", "shapes:SourcePublisher"): (block_of(doc2, "source:doc2"),) * 2,
        ("data/ttl/base.ttl", "_:", "shapes:GeometryInArea"): (line_of(base, "geo:hasGeometry"), line_of(base, "POINT(16.25")),
        ("data/ttl/base.ttl", "actor:agency", "shapes:LabelLanguage"): (block_of(base, "actor:agency"),) * 2,
        ("data/ttl/base.ttl", "actor:agency", "shapes:ActorLabel"): (block_of(base, "actor:agency"),) * 2,
        ("data/ttl/sources/doc.ttl", "_:", "shapes:AtLeastCountNoHigh"): (count, line_of(doc, "shg:high 50")),
        ("data/ttl/sources/doc.ttl", "_:", "shapes:CountLowNotAboveHigh"): (count, line_of(doc, "shg:low 60")),
        ("data/ttl/sources/doc2.ttl", "claim:c", "shapes:ClaimStance"): (block_of(doc2, "claim:c"), line_of(doc2, "stance:report ;")),
        ("data/ttl/sources/doc2.ttl", "stance:report", "shapes:DescribedIriType"): (line_of(doc2, "stance:report ;"),) * 2,
        ("data/ttl/sources/doc.ttl", "claim:a", "shapes:ClaimMentions"): (claim_a, line_of(doc, "actor:grup")),
        ("data/ttl/sources/doc.ttl", "actor:grup", "shapes:DescribedIriType"): (line_of(doc, "actor:grup"),) * 2,
        ("data/ttl/sources/doc.ttl", "claim:a", "check:QuoteInCapture"): (claim_a, line_of(doc, "shg:speakerWords")),
    }
    report = validate_project(root)
    got = {(v.file, v.key()[0], v.source_shape): (v.node_line, v.line) for v in report.violations}
    assert got == expected


# ---------------------------------------------------------------- fmt


def test_fmt_check_lists_files_and_says_how_to_fix(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(root, "fmt", "--check") == 1
    err = capsys.readouterr().err
    base = str(root / "data" / "ttl" / "base.ttl")
    assert f"1 Turtle file is not in canonical form:\n  {base}\n" in err
    assert f"sahel-kg fmt {base}" in err
    assert "drops # comments" in err
    command = err.split("Fix it by running:\n  ", 1)[1].split(" fmt ", 1)[0]
    assert shutil.which(command) or (Path.cwd() / command).is_file(), f"{command!r} cannot be run from here"


def test_fmt_check_names_the_command_as_it_can_be_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not `sahel-kg` when it is not on PATH (an environment that is not activated): its path."""
    from sahel_kg.curation.fmt import check_message

    checkout = tmp_path / "checkout"
    (checkout / ".venv" / "bin").mkdir(parents=True)
    (checkout / ".venv" / "bin" / "sahel-kg").write_text("#!/bin/sh\n", encoding="utf-8")
    monkeypatch.setattr(sys, "executable", str(checkout / ".venv" / "bin" / "python"))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    monkeypatch.chdir(checkout)
    message = check_message([checkout / "data" / "ttl" / "events.ttl"])
    assert "Fix it by running:\n  .venv/bin/sahel-kg fmt data/ttl/events.ttl\n" in message
    assert "(or `.venv/bin/sahel-kg fmt` to rewrite" in message


def test_fmt_rewrites_keeps_the_graph_and_is_idempotent(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = root / "data" / "ttl" / "base.ttl"
    before = Graph().parse(path)
    assert run(root, "fmt") == 0
    first = path.read_text(encoding="utf-8")
    assert first != BASE
    assert isomorphic(before, Graph().parse(path))
    assert run(root, "fmt", "--check") == 0
    assert run(root, "fmt", str(path)) == 0
    assert path.read_text(encoding="utf-8") == first
    assert run(root, "validate") == 0


COUNT_A = '[ a shg:Count ; shg:countType ctype:killed ; shg:low 3 ; shg:note [ shg:x "a" ] ]'
COUNT_B = '[ a shg:Count ; shg:countType ctype:injured ; shg:low 4 ; shg:note [ shg:x "b" ] ]'
SHARED = "claim:b shg:ref _:s . claim:c shg:ref _:s . _:s shg:x 1 ."


@pytest.mark.parametrize("ordering", ["a-then-b", "b-then-a"])
def test_formatting_does_not_depend_on_blank_node_order(ordering: str) -> None:
    """Nested and shared blank nodes come out the same whatever the input order."""
    first, second = (COUNT_A, COUNT_B) if ordering == "a-then-b" else (COUNT_B, COUNT_A)
    text = f"{PREFIX_LINES}\nclaim:a shg:count {first} , {second} .\n{SHARED}\n"
    expected = f"{PREFIX_LINES}\n{SHARED}\nclaim:a shg:count {COUNT_A} , {COUNT_B} .\n"
    for _ in range(ordering.count("b") * 7):
        BNode()  # shift the parser's blank node counter
    assert format_turtle(text) == format_turtle(expected)
    assert "_:b" in format_turtle(text)  # the shared node gets a stable short label


def test_fmt_on_broken_file_exits_2(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = add(root, "data/ttl/sources/broken.ttl", BROKEN)
    assert run(root, "fmt", str(path)) == 2
    assert ":4: cannot format" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == BROKEN


# ---------------------------------------------------------------- new-source


def test_new_source_scaffold_is_canonical_and_lists_what_is_missing(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(root, "new-source", "ap-new-story", "--title", "A new story", "--capture-file", "005.txt") == 0
    out = capsys.readouterr().out
    capture = root.parent / "shared" / "sources" / "005.txt"
    assert f"     {capture} does not exist yet: save the captured text there;" in out
    path = root / "data" / "ttl" / "sources" / "ap-new-story.ttl"
    text = path.read_text(encoding="utf-8")
    skeleton, comment = text.split("\n# ", 1)
    assert format_turtle(skeleton) == skeleton.rstrip("\n") + "\n"
    assert "claim:ap-new-story-example" in comment
    graph = Graph().parse(path)
    doc = URIRef(PREFIXES["source"] + "ap-new-story")
    assert graph.value(doc, URIRef(PREFIXES["shg"] + "captureFile")) == Literal("005.txt")
    assert graph.value(doc, URIRef(PREFIXES["dcterms"] + "title")) == Literal("A new story", lang="en")
    report = validate_project(root)
    assert {(v.file, v.key()) for v in report.violations} == {
        ("data/ttl/sources/ap-new-story.ttl", ("source:ap-new-story", "dcterms:publisher", "shapes:SourcePublisher")),
        ("data/ttl/sources/ap-new-story.ttl", ("source:ap-new-story", "^prov:wasDerivedFrom", "shapes:SourceHasClaim")),
        ("data/ttl/sources/ap-new-story.ttl", ("source:ap-new-story", None, "shapes:SourceDated")),
        ("data/ttl/sources/ap-new-story.ttl", ("source:ap-new-story", "shg:captureFile", "check:CaptureFile")),
    }
    missing = next(v for v in report.violations if v.source_shape == "check:CaptureFile")
    assert missing.message == (f"capture file '005.txt' was not found: the capture is expected at {capture} "
                               "(the sources folder is the SAHEL_KG_SOURCES setting).")


def test_new_source_title_language(root: Path) -> None:
    assert run(root, "new-source", "fr-story", "--title", "Une histoire", "--language", "fr") == 0
    graph = Graph().parse(root / "data" / "ttl" / "sources" / "fr-story.ttl")
    doc = URIRef(PREFIXES["source"] + "fr-story")
    assert graph.value(doc, URIRef(PREFIXES["dcterms"] + "title")) == Literal("Une histoire", lang="fr")


def test_new_source_example_claim_validates_once_uncommented_and_filled_in(root: Path) -> None:
    assert run(root, "new-source", "ap-new-story", "--title", "A new story") == 0
    path = root / "data" / "ttl" / "sources" / "ap-new-story.ttl"
    lines = path.read_text(encoding="utf-8").splitlines()
    code = [line[2:] for line in lines if line.startswith("# ") and not line[2:].startswith(("Example", "(speaker"))]
    code = [c for c in code if not c.startswith("these comments")]
    example = "\n".join(code).replace("incident:some-incident", "incident:i").replace("actor:some-speaker", "actor:person")
    document = ('source:ap-new-story dcterms:publisher actor:agency ; dcterms:issued "2024-01-02"^^xsd:date .\n')
    path.write_text(path.read_text(encoding="utf-8") + example + "\n" + document, encoding="utf-8")
    capture = root.parent / "shared" / "sources" / "ap-new-story.txt"
    capture.write_text("A new story. It says the passage, copied verbatim from the document, here.\n")
    assert validate_project(root).conforms, validate_project(root).to_text()


def test_new_source_refuses_to_overwrite(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(root, "new-source", "ap-x", "--title", "X") == 0
    path = root / "data" / "ttl" / "sources" / "ap-x.ttl"
    path.write_text("# curated\n", encoding="utf-8")
    assert run(root, "new-source", "ap-x", "--title", "Y") == 1
    assert "already exists" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "# curated\n"


@pytest.mark.parametrize("slug", ["AP-x", "ap_x", "ap--x", "-ap", "ap-", "été", "ap x", ""])
def test_new_source_rejects_bad_slugs(root: Path, slug: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(root, "new-source", "--title", "X", "--", slug) == 2
    assert "invalid slug" in capsys.readouterr().err
    assert sorted(p.name for p in (root / "data" / "ttl" / "sources").iterdir()) == ["doc.ttl", "doc2.ttl"]
