"""``sahel-kg coverage``: every sentence of every captured source is quoted by a claim or marked.

Runs the command over the curated data (so CI fails when a new sentence,
source or edit leaves a sentence unaccounted for) and checks how it splits,
locates and reports on small examples.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from sahel_kg.cli import main
from sahel_kg.curation.coverage import Passage, Sentence, covers, locate, read_data, source_coverage, split_sentences
from support.project_data import ROOT, SOURCES_DIR

needs_captures = pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason=f"captured source documents not found at {SOURCES_DIR}")
SLUGS = sorted(p.stem for p in (ROOT / "data" / "ttl" / "sources").glob("*.ttl"))


@needs_captures
def test_every_sentence_of_every_source_is_quoted_or_marked(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--sources", str(SOURCES_DIR), "coverage", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    unaccounted = [(s["source"], e["index"], e["text"]) for s in report["sources"]
                   for e in s["sentences"] if e["status"] == "unaccounted"]
    missing = [(s["source"], p) for s in report["sources"] for p in s["not_in_capture"]]
    assert (unaccounted, missing) == ([], [])
    assert code == 0 and report["ok"]
    assert sorted(s["source"].removeprefix("source:") for s in report["sources"]) == SLUGS


@needs_captures
def test_marks_give_a_role_and_a_reason(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--sources", str(SOURCES_DIR), "coverage", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    marks = [m for s in report["sources"] for e in s["sentences"] for m in e["marks"]]
    assert marks and all(m["role"].startswith("passage:") and len(m["reason"]) > 20 for m in marks)
    roles = {m["role"] for m in marks}
    assert roles == {"passage:furniture", "passage:document-metadata", "passage:editorial", "passage:background"}


@needs_captures
def test_the_text_report_names_claims_and_marks(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--sources", str(SOURCES_DIR), "coverage", "weafrica24-amassine-killings"])
    out = capsys.readouterr().out
    assert code == 0
    assert "claim:wa24-security-source-dead-were-terrorists" in out and "passage:furniture:" in out
    assert out.rstrip().endswith("OK: every sentence is quoted by a claim or marked.")


def _copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "data", root / "data")
    return root


@needs_captures
def test_an_unmarked_sentence_fails_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy_project(tmp_path)
    path = root / "data" / "ttl" / "sources" / "csp-dpa-accuses-army-wagner.ttl"
    graph = Graph().parse(path)
    graph.update("""PREFIX oa: <http://www.w3.org/ns/oa#>
        DELETE { ?s oa:exact ?e } WHERE { ?s oa:exact ?e FILTER STRSTARTS(?e, "The international community must step in") }""")
    path.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    code = main(["--root", str(root), "--sources", str(SOURCES_DIR), "coverage", "csp-dpa-accuses-army-wagner"])
    out = capsys.readouterr().out
    assert code == 1
    assert "UNACCOUNTED The international community must step in" in out


@needs_captures
def test_a_word_quoted_from_a_long_sentence_does_not_account_for_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The handed case: a claim's quote cut down to "Earlier" left its sentence counted as quoted."""
    root = _copy_project(tmp_path)
    path = root / "data" / "ttl" / "sources" / "thelocalreport-wagner-hrw-amnesty.ttl"
    graph = Graph().parse(path)
    exact = URIRef("http://www.w3.org/ns/oa#exact")
    selector, quoted = next((s, str(o)) for s, o in graph.subject_objects(exact)
                            if str(o).startswith("Earlier") and len(str(o)) > 40)
    graph.set((selector, exact, Literal("Earlier")))
    path.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    code = main(["--root", str(root), "--sources", str(SOURCES_DIR), "coverage", "thelocalreport-wagner-hrw-amnesty"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"UNACCOUNTED {quoted[:40]}" in out
    assert "is quoted or marked (at least 33% is needed)" in out


def test_a_passage_not_in_the_capture_is_reported(tmp_path: Path) -> None:
    graph = Graph().parse(data="""
        PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        <https://w3id.org/sahel-harm/id/claim/c> shg:quote [ oa:exact "Not there." ] ;
            prov:wasDerivedFrom <https://w3id.org/sahel-harm/id/source/d> .""", format="turtle")
    result = source_coverage(graph, URIRef("https://w3id.org/sahel-harm/id/source/d"), "d.txt", "Something else.")
    assert [p.exact for p in result.not_found] == ["Not there."]
    assert [e.status for e in result.sentences] == ["unaccounted"] and not result.ok


def test_an_unknown_source_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "no-such-source"]) == 2
    assert "no-such-source" in capsys.readouterr().err


def test_a_missing_capture_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sources", str(tmp_path), "coverage", "weafrica24-amassine-killings"]) == 2
    assert "capture not found" in capsys.readouterr().out


@pytest.mark.parametrize(("text", "expected"), [
    ("Army Chief Gen. Oumar Diarra dismissing the allegations as “unfounded.” Diarra attributed them.",
     ["Army Chief Gen. Oumar Diarra dismissing the allegations as “unfounded.”", "Diarra attributed them."]),
    ("Col. Maj. Souleymane Dembélé stated it.", ["Col. Maj. Souleymane Dembélé stated it."]),
    ("knowledge and creativity.With a background in B.Sc, Surja writes.", ["knowledge and creativity.With a background in B.Sc, Surja writes."]),
    ("Title\n\nAP\n\n  • Politics", ["Title", "AP", "• Politics"]),
    ("It rose in 2020. 2021 was worse.", ["It rose in 2020.", "2021 was worse."]),
])
def test_sentences_split_at_real_sentence_ends(text: str, expected: list[str]) -> None:
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == expected
    assert all(text[s.start:s.end] == s.text for s in sentences)


def test_a_repeated_title_is_located_twice_and_a_suffix_narrows_it() -> None:
    text = "Title\n\nTitle\n\nBody by Surja\n\nSurja, a writer"
    assert len(locate(text, Passage("quote", "claim:x", "Title"))) == 2
    assert locate(text, Passage("mark", "passage:document-metadata", "Surja", suffix="\n\nSurja, a writer")) == [(22, 27)]


def test_a_passage_covers_a_sentence_it_mostly_overlaps() -> None:
    sentence = Sentence(1, 100, 200, "x" * 100)
    assert covers((120, 140), sentence)        # a clause quoted from the sentence
    assert covers((50, 160), sentence)         # a quote spanning into it for most of it
    assert not covers((180, 400), sentence)    # a long quote that only touches its end


def test_read_data_reads_the_curated_files_only() -> None:
    graph = read_data(ROOT)
    assert (None, None, URIRef("https://w3id.org/sahel-harm/ontology/Claim")) in graph
    assert (URIRef("https://w3id.org/sahel-harm/ontology/Claim"), None, None) not in graph
