"""``sahel-kg release``: two releases of a copy of the project with edits between them; the changelog,
its pages and RDF, VoID's DCAT description and "How to cite", checked against what rdflib finds."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import rdflib
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, XSD

from sahel_kg.app import create_app
from sahel_kg.curation import build
from sahel_kg.dataset import DATASET_TITLE
from sahel_kg.settings import Settings
from sahel_kg.store.ondisk import current_store_dir, open_read_only
from support.curated_projects import copy_project, edit, run
from support.fixture_project import sources_dir

BASE = "https://w3id.org/sahel-harm/"
DERIVED = BASE + "graph/derived"
CS = rdflib.Namespace("http://purl.org/vocab/changeset/schema#")
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
PLACE = BASE + "id/place/"
NEW_PLACE = """
place:release-test-hamlet
    a shg:Place ;
    rdfs:label "Release test hamlet"@en ;
    geo:sfWithin place:gao-region ;
    shg:placePrecision pprec:village ;
.
"""


@dataclass
class Released:
    """The project copy after two releases, and the edits made between them."""

    root: Path
    added: set[str]
    changed: set[str]
    retracted: set[str]

    @property
    def releases(self) -> Path:
        return self.root / "var" / "releases"

    def release_json(self, version: str) -> dict[str, object]:
        loaded: dict[str, object] = json.loads((self.releases / version / "release.json").read_text())
        return loaded


def _remove_block(path: Path, subject: str) -> None:
    """Delete one subject's block (from its line to the line holding only '.') from a canonical Turtle file."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"\n{subject}\n") + 1
    end = text.index("\n.\n", start) + 3
    path.write_text(text[:start] + text[end:], encoding="utf-8")


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Released]:
    """Releases 0.1.0 and 0.2.0 of a copy of the project, edited between them. The builds skip the
    shapes (checked by their own tests, and a third of a minute each): the edits are valid Turtle."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "check", lambda root, **_: (True, "not checked"))
        yield _release_twice(copy_project(tmp_path_factory.mktemp("release") / "project"))


def _release_twice(root: Path) -> Released:
    code, said = run("--root", root, "--sources", sources_dir(root), "release", "0.1.0")
    assert code == 0, said
    places = root / "data" / "ttl" / "places.ttl"  # its prefixes hold those the new place uses
    with places.open("a", encoding="utf-8") as f:  # added: a new place
        f.write(NEW_PLACE)
    edit(places, '"POINT(-0.04472 16.27167)"', '"POINT(-0.04470 16.27170)"')  # changed through a blank node only
    _remove_block(places, "place:niger")  # retracted
    code, said = run("--root", root, "--sources", sources_dir(root), "release", "0.2.0")
    assert code == 0, said
    return Released(root, {PLACE + "release-test-hamlet"}, {PLACE + "gao"}, {PLACE + "niger"})


def _union(dump: Path) -> rdflib.Graph:
    """Every graph of a release's TriG dump but the derived one, in one rdflib graph."""
    dataset = rdflib.Dataset()
    with gzip.open(dump, "rb") as f:
        dataset.parse(f, format="trig")
    union = rdflib.Graph()
    for graph in dataset.graphs():
        if str(graph.identifier) != DERIVED:
            for triple in graph:
                union.add(triple)
    return union


