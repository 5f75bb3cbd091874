"""Search: the on-disk index, its matching and ranking, where it lives, and building it on first use."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from sahel_kg.app import create_app
from sahel_kg.curation import build
from sahel_kg.search import search
from sahel_kg.search.index import build_index_file, index_path, is_current, prune
from sahel_kg.search.search import LazyIndex, SearchIndex, index_for, served_store_dir
from sahel_kg.settings import Settings
from sahel_kg.store.backend import EmbeddedBackend
from sahel_kg.store.ondisk import current_store_dir
from sahel_kg.store.remote import RemoteStore, StoreUnavailable
from support.apps import make_client, remote_settings

E = "https://w3id.org/sahel-harm/id/"
TTL = f"""
@prefix shg: <https://w3id.org/sahel-harm/ontology/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<{E}place/segou> a shg:Place ; rdfs:label "Ségou Region"@en , "Région de Ségou"@fr .
<{E}actor/dembele> a shg:Person , prov:Person ; rdfs:label "Souleymane DEMBÉLÉ"@en .
<{E}actor/csp> a shg:ArmedGroup ; rdfs:label "Permanent Strategic Framework"@en ; skos:altLabel "CSP-DPA" .
<{E}incident/kidal-attack> a shg:Incident ; rdfs:label "Attack in Kidal Region (March 2021)"@en .
<{E}incident/kidal-strike> a shg:Incident ; rdfs:label "Drone strike in Kidal Region (May 2022)"@en .
<{E}source/report> a shg:SourceDocument ; dcterms:title "Report: killings near Gao"@en .
<{E}claim/c1> a shg:Claim ; rdfs:label "Claim about Ségou Region"@en .
<{E}claim/c1-count> a shg:Count ; rdfs:label "Count in Ségou Region" .
<{E}claim/c1-quote> a oa:TextQuoteSelector ; rdfs:label "Quote from Ségou Region" .
<{E}place/kidal> a shg:Place ; rdfs:label "Kidal"@en .
<{E}place/zed> a shg:Place ; rdfs:label "Zed"@en ; skos:altLabel "Kidal" .
<{E}place/kidal-region> a shg:Place ; rdfs:label "Kidal Region"@en .
<{E}place/alpha> a shg:Place ; rdfs:label "Alpha"@en ; skos:altLabel "Kidal town" .
<{E}place/bamako> a shg:Place ; rdfs:label "Bamako"@en ; skos:altLabel "Old Kidal road" .
<{E}place/untyped> rdfs:label "Untyped place near Kidal" .
"""


def graph_store(ttl: str = TTL) -> pyoxigraph.Store:
    """An in-memory store holding ``ttl`` in one named graph."""
    store = pyoxigraph.Store()
    graph = pyoxigraph.NamedNode("https://w3id.org/sahel-harm/graph/t")
    store.load(ttl, format=pyoxigraph.RdfFormat.TURTLE, to_graph=graph)
    return store


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    path = tmp_path_factory.mktemp("search") / "index.sqlite"
    build_index_file(EmbeddedBackend(graph_store()), path)
    opened = SearchIndex(path)
    yield opened
    opened.close()


def found(index: SearchIndex, q: str) -> list[str]:
    return [h.entry.iri.removeprefix(E) for h in index.search(q)]


# ---------------------------------------------------------------- matching

@pytest.mark.parametrize("q,expected", [
    ("segou", "place/segou"), ("SÉGOU", "place/segou"), ("région", "place/segou"),
    ("dembele", "actor/dembele"), ("Dembélé", "actor/dembele"), ("souleymane dembele", "actor/dembele"),
])
def test_accents_and_case_are_ignored(index: SearchIndex, q: str, expected: str) -> None:
    assert expected in found(index, q)


@pytest.mark.parametrize("q,expected", [
    ("seg", "place/segou"), ("CSP", "actor/csp"), ("csp-dpa", "actor/csp"), ("dpa", "actor/csp"),
    ("perm strat", "actor/csp"), ("kid reg", "place/kidal-region"), ("gao", "source/report"),
])
def test_every_word_matches_the_beginning_of_a_word(index: SearchIndex, q: str, expected: str) -> None:
    assert expected in found(index, q)


def test_the_middle_of_a_word_does_not_match(index: SearchIndex) -> None:
    assert found(index, "egou") == [] and found(index, "idal") == []


def test_every_word_must_match(index: SearchIndex) -> None:
    assert found(index, "kidal attack") == ["incident/kidal-attack"]
    assert found(index, "drone kidal 2022") == ["incident/kidal-strike"]
    assert found(index, "kidal bamako") == []


def test_claims_and_their_nodes_are_not_indexed(index: SearchIndex) -> None:
    assert found(index, "segou") == ["place/segou"]
    assert found(index, "claim") == found(index, "count") == found(index, "quote") == []
    with index.connection() as conn:
        assert conn.execute("SELECT count(*) FROM resources WHERE iri LIKE ?", (E + "claim/%",)).fetchone() == (0,)


def test_kind_prefers_our_namespace_and_name_is_the_main_label(index: SearchIndex) -> None:
    person = index.search("dembele")[0].entry
    assert (person.kind, person.name, person.main) == ("Person", "Souleymane DEMBÉLÉ", True)
    alt = index.search("csp-dpa")[0].entry
    assert (alt.kind, alt.name, alt.text, alt.main) == ("ArmedGroup", "Permanent Strategic Framework", "CSP-DPA", False)
    assert index.search("untyped")[0].entry.kind == ""
    assert index.search("segou")[0].entry.name == "Ségou Region", "the English label is the name"


def test_ranking_equal_then_starting_then_other_main_before_alternative(index: SearchIndex) -> None:
    hits = index.search("kidal")
    assert [h.entry.iri.removeprefix(E) for h in hits] == [
        "place/kidal",  # the label is the query
        "place/zed",  # an alternative label is the query
        "place/kidal-region",  # a label starts with it (by name: Kidal Region)
        "place/alpha",  # an alternative label starts with it
        "incident/kidal-attack", "incident/kidal-strike", "place/untyped",  # others, by name
        "place/bamako",  # an alternative label holds it
    ]
    assert [h.score for h in hits] == [0, 1, 2, 3, 4, 4, 4, 5]


def test_one_hit_per_resource_and_at_most_the_limit(tmp_path: Path) -> None:
    many = "".join(f'<{E}place/p{i}> rdfs:label "Tessit {i}" , "Tessit {i} bis" ; skos:altLabel "Tessit" .\n'
                   for i in range(80))
    path = tmp_path / "index.sqlite"
    build_index_file(EmbeddedBackend(graph_store(TTL + many)), path)
    index = SearchIndex(path)
    hits = index.search("tessit")
    assert len(hits) == 50 and len({h.entry.iri for h in hits}) == 50
    assert all(h.score == 1 for h in hits), "each resource's best label: its alternative label equal to the query"
    assert len(index.search("tessit", limit=5)) == 5
    index.close()


@pytest.mark.parametrize("q", [
    '"', '""', 'a"b', "'", "AND", "OR", "NOT", "kidal NOT region", "kidal OR gao", "kidal AND", "NEAR(kidal region)",
    "*", "kidal*", "-kidal", "kidal -region", "norm:kidal", "words:x", "(", ")", "(kidal", "^kidal", "+", "{a b}",
    ":", "\\", "kidal\x00", "[x]", "%", "_", "‐—–", "🙂", "ǅ", "\u0301", "a" * 500, "kidal " * 200,
])
def test_query_syntax_is_taken_literally(index: SearchIndex, q: str) -> None:
    index.search(q)  # never raises


@pytest.mark.parametrize("q", ["", "   ", "\t\n", "!?", "--", "()", '"*"'])
def test_queries_without_words_find_nothing(index: SearchIndex, q: str) -> None:
    assert index.search(q) == []


def test_long_queries_are_capped(index: SearchIndex) -> None:
    assert sorted(found(index, "kidal " * 500)) == sorted(found(index, "kidal"))
    assert found(index, "kidal region" + " " * 1000 + "ignored") == found(index, "kidal region")
    _, words = search.parse(" ".join(f"w{i}" for i in range(100)))
    assert words == [f"w{i}" for i in range(search.MAX_WORDS)]


def test_long_word_beginnings_use_the_word_list(tmp_path: Path) -> None:
    """A beginning of more than three letters that begins many words still matches them all."""
    many = "".join(f'<{E}place/q{i}> rdfs:label "Tinzaouaten{i:03d}" .\n' for i in range(search.MAX_EXPANSION + 10))
    path = tmp_path / "index.sqlite"
    build_index_file(EmbeddedBackend(graph_store(TTL + many)), path)
    index = SearchIndex(path)
    assert len(index.search("tinz")) == search.MAX_EXPANSION + 10
    assert len(index.search("tinzaouaten00")) == 10
    assert index.search("tinzaouaten00 nothing") == []
    index.close()


def test_the_index_is_opened_read_only(index: SearchIndex) -> None:
    with index.connection() as conn, pytest.raises(sqlite3.OperationalError):
        conn.execute("DELETE FROM entries")


# ---------------------------------------------------------------- over HTTP

def hrefs(response: object) -> list[str]:
    soup = BeautifulSoup(response.text, "html.parser")  # type: ignore[attr-defined]
    return [a["href"] for a in soup.select("ol.results > li > a")]


def test_an_app_without_an_index_builds_one_on_first_use() -> None:
    with make_client(graph_store()) as client:
        assert client.app.state.search_index is None  # made by create_app, filled on first use
        response = client.get("/search", params={"q": "SEGOU"})
        assert response.status_code == 200 and [h.rsplit("/id/", 1)[1] for h in hrefs(response)] == ["place/segou"]
        lazy = client.app.state.search_index
        assert isinstance(lazy, LazyIndex) and lazy.path.is_file() and is_current(lazy.path)
        assert lazy.path.parent.name.startswith("sahel-kg-search-"), "a temporary folder of the app's own"


@pytest.mark.parametrize("q", ['"', "NEAR(", "a*", "-", ":", "x AND", "(", "‐", "a" * 3000])
def test_syntax_characters_never_fail_a_page(q: str) -> None:
    with make_client(graph_store()) as client:
        assert client.get("/search", params={"q": q}).status_code == 200


class GatedBackend:
    """A backend whose queries wait for ``gate``, then fail with ``error`` or answer from ``store``."""

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.backend = EmbeddedBackend(store)
        self.gate, self.error = threading.Event(), None

    def select(self, sparql: str):  # type: ignore[no-untyped-def]
        assert self.gate.wait(30)
        if self.error:
            raise self.error
        return self.backend.select(sparql)


@pytest.fixture
def gated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, GatedBackend]]:
    """A client whose search index is built through a :class:`GatedBackend`, hardly waited for."""
    monkeypatch.setattr(search, "BUILD_WAIT", 0.05)
    store = graph_store()
    backend = GatedBackend(store)
    with make_client(store) as client:
        client.app.state.search_index = LazyIndex(backend, tmp_path / "index.sqlite")  # type: ignore[arg-type]
        yield client, backend
        backend.gate.set()


def test_while_the_index_is_built_search_as_csv_or_json_is_a_plain_503(gated: tuple[TestClient, GatedBackend]) -> None:
    """A program that asked for a table gets a message it can read and a time to retry, not an HTML page."""
    client, _ = gated
    for fmt in ("csv", "json"):
        r = client.get("/search", params={"q": "segou", "format": fmt}, headers={"Accept": "*/*"})
        assert r.status_code == 503 and r.headers["retry-after"] == str(search.RETRY_AFTER)
        assert r.headers["content-type"].startswith("text/plain") and "<" not in r.text and r.text.strip()


def finish(client: TestClient) -> None:
    thread = client.app.state.search_index._thread
    assert thread is not None
    thread.join(30)


def test_while_the_index_is_built_search_answers_503_with_retry_after(gated: tuple[TestClient, GatedBackend]) -> None:
    client, backend = gated
    first = client.get("/search", params={"q": "segou"})
    assert first.status_code == 503 and first.headers["retry-after"] == str(search.RETRY_AFTER)
    assert first.headers["cache-control"] == "no-store"
    notice = BeautifulSoup(first.text, "html.parser").select_one("p.unavailable")
    assert notice is not None and "being built" in notice.get_text()
    assert client.get("/search").status_code == 200, "an empty search needs no index"
    assert client.get("/search", params={"q": "segou"}).status_code == 503, "one build at a time"
    backend.gate.set()
    finish(client)
    assert [h.rsplit("/id/", 1)[1] for h in hrefs(client.get("/search", params={"q": "segou"}))] == ["place/segou"]


def test_a_failed_build_is_reported_and_tried_again(gated: tuple[TestClient, GatedBackend],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    client, backend = gated
    backend.error = StoreUnavailable(502, "the SPARQL store went away")
    backend.gate.set()
    client.get("/search", params={"q": "segou"})
    finish(client)
    failed = client.get("/search", params={"q": "segou"})
    assert failed.status_code == 503 and "the SPARQL store went away" in failed.text
    backend.error = None
    monkeypatch.setattr(search, "RETRY_AFTER", 0)
    client.get("/search", params={"q": "segou"})
    finish(client)
    assert hrefs(client.get("/search", params={"q": "segou"}))


def test_a_failed_build_shows_no_internal_error(gated: tuple[TestClient, GatedBackend]) -> None:
    client, backend = gated
    backend.error = OSError("No space left on device: '/srv/secret/index.sqlite'")
    backend.gate.set()
    client.get("/search", params={"q": "segou"})
    finish(client)
    failed = client.get("/search", params={"q": "segou"})
    said = BeautifulSoup(failed.text, "html.parser").get_text()
    assert failed.status_code == 503 and "/srv/secret" not in said and "see the server's log" in said


def test_an_app_over_an_external_store_builds_its_index_from_it(remote_url: str) -> None:
    app = create_app(remote_settings(remote_url), RemoteStore(remote_settings(remote_url)))
    with TestClient(app) as client:
        response = client.get("/search", params={"q": "segala"})
        assert response.status_code == 200 and any(h.endswith("/id/place/segala-region") for h in hrefs(response))
        assert app.state.search_index.path.parent.name.startswith("sahel-kg-search-")


# ---------------------------------------------------------------- where the index lives

@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny project (validation skipped)."""
    files = {
        "ontology/core.ttl": "<https://w3id.org/sahel-harm/ontology/X> a <http://www.w3.org/2002/07/owl#Class> .",
        "data/ttl/places.ttl": f'<{E}place/a> <http://www.w3.org/2000/01/rdf-schema#label> "Ansongo" .',
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    monkeypatch.setattr(build, "check", lambda root: (True, "ok"))
    return tmp_path


def names_in(path: Path) -> list[str]:
    return [h.entry.name for h in SearchIndex(path).search("a")]


def rebuild(project: Path, label: str) -> Path:
    place = f'<{E}place/a> <http://www.w3.org/2000/01/rdf-schema#label> "{label}" .'
    (project / "data/ttl/places.ttl").write_text(place)
    result = build.build_store(project, project / "var" / "store", log=lambda m: None)
    assert result.status == "built" and result.store_dir is not None
    return result.store_dir


def test_build_writes_the_index_beside_the_store_and_swaps_it_with_the_store(project: Path) -> None:
    pointer = project / "var" / "store"
    first = build.build_store(project, pointer, log=lambda m: None).store_dir
    assert first is not None and index_path(first).is_file() and names_in(index_path(first)) == ["Ansongo"]
    second = rebuild(project, "Aguelhok")
    assert current_store_dir(pointer) == second and names_in(index_path(second)) == ["Aguelhok"]
    assert names_in(index_path(first)) == ["Ansongo"], "the previous store keeps its own index"
    third = rebuild(project, "Anefis")
    assert not first.exists() and not index_path(first).exists(), "a removed store's index goes with it"
    assert index_path(second).is_file() and names_in(index_path(third)) == ["Anefis"]
    assert sorted(p.name for p in pointer.parent.glob("*.search.sqlite*")) == sorted(
        [index_path(second).name, index_path(third).name])


def test_an_unchanged_build_writes_a_missing_index(project: Path) -> None:
    pointer = project / "var" / "store"
    store_dir = build.build_store(project, pointer, log=lambda m: None).store_dir
    assert store_dir is not None
    index_path(store_dir).unlink()
    again = build.build_store(project, pointer, log=lambda m: None)
    assert again.status == "unchanged" and names_in(index_path(store_dir)) == ["Ansongo"]


def test_prune_removes_orphans_and_dead_builds_only(tmp_path: Path) -> None:
    store_dir = tmp_path / "store-0123456789abcdef-1"
    store_dir.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    files = {
        "kept": index_path(store_dir),
        "building": index_path(store_dir).with_name(f"{index_path(store_dir).name}.{os.getpid()}-1.tmp"),
        "dead": index_path(store_dir).with_name(f"{index_path(store_dir).name}.{dead.stdout.strip()}-1.tmp"),
        "orphan": tmp_path / "store-fedcba9876543210-2.search.sqlite",
        "orphan stage": tmp_path / f"store-fedcba9876543210-2.search.sqlite.{os.getpid()}-1.stage",
    }
    for path in files.values():
        path.write_text("")
    removed = prune(tmp_path)
    assert sorted(removed) == sorted([files["dead"], files["orphan"], files["orphan stage"]])
    assert files["kept"].exists() and files["building"].exists()


def test_the_server_uses_the_index_beside_the_store_it_serves(project: Path) -> None:
    store_dir = build.build_store(project, project / "var" / "store", log=lambda m: None).store_dir
    assert store_dir is not None
    app = create_app(Settings(root=project), pyoxigraph.Store.read_only(str(store_dir)), store_dir=store_dir)
    assert served_store_dir(app.state) == store_dir
    index = index_for(app.state, EmbeddedBackend(pyoxigraph.Store()))
    assert index.path == index_path(store_dir) and [h.entry.name for h in index.search("ansongo")] == ["Ansongo"]
    assert served_store_dir(create_app(Settings(root=project), pyoxigraph.Store()).state) is None


def test_a_served_store_without_an_index_gets_one_beside_it(project: Path) -> None:
    store_dir = build.build_store(project, project / "var" / "store", log=lambda m: None).store_dir
    assert store_dir is not None
    index_path(store_dir).unlink()
    store = pyoxigraph.Store.read_only(str(store_dir))
    state = SimpleNamespace(store_dir=store_dir)
    index = index_for(state, EmbeddedBackend(store), wait=30)
    assert index.path == index_path(store_dir) and [h.entry.name for h in index.search("ans")] == ["Ansongo"]


def test_the_project_index_is_built_by_the_session_build(store_pointer: Path) -> None:
    store_dir = current_store_dir(store_pointer)
    assert store_dir is not None and is_current(index_path(store_dir))
    hits = SearchIndex(index_path(store_dir)).search("segala")
    assert hits and hits[0].entry.iri.endswith("/id/place/segala-region")

