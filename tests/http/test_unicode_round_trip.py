"""No 200 whose body does not parse: literals of any Unicode through every result and RDF format.

Each generated literal (controls, U+FFFE/U+FFFF, bidi marks, line and paragraph
separators, quotes and markup among them) is bound by a query written in
ASCII with ``\\u`` escapes, and asked for in every format. Each body is read
back by an independent parser (json, csv, ElementTree, rdflib) and must give
the same value — or, where the format cannot carry a character (XML 1.0), the
answer is a 406 naming it.
"""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

import pyoxigraph
import pytest
import rdflib
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sahel_kg.rdf.xml_chars import forbidden_in_xml
from support.apps import make_client

ROUND_TRIP = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"
#: Characters worth trying on purpose, besides what hypothesis draws.
AWKWARD = "\x00\x01\x08\x0b\x0c\x1f\x7f\x85\u200e\u200f\u202a\u202e\u2066\u2069\u2028\u2029\ufeff\ufffe\uffff" \
          "\r\n\t\"'\\<>&]]>\U0001f600\u0301"

values = st.text(alphabet=st.one_of(st.sampled_from(AWKWARD), st.characters(blacklist_categories=("Cs",))),
                 min_size=1, max_size=12)


@pytest.fixture(scope="module")
def client() -> TestClient:
    with make_client(pyoxigraph.Store()) as c:
        yield c


def escaped(value: str) -> str:
    """A SPARQL string literal for ``value``, in ASCII: every character as a UCHAR escape."""
    return '"' + "".join(f"\\u{ord(c):04X}" if ord(c) < 0x10000 else f"\\U{ord(c):08X}" for c in value) + '"'


def selected_value(fmt: str, body: bytes) -> str:
    if fmt == "json":
        return json.loads(body)["results"]["bindings"][0]["x"]["value"]  # type: ignore[no-any-return]
    if fmt == "xml":
        return ElementTree.fromstring(body).find(f".//{SPARQL_RESULTS}literal").text or ""  # type: ignore[union-attr]
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))[1][0]
    parsed = pyoxigraph.parse_query_results(body, pyoxigraph.QueryResultsFormat.TSV)
    return next(iter(parsed))["x"].value  # type: ignore[no-any-return, call-overload]


RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld", "rdf": "xml",
                  "n3": "n3"}


def constructed_value(fmt: str, body: bytes) -> str:
    graph = rdflib.Dataset() if fmt in ("nq", "trig") else rdflib.Graph()
    graph.parse(data=body, format=RDFLIB_FORMATS[fmt])
    return str(next(o for _, _, o, *_ in (graph.quads() if isinstance(graph, rdflib.Dataset) else graph)))


def check(response_status: int, body: bytes, fmt: str, value: str, xml: bool, read) -> None:  # type: ignore[no-untyped-def]
    bad = forbidden_in_xml(value.encode("utf-8"))
    if xml and bad:
        assert response_status == 406, (fmt, value)
        assert bad in body.decode()
        return
    assert response_status == 200, (fmt, value, body[:200])
    assert read(fmt, body) == value, (fmt, value, body[:200])


@ROUND_TRIP
@given(value=values)
def test_select_results_parse_back_to_the_same_value(client: TestClient, value: str) -> None:
    query = f"SELECT ?x {{ BIND({escaped(value)} AS ?x) }}"
    for fmt in ("json", "xml", "csv", "tsv"):
        response = client.get("/sparql", params={"query": query, "format": fmt})
        check(response.status_code, response.content, fmt, value, fmt == "xml", selected_value)


@ROUND_TRIP
@given(value=values)
def test_graph_results_parse_back_to_the_same_value(client: TestClient, value: str) -> None:
    query = f"CONSTRUCT {{ <http://e/s> <http://e/p> ?x }} WHERE {{ BIND({escaped(value)} AS ?x) }}"
    for fmt in RDFLIB_FORMATS:
        response = client.get("/sparql", params={"query": query, "format": fmt})
        check(response.status_code, response.content, fmt, value, fmt == "rdf", constructed_value)


def test_entity_rdf_xml_refuses_what_xml_cannot_carry() -> None:
    store = pyoxigraph.Store()
    iri = pyoxigraph.NamedNode("https://w3id.org/sahel-harm/id/place/test-place")
    label = pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    store.add(pyoxigraph.Quad(iri, label, pyoxigraph.Literal("a\x01b", language="en"),
                              pyoxigraph.NamedNode("https://w3id.org/sahel-harm/graph/places")))
    with make_client(store) as client:
        refused = client.get("/id/place/test-place.rdf")
        assert refused.status_code == 406 and "U+0001" in refused.text
        turtle = client.get("/id/place/test-place.ttl")
        assert turtle.status_code == 200
        assert "a\x01b" in {str(o) for o in rdflib.Graph().parse(data=turtle.text, format="turtle").objects()}