def _entities(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    return {s for s in graph.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(BASE)}


def _expected_changes(before: rdflib.Graph, after: rdflib.Graph) -> dict[str, set[str]]:
    """The changelog computed here with rdflib: entities by subject sets, changes by isomorphism of CBDs."""
    old, new = _entities(before), _entities(after)
    changed = {str(e) for e in old & new if not isomorphic(before.cbd(e), after.cbd(e))}
    return {"added": {str(e) for e in new - old}, "changed": changed, "retracted": {str(e) for e in old - new}}


def test_changelog_lists_exactly_what_changed(released: Released) -> None:
    before = _union(released.releases / "0.1.0" / "sahel-harm-0.1.0.trig.gz")
    after = _union(released.releases / "0.2.0" / "sahel-harm-0.2.0.trig.gz")
    expected = _expected_changes(before, after)
    recorded = released.release_json("0.2.0")
    assert {k: set(recorded[k]) for k in expected} == expected  # type: ignore[call-overload]
    # and what was edited is there, so the comparison above is not of two empty sets
    assert released.added <= expected["added"] and released.changed <= expected["changed"]
    assert released.retracted <= expected["retracted"]
    assert recorded["previous"] == "0.1.0"


def test_first_release_adds_every_entity(released: Released) -> None:
    first = released.release_json("0.1.0")
    union = _union(released.releases / "0.1.0" / "sahel-harm-0.1.0.trig.gz")
    assert set(first["added"]) == {str(e) for e in _entities(union)}  # type: ignore[call-overload]
    assert first["changed"] == first["retracted"] == [] and first["previous"] is None


def test_dumps_hold_the_build(released: Released) -> None:
    """Both dumps of a release hold the same quads: those of the store it was made from."""
    folder = released.releases / "0.2.0"
    nquads, trig = rdflib.Dataset(), rdflib.Dataset()
    with gzip.open(folder / "sahel-harm-0.2.0.nq.gz", "rb") as f:
        nquads.parse(f, format="nquads")
    with gzip.open(folder / "sahel-harm-0.2.0.trig.gz", "rb") as f:
        trig.parse(f, format="trig")
    assert len(nquads) == len(trig) > 0
    store = open_read_only(released.root / "var" / "store")
    assert len(store) == len(nquads)
    assert json.loads((folder / "release.json").read_text())["dumps"][0]["quads"] == len(store)


@pytest.mark.parametrize(("version", "status", "says"), [
    ("0.2.0", 1, "exists already"),
    ("0.1.9", 1, "not above the latest release, 0.2.0"),
    ("v0.3", 2, "is not a version"),
    ("../0.3.0", 2, "is not a version"),
])
def test_refused_versions(released: Released, version: str, status: int, says: str) -> None:
    before = sorted(p.name for p in released.releases.iterdir())
    code, said = run("--root", released.root, "release", version)
    assert code == status and says in said and "Traceback" not in said
    assert sorted(p.name for p in released.releases.iterdir()) == before


def test_a_folder_that_is_no_release_blocks_its_version(released: Released) -> None:
    (released.releases / "0.3.0").mkdir()
    try:
        code, said = run("--root", released.root, "release", "0.3.0")
        assert code == 1 and "exists already" in said
    finally:
        (released.releases / "0.3.0").rmdir()


def test_a_refused_build_makes_no_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_project(tmp_path / "project")
    monkeypatch.setattr(build, "check", lambda root, **_: (False, "shapes:Something violated"))
    code, said = run("--root", root, "release", "0.1.0")
    assert code == 1 and "no release made" in said and "validation failed" in said
    assert not (root / "var" / "releases" / "0.1.0").exists()


@pytest.fixture(scope="module")
def client(released: Released) -> Iterator[TestClient]:
    settings = Settings(root=released.root, contact_email="data@example.org")
    pointer = settings.store_path
    with TestClient(create_app(settings, open_read_only(pointer), store_dir=current_store_dir(pointer))) as c:
        yield c


def _turtle(client: TestClient, path: str) -> rdflib.Graph:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    return rdflib.Graph().parse(data=response.text, format="turtle")


def test_releases_page_in_html_and_turtle(client: TestClient, released: Released) -> None:
    page = client.get("/releases", headers={"Accept": "text/html"})
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    hrefs = {a["href"] for a in soup.select("main a")}
    assert {"/releases/0.1.0", "/releases/0.2.0", "/releases/0.2.0/sahel-harm-0.2.0.nq.gz"} <= hrefs
    catalog = _turtle(client, "/releases")
    assert isomorphic(catalog, _turtle(client, "/releases.ttl"))
    releases = set(catalog.objects(rdflib.URIRef(BASE + "releases"), DCAT.dataset))
    assert releases == {rdflib.URIRef(BASE + "releases/0.1.0"), rdflib.URIRef(BASE + "releases/0.2.0")}
    dumps = BeautifulSoup(client.get("/dumps").text, "html.parser")
    assert dumps.select_one('main a[href="/releases"]') is not None


def test_release_changelog_page_and_rdf(client: TestClient, released: Released) -> None:
    recorded = released.release_json("0.2.0")
    graph = _turtle(client, "/releases/0.2.0")
    release = rdflib.URIRef(BASE + "releases/0.2.0")
    assert (release, PROV.wasRevisionOf, rdflib.URIRef(BASE + "releases/0.1.0")) in graph
    assert str(graph.value(release, DCAT.version)) == str(graph.value(release, OWL.versionInfo)) == "0.2.0"
    by_kind: dict[str, set[str]] = {"added": set(), "changed": set(), "retracted": set()}
    for change in graph.subjects(RDF.type, CS.ChangeSet):
        assert (change, DCTERMS.isPartOf, release) in graph
        by_kind[str(graph.value(change, CS.changeReason))].add(str(graph.value(change, CS.subjectOfChange)))
    assert by_kind == {k: set(recorded[k]) for k in by_kind}  # type: ignore[call-overload]
    saved = rdflib.Graph().parse(released.releases / "0.2.0" / "changelog.ttl", format="turtle")
    assert isomorphic(saved, graph)

    page = BeautifulSoup(client.get("/releases/0.2.0", headers={"Accept": "text/html"}).text, "html.parser")
    added = {a["href"] for a in page.select("#added-h ~ ul a")}
    assert added == {"http://localhost:8000/" + iri.removeprefix(BASE) for iri in recorded["added"]}  # type: ignore[attr-defined]
    hamlet = page.select_one('#added-h ~ ul a[href$="/id/place/release-test-hamlet"]')
    assert hamlet is not None and hamlet.get_text() == "Release test hamlet"  # named by its label
    retracted = {c.get("title") for c in page.select("section[aria-labelledby=retracted-h] code")}
    assert retracted == set(recorded["retracted"])  # type: ignore[call-overload]
    assert client.get("/releases/0.2.0/sahel-harm-0.2.0.trig.gz").content == \
        (released.releases / "0.2.0" / "sahel-harm-0.2.0.trig.gz").read_bytes()


@pytest.mark.parametrize("path", ["/releases/9.9.9", "/releases/0.2.0/nothing.nq.gz", "/releases.xyz"])
def test_unknown_releases_and_files_are_404(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/plain"})
    assert response.status_code == 404 and response.text.strip()


def test_void_describes_the_dataset_in_dcat(client: TestClient) -> None:
    void = _turtle(client, "/.well-known/void")
    dataset = rdflib.URIRef(BASE + ".well-known/void#dataset")
    assert (dataset, RDF.type, DCAT.Dataset) in void
    assert str(void.value(dataset, DCTERMS.title)) == DATASET_TITLE and void.value(dataset, DCTERMS.description)
    assert void.value(dataset, DCTERMS.license) == rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    issued, modified = void.value(dataset, DCTERMS.issued), void.value(dataset, DCTERMS.modified)
    assert issued.datatype == XSD.date and modified.datatype == XSD.dateTime  # type: ignore[union-attr]
    assert str(issued) <= str(modified)[:10] <= datetime.now(UTC).date().isoformat()
    # the served store is release 0.2.0's build: its version is the release's
    assert str(void.value(dataset, OWL.versionInfo)) == str(void.value(dataset, DCAT.version)) == "0.2.0"
    assert set(void.objects(dataset, DCAT.hasVersion)) == {rdflib.URIRef(BASE + "releases/0.1.0"),
                                                           rdflib.URIRef(BASE + "releases/0.2.0")}
    publisher = void.value(dataset, DCTERMS.publisher)
    assert void.value(publisher, rdflib.FOAF.name)
    contact = void.value(dataset, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in void and void.value(contact, VCARD.fn)
    assert void.value(contact, VCARD.hasEmail) == rdflib.URIRef("mailto:data@example.org")
    distributions = set(void.objects(dataset, DCAT.distribution))
    assert distributions and all(void.value(d, DCAT.downloadURL) and void.value(d, DCAT.mediaType) for d in distributions)


def test_entity_page_cites_the_release(client: TestClient) -> None:
    page = BeautifulSoup(client.get("/id/place/gao", headers={"Accept": "text/html"}).text, "html.parser")
    section = page.select_one("main section.cite")
    assert section is not None and section.find("h2").get_text() == "How to cite"
    text = section.get_text(" ", strip=True)
    today = datetime.now(UTC).date()
    assert f"{BASE}id/place/gao" in text and DATASET_TITLE in text and f"{today.day} {today:%B %Y}" in text
    assert f"release 0.2.0, {BASE}releases/0.2.0" in text
    assert section.select_one('a[href="http://localhost:8000/releases/0.2.0"]') is not None


def test_export_nanopub_from_the_build(released: Released, tmp_path: Path) -> None:
    out = tmp_path / "claims.trig"
    code, said = run("--root", released.root, "export", "nanopub", "--out", out)
    assert code == 0, said
    dataset = rdflib.Dataset()
    dataset.parse(out, format="trig")
    heads = [g for g in dataset.graphs() if str(g.identifier).endswith("#Head")]
    assert heads and f"{len(heads)} claims written" in said
