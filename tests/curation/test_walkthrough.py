"""docs/curation.md, followed end to end on a copy of the project with a fictional document.

The steps are the guide's: save the capture in the sources folder, scaffold
with ``new-source``, add the reference entities, describe the document and
its claim (``tests/fixtures/walkthrough/``), ``fmt``, ``validate``, ``build``. If a
step of the guide stops working, this test fails.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef

from sahel_kg.cli import main
from sahel_kg.settings import load_settings
from sahel_kg.store.ondisk import open_read_only
from support.project_data import ROOT

CHECKOUT = ROOT
EXAMPLE = CHECKOUT / "tests" / "fixtures" / "walkthrough"
SLUG = "fictional-sahel-courier-inefictive-well"
CAPTURE = f"{SLUG}.txt"
GRAPH = f"https://w3id.org/sahel-harm/graph/sources/{SLUG}"
ENTITIES = "https://w3id.org/sahel-harm/id/"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the checkout's project files, with the captures beside it as in ../shared/sources."""
    root = tmp_path / "checkout"
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(CHECKOUT / folder, root / folder)
    shutil.copy(CHECKOUT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(load_settings(root=CHECKOUT).sources_dir, tmp_path / "shared" / "sources")
    return root


def sahel_kg(root: Path, *argv: str) -> int:
    return main(["--root", str(root), *argv])


def append(target: Path, example: str) -> None:
    """Add an example's Turtle at the end of a project file (its PREFIX lines included)."""
    target.write_text(target.read_text(encoding="utf-8") + "\n" + (EXAMPLE / example).read_text(encoding="utf-8"),
                      encoding="utf-8")


def test_the_curation_guide_works_end_to_end(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 1. Save the capture in the sources folder, scaffold the file.
    shutil.copy(EXAMPLE / CAPTURE, project.parent / "shared" / "sources" / CAPTURE)
    assert sahel_kg(project, "new-source", SLUG, "--title", "Villagers Say Gunmen Killed Herders at a Well Near "
                    "Inefictive", "--capture-file", CAPTURE) == 0
    assert f"{project.parent / 'shared' / 'sources' / CAPTURE} is there;" in capsys.readouterr().out
    source = project / "data" / "ttl" / "sources" / f"{SLUG}.ttl"
    assert sahel_kg(project, "validate") == 1  # what the scaffold lacks: publisher, date, claims
    listed = capsys.readouterr().out
    for missing in ("[shapes:SourcePublisher]", "[shapes:SourceDated]", "[shapes:SourceHasClaim]"):
        assert missing in listed
    # 2–6. Describe the document, add the actors, the place, the incident and the claim.
    append(project / "data" / "ttl" / "actors.ttl", "actors.ttl")
    append(project / "data" / "ttl" / "places.ttl", "places.ttl")
    append(project / "data" / "ttl" / "events.ttl", "events.ttl")
    dated = source.read_text(encoding="utf-8").replace("shg:timePrecision tprec:unknown", "shg:timePrecision tprec:day")
    source.write_text(dated, encoding="utf-8")  # dcterms:issued is known: the date is known to the day
    append(source, "source.ttl")
    # 7. Format, validate, build.
    for path in ("data/ttl/actors.ttl", "data/ttl/places.ttl", "data/ttl/events.ttl", f"data/ttl/sources/{SLUG}.ttl"):
        assert sahel_kg(project, "fmt", str(project / path)) == 0
    assert sahel_kg(project, "fmt", "--check") == 0
    capsys.readouterr()
    code = sahel_kg(project, "validate")
    report = capsys.readouterr().out
    assert code == 0, report
    assert report.startswith("OK: ")
    assert sahel_kg(project, "build") == 0
    store = open_read_only(project / "var" / "store")
    claims = store.query(f"SELECT ?c {{ GRAPH <{GRAPH}> {{ ?c a <https://w3id.org/sahel-harm/ontology/Claim> }} }}")
    assert [row["c"] for row in claims] == [pyoxigraph.NamedNode(
        "https://w3id.org/sahel-harm/id/claim/fictional-sahel-courier-residents-at-least-seven-herders")]


def example_iris() -> set[URIRef]:
    """The entities the walkthrough example describes (its actors, place, incident, claim) and its document."""
    described = {URIRef(f"https://w3id.org/sahel-harm/id/source/{SLUG}")}
    for path in sorted(EXAMPLE.glob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        described |= {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(ENTITIES)}
    return described


def test_the_example_is_not_in_the_curated_data() -> None:
    """None of the example's entities, its document's file or its capture is in data/: the words of the
    example may well occur in real data (a quote "the army called the reports fictional")."""
    iris = example_iris()
    assert URIRef("https://w3id.org/sahel-harm/id/claim/fictional-sahel-courier-residents-at-least-seven-herders") in iris
    curated = Graph()
    for path in sorted((CHECKOUT / "data").rglob("*.ttl")):
        curated.parse(path, format="turtle")
    used = {term for triple in curated for term in triple if isinstance(term, URIRef)}
    assert sorted(iris & used) == []
    assert Literal(CAPTURE) not in set(curated.objects(None, URIRef("https://w3id.org/sahel-harm/ontology/captureFile")))
    assert not (CHECKOUT / "data" / "ttl" / "sources" / f"{SLUG}.ttl").exists()
