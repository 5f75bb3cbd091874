"""The W3C SPARQL 1.1 Protocol and Service Description test suites.

Read from ``<root>/../shared/w3c-sparql11/`` (never copied here). Of the 34
protocol tests, the 7 that expect an update to succeed do not apply to a
read-only endpoint and are skipped with that reason; the other 27 must pass
(the ``bad_update_*`` ones expect a 4xx, which a read-only endpoint gives).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection

from sahel_kg.app import create_app
from sahel_kg.settings import Settings
from support.project_data import ROOT

W3C = ROOT.parent / "shared" / "w3c-sparql11"
PROTOCOL = W3C / "protocol" / "manifest.ttl"
SERVICE_DESCRIPTION = W3C / "service-description" / "manifest.ttl"
MISSING = f"the W3C test suite is not at {W3C} (a sibling 'shared' folder of the checkout)"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
SD = "http://www.w3.org/ns/sparql-service-description#"


@dataclass(frozen=True)
class HttpRequest:
    """One request of a protocol test and what its response must be."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[int]  # acceptable status classes: 2, 3, 4
    expected_format: str | None
    expected_boolean: bool | None


@dataclass(frozen=True)
class ProtocolCase:
    """One manifest entry: its data, its requests in order, and why it may not apply."""

    name: str
    title: str
    graphs: tuple[tuple[Path, str], ...]
    requests: tuple[HttpRequest, ...]
    skip: str | None


