"""The synthetic corpus: deterministic, shaped like conflict-event data, and conforming to the shapes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph
import pytest

from sahel_kg.cli import main
from sahel_kg.curation.validate import validate_project
from sahel_kg.devtools.synthetic import generate
from sahel_kg.project import project_root, turtle_files

ROOT = project_root()


def digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted((root / "data" / "ttl").rglob("*.ttl")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("synth") / "c"
    return out, generate(out, incidents=60, seed=5, root=ROOT)


@pytest.fixture(scope="module")
def store(corpus: tuple[Path, object]) -> pyoxigraph.Store:
    root, _ = corpus
    s = pyoxigraph.Store()
    for tf in turtle_files(root):
        if tf.kind == "data":
            s.bulk_load(path=str(tf.path), format=pyoxigraph.RdfFormat.TURTLE, to_graph=pyoxigraph.NamedNode(tf.graph_iri))
    return s


def ask(store: pyoxigraph.Store, where: str) -> int:
    q = """PREFIX shg: <https://w3id.org/sahel-harm/ontology/> PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX geo: <http://www.opengis.net/ont/geosparql#> PREFIX stance: <https://w3id.org/sahel-harm/vocab/stance/>
    SELECT (COUNT(*) AS ?n) WHERE { """ + where + " }"
    return int(next(iter(store.query(q, use_default_graph_as_union=True)))["n"].value)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", incidents=30, seed=9, root=ROOT)
    generate(tmp_path / "b", incidents=30, seed=9, root=ROOT)
    generate(tmp_path / "c", incidents=30, seed=10, root=ROOT)
    assert digest(tmp_path / "a") == digest(tmp_path / "b") != digest(tmp_path / "c")


@pytest.mark.slow  # a corpus of 60 incidents through pyshacl
def test_conforms_to_the_shapes(corpus: tuple[Path, object]) -> None:
    report = validate_project(corpus[0])
    assert report.conforms, report.to_text()


def test_counted_triples_match_the_files(corpus: tuple[Path, object], store: pyoxigraph.Store) -> None:
    assert corpus[1].triples == len(store)


def test_layout_is_a_project_root_with_one_file_per_source(corpus: tuple[Path, object], store: pyoxigraph.Store) -> None:
    root, stats = corpus
    assert (root / "ontology" / "core.ttl").is_file() and (root / "shapes").is_dir()
    assert len(list((root / "data" / "ttl" / "sources").glob("*.ttl"))) == stats.sources
    # every claim lives in the graph of the source document it is derived from
    assert ask(store, "GRAPH ?g { ?c a shg:Claim ; prov:wasDerivedFrom ?s } FILTER (STRAFTER(STR(?g), 'graph/sources/') != STRAFTER(STR(?s), 'id/source/'))") == 0


def test_statistical_shape(corpus: tuple[Path, object], store: pyoxigraph.Store) -> None:
    _, stats = corpus
    assert stats.incidents == 60 and stats.claims / stats.incidents > 2
    # several speakers per incident, on average
    assert ask(store, "{ SELECT ?i (COUNT(DISTINCT ?who) AS ?k) WHERE { ?c shg:about ?i ; prov:wasAttributedTo ?who } GROUP BY ?i HAVING (COUNT(DISTINCT ?who) >= 2) }") > 20
    # source documents shared by several incidents
    assert ask(store, "{ SELECT ?s (COUNT(DISTINCT ?i) AS ?k) WHERE { ?c prov:wasDerivedFrom ?s ; shg:about ?i } GROUP BY ?s HAVING (COUNT(DISTINCT ?i) >= 3) }") > 0
    # denials point at what they deny, some in another document
    assert ask(store, "?d shg:stance stance:denies ; shg:respondsTo ?c . ?c a shg:Claim") > 0
    assert stats.cross_document_responses > 0
    # disagreeing and missing figures
    assert ask(store, "?i a shg:Incident . FILTER EXISTS { ?a shg:about ?i ; shg:count/shg:best ?x . ?b shg:about ?i ; shg:count/shg:best ?y FILTER (?x != ?y) }") > 0
    assert ask(store, "?c a shg:Claim ; shg:stance stance:alleges FILTER NOT EXISTS { ?c shg:count ?n }") > 0
    # places chain up to countries, some with coordinates; partial dates and curator inferences
    assert ask(store, "?v shg:placePrecision <https://w3id.org/sahel-harm/vocab/place-precision/village> ; geo:sfWithin/geo:sfWithin/geo:sfWithin ?country") > 0
    assert ask(store, "?p geo:hasGeometry/geo:asWKT ?w") > 0
    assert ask(store, "?i a shg:Incident ; shg:curatorInference ?x") > 0
    assert ask(store, "?i a shg:Incident ; shg:timePrecision <https://w3id.org/sahel-harm/vocab/time-precision/month>") > 0


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(ROOT), "synth", "--incidents", "5", "--seed", "1", "--out", str(tmp_path / "x")]) == 0
    assert "5 incidents" in capsys.readouterr().out