def _request(g: Graph, node: object) -> HttpRequest:
    headers = {}
    header_list = g.value(node, HT.headers)
    for h in Collection(g, header_list) if header_list is not None else []:
        headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
    body_node = g.value(node, HT.body)
    body = None
    if body_node is not None:
        encoding = str(g.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(g.value(body_node, CNT.chars)).encode(encoding.lower())
    resp = g.value(node, HT.resp)
    statuses = frozenset(int(str(s).rsplit("StatusCode", 1)[1][0]) for s in g.objects(resp, MF.expectedStatus))
    boolean = g.value(resp, MF.expectedBoolean)
    fmt = g.value(resp, MF.expectedFormat)
    path = str(g.value(node, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
    return HttpRequest(str(g.value(node, HT.methodName)), path, headers, body, statuses,
                       str(fmt) if fmt is not None else None, bool(boolean.toPython()) if boolean is not None else None)


def _is_update(r: HttpRequest) -> bool:
    return "sparql-update" in r.headers.get("content-type", "") or (r.body or b"").startswith(b"update=")


def protocol_cases() -> Iterator[ProtocolCase]:
    """Every entry of the protocol manifest, in its order."""
    g = Graph().parse(PROTOCOL, format="turtle", publicID=PROTOCOL.as_uri())
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    for entry in Collection(g, g.value(manifest, MF.entries)):
        action = g.value(entry, MF.action)
        requests = tuple(_request(g, r) for r in Collection(g, g.value(action, HT.requests)))
        graphs = tuple(
            (Path(str(g.value(d, UT.graph)).removeprefix("file://")), str(g.value(d, RDFS.label)))
            for d in g.objects(entry, UT.graphData)
        )
        writes = any(_is_update(r) and 2 in r.statuses for r in requests)
        skip = "expects an update to succeed; this endpoint is read-only" if writes else None
        yield ProtocolCase(str(entry).rsplit("#", 1)[1], str(g.value(entry, MF.name)), graphs, requests, skip)


CASES = list(protocol_cases()) if PROTOCOL.exists() else []


def test_manifest_counts() -> None:
    if not CASES:
        pytest.skip(MISSING)
    assert len(CASES) == 34
    assert sum(c.skip is None for c in CASES) == 27


def _store_for(case: ProtocolCase) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    for path, graph in case.graphs:
        store.load(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(graph))
    return store


def _check_format(r: HttpRequest, content_type: str, body: bytes) -> None:
    media = content_type.split(";")[0].strip()
    if r.expected_format in ("boolean", "tabular"):
        fmt = pyoxigraph.QueryResultsFormat.from_media_type(media)
        assert fmt is not None, f"not a results format: {media}"
        if r.expected_format == "boolean":
            assert fmt in (pyoxigraph.QueryResultsFormat.JSON, pyoxigraph.QueryResultsFormat.XML)
            result = pyoxigraph.parse_query_results(body, fmt)
            assert isinstance(result, pyoxigraph.QueryBoolean)
            if r.expected_boolean is not None:
                assert bool(result) is r.expected_boolean
    elif r.expected_format == "RDF":
        fmt = pyoxigraph.RdfFormat.from_media_type(media)
        assert fmt is not None, f"not an RDF format: {media}"
        list(pyoxigraph.parse(body, fmt))


@pytest.mark.embedded_only(reason="each case loads its own graphs into an in-memory store; "
                           "the service-description tests below run over both backends")
@pytest.mark.parametrize("case", CASES or [None], ids=[c.name for c in CASES] or ["absent"])
def test_protocol(case: ProtocolCase | None) -> None:
    if case is None:
        pytest.skip(MISSING)
    if case.skip:
        pytest.skip(case.skip)
    with TestClient(create_app(Settings(root=ROOT), _store_for(case))) as client:
        for r in case.requests:
            response = client.request(r.method, r.path, headers=r.headers, content=r.body)
            assert response.status_code // 100 in r.statuses, f"{case.title}: {response.status_code} {response.text[:300]}"
            if r.expected_format:
                _check_format(r, response.headers["content-type"], response.content)


SD_TERMS = {
    "Service", "Feature", "Language", "Function", "Aggregate", "EntailmentRegime", "EntailmentProfile",
    "GraphCollection", "Dataset", "Graph", "NamedGraph", "endpoint", "feature", "defaultEntailmentRegime",
    "entailmentRegime", "defaultSupportedEntailmentProfile", "supportedEntailmentProfile", "extensionFunction",
    "extensionAggregate", "languageExtension", "supportedLanguage", "propertyFeature", "defaultDataset",
    "availableGraphs", "resultFormat", "inputFormat", "defaultGraph", "namedGraph", "name", "graph",
    "SPARQL10Query", "SPARQL11Query", "SPARQL11Update", "DereferencesURIs", "UnionDefaultGraph",
    "RequiresDataset", "EmptyGraphs", "BasicFederatedQuery",
}


def sd_cases() -> list[str]:
    """Names of the service-description tests."""
    if not SERVICE_DESCRIPTION.exists():
        return []
    g = Graph().parse(SERVICE_DESCRIPTION, format="turtle")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    return [str(e).rsplit("#", 1)[1] for e in Collection(g, g.value(manifest, MF.entries))]


@pytest.mark.parametrize("name", sd_cases() or [None])
def test_service_description(client: TestClient, name: str | None) -> None:
    if name is None:
        pytest.skip(MISSING)
    response = client.get("/sparql")
    assert response.status_code == 200
    fmt = pyoxigraph.RdfFormat.from_media_type(response.headers["content-type"].split(";")[0])
    assert fmt is not None  # returns-rdf
    triples = list(pyoxigraph.parse(response.content, fmt))
    if name == "has-endpoint-triple":
        assert [t.object.value for t in triples if t.predicate.value == SD + "endpoint"] == ["http://testserver/sparql"]
    elif name == "conforms-to-schema":
        used = {term.value for t in triples for term in (t.predicate, t.object)
                if isinstance(term, pyoxigraph.NamedNode) and term.value.startswith(SD)}
        assert {u.removeprefix(SD) for u in used} <= SD_TERMS
        services = [t.subject for t in triples if t.predicate == pyoxigraph.NamedNode(str(RDF.type))
                    and t.object.value == SD + "Service"]
        assert len(services) == 1
